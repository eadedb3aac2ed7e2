import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, startCli, type CliResult } from './cli-process.ts';
import { generateDay } from '../../../simulator/model.ts';
import { createRng } from '../../../simulator/random.ts';
import { loadDemoUnits } from '../../../cli/units.ts';
import { localDayNumber } from '../../../processors/count/window.ts';
import { registerOnDataDir, TEST_HOSPITAL } from '../../helpers/pipeline.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ews-shutdown-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const env = (dir: string) =>
  cleanEnv({ EWS_DATA_DIR: dir, PORT: '0', EWS_LOG_LEVEL: 'info', EWS_PSEUDONYM_KEY: 'shutdown-test-key-shutdown-test-key' });

/** A clean stop: exit 0, and nothing on stderr that looks like a failure. */
function expectCleanExit(r: CliResult): void {
  expect(r.signal, r.stderr.slice(-3000)).toBeNull();
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  expect(r.stderr).not.toMatch(/Error|is closed|failed/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  // pino lines at error (50) or fatal (60).
  expect(r.stderr).not.toMatch(/"level":(50|60)/);
}

/** A few simulated days of hospital traffic dated around now, as NDJSON. */
function recentTraffic(days: number): string {
  const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
  const rng = createRng(7);
  const today = localDayNumber(Date.now());
  const events = [];
  for (let d = today - days; d < today; d++) events.push(...generateDay(d, units, { scale: 0.25, outbreaks: [] }, rng));
  // Sent as one hospital, the one whose key the request carries.
  return events.map((e) => JSON.stringify({ ...e, hospital_id: TEST_HOSPITAL })).join('\n');
}

describe('Ctrl-C and SIGTERM drain and exit 0', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'ews serve, %s right after a batch was accepted (counting and detection in flight)',
    async (signal) => {
      const dir = tempDir();
      const key = await registerOnDataDir(dir);
      const p = startCli(['serve'], env(dir));
      await p.waitFor(/dashboard \/ bảng điều khiển: (http:\S+)\//, 60_000);
      const url = /(http:\/\/\S+?)\/\n/.exec(p.stdout)![1]!;
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
        body: recentTraffic(10),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { accepted: number }).accepted).toBeGreaterThan(1000);
      p.child.kill(signal);
      const r = await p.exited;
      expectCleanExit(r);
      expect(r.stderr).toContain(`${signal}, stopping`);
    },
    120_000,
  );

  it('ews serve, SIGINT while it is still starting', async () => {
    const p = startCli(['serve'], env(tempDir()));
    await p.waitFor(/migration applied/, 60_000);
    p.child.kill('SIGINT');
    expectCleanExit(await p.exited);
  }, 120_000);

  it('ews demo, Ctrl-C while history loads', async () => {
    const p = startCli(['demo', '--history-days', '400', '--port', '0', '--data-dir', tempDir()], env(tempDir()));
    await p.waitFor(/history \/ lịch sử .*: [1-9]\d*\/400 days, [1-9][\d,]* sent/, 90_000);
    p.child.kill('SIGINT');
    const r = await p.exited;
    expectCleanExit(r);
    expect(r.stderr).not.toMatch(/400\/400 days/);
  }, 180_000);

  it('ews demo, Ctrl-C during live traffic', async () => {
    const p = startCli(['demo', '--history-days', '30', '--day-seconds', '1', '--port', '0', '--data-dir', tempDir()], env(tempDir()));
    await p.waitFor(/closed \/ đã đóng ngày/, 120_000);
    p.child.kill('SIGINT');
    expectCleanExit(await p.exited);
  }, 180_000);
});
