import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';
import { encounter, lab, issueKey, TEST_HOSPITAL } from '../helpers/pipeline.ts';
import { findIdentifiers, TEST_PSEUDONYM_KEY } from '../helpers/privacy.ts';

/**
 * Issue 9, privacy: events with known identifiers — patient ids, and phone, CCCD/CMND numbers
 * and e-mail addresses in free text — go through every ingest path (accepted, duplicate,
 * refused by validation, an unknown field, an NDJSON line that is not JSON, bodies refused
 * whole with 400/413/415, and writes that fail while a table is detached); then the whole data directory is scanned byte for byte (event log
 * files, chDB parts, PGlite), every ClickHouse table is read back (parts are compressed), and
 * so are the captured pino lines: no identifier is found. The negative control runs the same
 * input on the same directory with scrubbing switched off and finds every one of them.
 */
const dir = mkdtempSync(join(tmpdir(), 'ews-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PHONE = '0912 345 678';
const PHONE_84 = '+84 987 654 321';
const CCCD = '079201012345';
const CMND = '024123456';
const EMAIL = 'tran.thi.b@benhvien.vn';
const patients = (tag: string) => ({
  ok: `SCANPID${tag}A7731`,
  bad: `SCANPID${tag}B4410`,
  line: `SCANPID${tag}C5521`,
  body: `SCANPID${tag}D6632`,
});
const PHONE_BARE = '0987123456';
/** The identifiers as sent. */
const sent = (tag: string) => [...Object.values(patients(tag)), PHONE, PHONE_84, PHONE_BARE, CCCD, CMND, EMAIL];
/** What must not be found: each identifier as sent, and the spaced phones' digits (a normalised copy). */
const needles = (tag: string) => [...sent(tag), PHONE.replaceAll(' ', ''), '987 654 321', '987654321'];
const complaint = (pid: string) =>
  `sốt 39.5 3 ngày, BN ${pid}, gọi ${PHONE} hoặc ${PHONE_84} hoặc ${PHONE_BARE}, CCCD ${CCCD}, CMND ${CMND}, ${EMAIL}`;

async function run(tag: string, scrub: boolean): Promise<{ p: Pipeline; logs: string[] }> {
  const logs: string[] = [];
  const config = readConfig({ EWS_DATA_DIR: dir, EWS_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, EWS_MAX_BODY_BYTES: '8192' });
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } });
  const p = await startPipeline(config, { log, clock: { now: () => Date.now() }, listen: false, cronSchedule: false, scrub });
  const pid = patients(tag);
  const key = await issueKey(p, TEST_HOSPITAL);
  const whole0 = (id: string) => JSON.stringify([encounter({ event_id: id, patient_id: pid.body, chief_complaint: complaint(pid.body) })]);
  const post = (payload: string | Buffer, contentType = 'application/json') =>
    p.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, payload });
  const ok = encounter({ event_id: `${tag}-ok`, patient_id: pid.ok, chief_complaint: complaint(pid.ok) });
  const batch = [
    ok,
    lab({ event_id: `${tag}-lab`, patient_id: pid.ok }),
    ok, // a resend: a duplicate
    encounter({ event_id: `${tag}-bad`, patient_id: pid.bad, commune_code: '99999', chief_complaint: complaint(pid.bad) }),
    encounter({ event_id: `${tag}-field`, patient_id: pid.bad, ghi_chu: complaint(pid.bad) }),
    // Another hospital's event: refused as HOSPITAL_MISMATCH and dead-lettered like the others.
    encounter({ event_id: `${tag}-foreign`, hospital_id: 'BV-OTHER', patient_id: pid.bad, chief_complaint: complaint(pid.bad) }),
  ];
  const answer = (await post(JSON.stringify(batch))).json<{ accepted: number; duplicates: number; rejected: unknown[] }>();
  expect(answer).toMatchObject({ accepted: 2, duplicates: 1 });
  expect(answer.rejected).toHaveLength(3);
  // Without a key: 401, nothing of the body kept or logged.
  const anonymous = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/json' },
    payload: whole0(`${tag}-401`),
  });
  expect(anonymous.statusCode).toBe(401);
  // An NDJSON line that is not JSON, next to a valid one.
  const line = `{"patient_id": "${pid.line}", "chief_complaint": "gọi ${PHONE}, ${EMAIL}"`;
  const nd = await post(`${JSON.stringify(encounter({ event_id: `${tag}-nd`, patient_id: pid.line }))}\n${line}\n`, 'application/x-ndjson');
  expect(nd.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
  // Bodies refused whole: a media type (415), bytes that are not UTF-8 (400), too large (413).
  const whole = (id: string) => JSON.stringify([encounter({ event_id: id, patient_id: pid.body, chief_complaint: complaint(pid.body) })]);
  expect((await post(whole(`${tag}-415`), 'text/plain')).statusCode).toBe(415);
  const bytes = Buffer.from(whole(`${tag}-400X`));
  bytes[bytes.indexOf(Buffer.from(`${tag}-400X`)) + tag.length + 4] = 0xff;
  expect((await post(bytes)).statusCode).toBe(400);
  const big = JSON.stringify(Array.from({ length: 30 }, (_, i) => JSON.parse(whole(`${tag}-413-${i}`)) as unknown).flat());
  expect((await post(big)).statusCode).toBe(413);
  // Failing store writes: with dead_letters detached, a refused event and a refused body are
  // answered 5xx (nothing kept) and logged; with events detached, an accepted event's count
  // write fails, is logged and retried.
  const refused = encounter({ event_id: `${tag}-fail`, patient_id: pid.bad, commune_code: '99999', chief_complaint: complaint(pid.bad) });
  await p.store.command({ query: 'DETACH TABLE dead_letters' });
  try {
    expect((await post(JSON.stringify([refused]))).statusCode).toBeGreaterThanOrEqual(500);
    expect((await post(whole(`${tag}-fail415`), 'text/plain')).statusCode).toBeGreaterThanOrEqual(500);
  } finally {
    await p.store.command({ query: 'ATTACH TABLE dead_letters' });
  }
  await p.store.command({ query: 'DETACH TABLE events' });
  try {
    const retried = encounter({ event_id: `${tag}-retry`, patient_id: pid.ok, chief_complaint: complaint(pid.ok) });
    expect((await post(JSON.stringify([retried]))).json()).toMatchObject({ accepted: 1 });
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await p.store.command({ query: 'ATTACH TABLE events' });
  }
  await p.settle();
  expect(logs.some((l) => l.includes('"level":50') || l.includes('"level":40'))).toBe(true);
  return { p, logs };
}

