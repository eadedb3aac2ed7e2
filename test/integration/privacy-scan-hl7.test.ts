import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';
import { adt, msa, oru } from '../helpers/hl7.ts';
import { issueKey, TEST_HOSPITAL } from '../helpers/pipeline.ts';
import { findIdentifiers, TEST_PSEUDONYM_KEY } from '../helpers/privacy.ts';

/**
 * Issue 12, privacy of HL7 v2 ingest: messages whose PID holds a known name (PID-5), MRN
 * (PID-3), home phone (PID-13), street line (PID-11) and a next of kin (NK1) go through
 * POST /hl7v2 — accepted, resent, refused by mapping, as another hospital's, an unsupported
 * trigger, a message without its MSH — then the data directory byte for byte, every ClickHouse
 * table and the captured pino lines hold none of them. The negative control (scrubbing and
 * redaction off) runs the same input on the same directory and finds every one.
 */
const dir = mkdtempSync(join(tmpdir(), 'ews-privacy-hl7-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const person = (tag: string) => ({
  family: `Phamscan${tag}`,
  given: `Quynhscan${tag}`,
  mrn: `MRNSCAN${tag}55120`,
  phone: `0987${tag === 'S' ? '1' : '2'}23456`,
  street: `45 Ngo Hue scan${tag}`,
  kin: `Lekinscan${tag}`,
});
const needles = (tag: string) => Object.values(person(tag));

async function run(tag: string, scrub: boolean): Promise<{ p: Pipeline; logs: string[] }> {
  const logs: string[] = [];
  const config = readConfig({ EWS_DATA_DIR: dir, EWS_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY });
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } });
  const p = await startPipeline(config, { log, clock: { now: () => Date.now() }, listen: false, cronSchedule: false, scrub });
  const key = await issueKey(p, TEST_HOSPITAL);
  const who = person(tag);
  const post = async (message: string, auth = true) => {
    const res = await p.app.inject({
      method: 'POST',
      url: '/hl7v2',
      headers: { ...(auth ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'x-application/hl7-v2+er7' },
      payload: message,
    });
    return { status: res.statusCode, code: res.statusCode === 200 ? msa(res.body).code : '' };
  };
  // Today's visit, so the event time lies inside the accepted window.
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const identified = (o: Parameters<typeof adt>[0]) =>
    adt({ facility: TEST_HOSPITAL, mrn: who.mrn, name: `${who.family}^${who.given}`, phone: who.phone, admit: `${today}0900`, ...o })
      .replace('12 Tran Phu', who.street)
      .concat(`\rNK1|1|${who.kin}^Van^^^|SPO|${who.street}|${who.phone}`);
  const complaint = `sot cao, BN ${who.family} ${who.mrn} goi ${who.phone}`;
  expect(await post(identified({ visit: `${tag}-ok`, complaint }))).toEqual({ status: 200, code: 'AA' });
  expect(await post(identified({ visit: `${tag}-ok`, complaint }))).toEqual({ status: 200, code: 'AA' }); // a resend
  expect((await post(identified({ visit: `${tag}-bad-birth`, birth: '2099x', complaint }))).code).toBe('AE');
  expect((await post(identified({ visit: `${tag}-other`, facility: 'BV-OTHER', complaint }))).code).toBe('AR');
  expect((await post(identified({ visit: `${tag}-a02`, trigger: 'A02', complaint }))).code).toBe('AR');
  // A message the library cannot parse (no MSH) whose PID still says who.
  expect((await post(identified({ visit: `${tag}-nomsh` }).slice(identified({}).indexOf('\r') + 1))).code).toBe('AR');
  const lab = oru({ facility: TEST_HOSPITAL, order: `${tag}-ord` })
    .replace('Tran^Thi B', `${who.family}^${who.given}`)
    .replace('MRN777', who.mrn);
  expect((await post(lab)).code).toBe('AA');
  expect((await post(identified({ visit: `${tag}-nokey` }), false)).status).toBe(401);
  await p.settle();
  return { p, logs };
}

const scan = (p: Pipeline, logs: readonly string[], what: readonly string[]) => findIdentifiers(p.store, dir, logs, what);

describe('HL7 v2 ingest stores no name, MRN, phone, street or next of kin (issue 12, privacy)', () => {
  it('after every HL7 path, the data directory, the tables and the logs hold none', async () => {
    const { p, logs } = await run('S', true);
    try {
      const rs = await p.store.query({ query: "SELECT count() AS n FROM events WHERE event_id LIKE 'S-%'", format: 'JSONEachRow' });
      // The visit (sent twice) and the lab result.
      expect(await rs.json()).toEqual([{ n: 2 }]);
      // The complaint keeps what classification needs, not who.
      const cc = await p.store.query({ query: "SELECT chief_complaint FROM events WHERE event_id = 'S-ok'", format: 'JSONEachRow' });
      expect(await cc.json()).toEqual([{ chief_complaint: 'sot cao, BN [patient] [patient] goi [patient]' }]);
      const dl = await p.store.query({ query: 'SELECT count() AS n FROM dead_letters', format: 'JSONEachRow' });
      expect((await dl.json<{ n: number }>())[0]!.n).toBeGreaterThanOrEqual(4);
      expect(await scan(p, logs, needles('S'))).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('negative control: with scrubbing and redaction off the same scan finds every identifier', async () => {
    const { p, logs } = await run('C', false);
    try {
      const found = await scan(p, logs, needles('C'));
      expect(needles('C').filter((n) => !found.some((f) => f.startsWith(`${n} in `)))).toEqual([]);
      expect(found.some((f) => f.includes('in table dead_letters'))).toBe(true);
      expect(await scan(p, [], needles('S'))).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
