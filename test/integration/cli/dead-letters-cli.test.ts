import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, lab, ndjson, startTestPipeline, ingestHeaders, TEST_ADMIN_TOKEN } from '../../helpers/pipeline.ts';
import { pseudonymised } from '../../helpers/privacy.ts';

const bin = fileURLToPath(new URL('../../../bin/ews.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ews-dead-letters-cli-'));

/** Runs the real `ews dead-letters` in a child process. */
function ews(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, 'dead-letters', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EWS_DATA_DIR: join(dir, 'not-this-one'), EWS_LOG_LEVEL: 'warn', EWS_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

const post = (p: Awaited<ReturnType<typeof startTestPipeline>>, payload: string, contentType: string, hospital: string) =>
  p.app.inject({ method: 'POST', url: '/v1/events', headers: { ...ingestHeaders(p, hospital), 'content-type': contentType }, payload });

beforeAll(async () => {
  // A pipeline writes the dead letters, then stops: the CLI reads the stopped directory.
  const p = await startTestPipeline({ dir, hospitals: ['BV-A', 'BV-B'] });
  const refused = ndjson([
    encounter({ event_id: 'a1', hospital_id: 'BV-A' }),
    encounter({ event_id: 'a2', hospital_id: 'BV-A', commune_code: '99999' }),
    encounter({ event_id: 'a3', hospital_id: 'BV-A', sex: 'M', chief_complaint: 'sốt\tcao' }),
  ]);
  expect((await post(p, refused, 'application/x-ndjson', 'BV-A')).json()).toMatchObject({ accepted: 1 });
  const batch = JSON.stringify([lab({ event_id: 'b1', hospital_id: 'BV-B' }), lab({ event_id: 'b2', hospital_id: 'BV-B' })], null, 2);
  expect((await post(p, batch, 'text/plain', 'BV-B')).statusCode).toBe(415);
  await p.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ews dead-letters on a stopped data directory', () => {
  it('prints a table: time, source, code, hospital, reason', async () => {
    const r = await ews('--data-dir', dir);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^received_at\s+source\s+code\s+hospital\s+reason$/);
    expect(lines).toHaveLength(1 + 3);
    expect(lines.find((l) => l.includes('BV-A') && l.includes('unknown commune code 99999'))).toMatch(
      /^2\d{3}-\d\d-\d\dT[\d:.]+Z\s+http:\/v1\/events\s+VALIDATION_FAILED\s+BV-A\s+commune_code/,
    );
    expect(lines.find((l) => l.includes('UNSUPPORTED_MEDIA_TYPE'))).toBeDefined();
    expect(r.err).toMatch(/3 dead letter\(s\)/);
  });

  it('filters by hospital and code, and --json prints whole rows', async () => {
    const r = await ews('--data-dir', dir, '--hospital', 'BV-A', '--code', 'VALIDATION_FAILED', '--json');
    expect(r.code, r.err).toBe(0);
    const rows = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { hospital_id: string; event_id: string; raw: string; raw_encoding: string });
    expect(rows.map((x) => x.event_id).sort()).toEqual(['a2', 'a3']);
    expect(rows.every((x) => x.hospital_id === 'BV-A' && x.raw_encoding === 'utf8')).toBe(true);
    const none = await ews('--data-dir', dir, '--since', '2999-01-01T00:00:00Z', '--json');
    expect(none).toMatchObject({ code: 0, out: '' });
  });

  it('--raw prints payloads that replay: POSTed to a pipeline on the same directory, the refused batch is accepted', async () => {
    const r = await ews('--data-dir', dir, '--code', 'UNSUPPORTED_MEDIA_TYPE', '--raw');
    expect(r.code, r.err).toBe(0);
    expect(
      r.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event_id: string }).event_id),
    ).toEqual(['b1', 'b2']);
    const bad = await ews('--data-dir', dir, '--hospital', 'BV-A', '--raw');
    // The line received, patient_id pseudonymised (the tab inside the string stays escaped: one line per event).
    expect(bad.out.split('\n')).toContain(
      JSON.stringify(pseudonymised(encounter({ event_id: 'a3', hospital_id: 'BV-A', sex: 'M', chief_complaint: 'sốt\tcao' }))),
    );
    const p = await startTestPipeline({ dir, hospitals: ['BV-B'] });
    try {
      expect((await post(p, r.out, 'application/x-ndjson', 'BV-B')).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    } finally {
      await p.close();
    }
  });

  it('says the service is running when it holds the directory, and --url reads its API', async () => {
    const p = await startTestPipeline({ dir });
    try {
      const held = await ews('--data-dir', dir);
      expect(held.code).toBe(1);
      expect(held.err).toMatch(/service is running/);
      expect(held.err).toMatch(/dịch vụ đang chạy/);
      expect(held.err).toMatch(/GET \/v1\/dead-letters/);
      expect(held.err).toMatch(/--url/);
      const address = await p.app.listen({ port: 0, host: '127.0.0.1' });
      const viaApi = await ews('--url', address, '--code', 'UNSUPPORTED_MEDIA_TYPE', '--json');
      expect(viaApi.code, viaApi.err).toBe(0);
      expect(viaApi.out.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(viaApi.out)).toMatchObject({ reason_code: 'UNSUPPORTED_MEDIA_TYPE', hospital_id: '' });
    } finally {
      await p.close();
    }
  });

  it('answers --help, and refuses a bad option or date with exit code 2', async () => {
    const help = await ews('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage \/ Cách dùng: ews dead-letters \[--data-dir DIR \| --url/m);
    expect((await ews('--bogus')).err.trim().split('\n')).toHaveLength(1);
    expect((await ews('--since', 'yesterday')).code).toBe(2);
    expect((await ews('--since', '2026-02-30T00:00:00Z')).err).toMatch(/--since: must be an RFC 3339 date-time/);
    expect((await ews('--bogus')).code).toBe(2);
    const missing = await ews('--data-dir', join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no store in/);
  });
});