const scan = (p: Pipeline, logs: readonly string[], what: readonly string[]) => findIdentifiers(p.store, dir, logs, what);

describe('no raw identifier anywhere (issue 9, privacy)', () => {
  it('after every ingest path, the data directory, the tables and the logs hold none', async () => {
    const { p, logs } = await run('S', true);
    try {
      // The accepted events are stored, and their complaints still carry what classification needs.
      const rs = await p.store.query({ query: "SELECT chief_complaint FROM events WHERE event_id = 'S-ok'", format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([
        { chief_complaint: 'sốt 39.5 3 ngày, BN [patient], gọi [phone] hoặc [phone] hoặc [phone], CCCD [id], CMND [id], [email]' },
      ]);
      const ev = await p.store.query({
        query: "SELECT event_id FROM events WHERE startsWith(event_id, 'S-') ORDER BY event_id",
        format: 'JSONEachRow',
      });
      expect(await ev.json()).toEqual(['S-lab', 'S-nd', 'S-ok', 'S-retry'].map((event_id) => ({ event_id })));
      const dl = await p.store.query({ query: 'SELECT count() AS n FROM dead_letters', format: 'JSONEachRow' });
      // Seven refusals kept (the mismatched event one of them); the unauthenticated body none.
      expect(Number((await dl.json<{ n: string }>())[0]!.n)).toBe(7);
      expect(logs.length).toBeGreaterThan(0);
      expect(await scan(p, logs, needles('S'))).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('negative control: with scrubbing off the same scan finds every identifier', async () => {
    const { p, logs } = await run('C', false);
    try {
      logs.push(`${JSON.stringify({ canary: 'SCANPIDCA7731' })}\n`);
      const found = await scan(p, logs, needles('C'));
      expect(sent('C').filter((n) => !found.some((f) => f.startsWith(`${n} in `)))).toEqual([]);
      expect(found.some((f) => f.includes('in table dead_letters'))).toBe(true);
      expect(found.some((f) => f.includes('in table events'))).toBe(true);
      expect(found.some((f) => f.includes('in file /log/'))).toBe(true);
      expect(found).toContain('SCANPIDCA7731 in logs');
      // The first run's patient ids are still nowhere (its phones and ID numbers are the control's too).
      expect(await scan(p, [], Object.values(patients('S')))).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
