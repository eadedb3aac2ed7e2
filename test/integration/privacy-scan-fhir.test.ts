import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bundle } from '@medplum/fhirtypes';
import { readConfig } from '../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';
import { issueKey, TEST_HOSPITAL } from '../helpers/pipeline.ts';
import { findIdentifiers, TEST_PSEUDONYM_KEY } from '../helpers/privacy.ts';
import { fhirBundle, fhirCondition, fhirEncounter, fhirObservation, fhirPatient, PATIENT_URL } from '../helpers/fhir.ts';

/**
 * Issue 12, privacy of FHIR ingest: Patients with known names, MRNs, phone numbers and e-mail
 * addresses in `telecom`, and address lines go through every FHIR path — accepted (Bundle and
 * single resource), resent, refused by mapping, by validation and as another hospital's, a
 * transaction refused whole, bodies refused whole (not JSON, cut at the size limit, not a
 * Bundle, a media type) — then the data directory byte for byte, every ClickHouse table and
 * the captured pino lines hold none of them. The negative control (scrubbing and redaction off,
 * `scrub: false`) runs the same input on the same directory and finds every one.
 */
const dir = mkdtempSync(join(tmpdir(), 'ews-privacy-fhir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const person = (tag: string) => ({
  family: `Phạmscan${tag}`,
  given: `Quỳnhscan${tag}`,
  mrn: `MRNSCAN${tag}77310`,
  phone: `0987 11${tag === 'S' ? '1' : '2'} 222`,
  email: `scan.${tag.toLowerCase()}@benhvien.vn`,
  line: `45 Ngõ Huế scan${tag}`,
});
const needles = (tag: string) => Object.values(person(tag));

function patientOf(tag: string, over: Record<string, unknown> = {}) {
  const who = person(tag);
  return fhirPatient({
    identifier: [{ system: 'urn:oid:1.2.704.1', value: who.mrn }],
    name: [{ family: who.family, given: [who.given] }],
    telecom: [
      { system: 'phone', value: who.phone },
      { system: 'email', value: who.email },
    ],
    address: [{ use: 'home', line: [who.line], extension: [{ url: 'urn:ews:commune-code', valueCode: '09187' }] }],
    ...over,
  });
}

async function run(tag: string, scrub: boolean): Promise<{ p: Pipeline; logs: string[] }> {
  const logs: string[] = [];
  const config = readConfig({ EWS_DATA_DIR: dir, EWS_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, EWS_MAX_BODY_BYTES: '8192' });
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } });
  const p = await startPipeline(config, { log, clock: { now: () => Date.now() }, listen: false, cronSchedule: false, scrub });
  const key = await issueKey(p, TEST_HOSPITAL);
  const who = person(tag);
  const post = (url: string, payload: unknown, contentType = 'application/fhir+json') =>
    p.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  const complaint = `sốt 39 độ, BN ${who.family} ${who.mrn}, gọi ${who.phone}`;
  const enc = `urn:uuid:${tag}-enc`;
  const batch: Bundle = fhirBundle('batch', [
    [PATIENT_URL, patientOf(tag)],
    [
      enc,
      fhirEncounter(`${tag}-ok`, {
        reasonCode: [{ text: complaint }],
        subject: { reference: PATIENT_URL, display: `${who.family} ${who.given}` },
      }),
    ],
    ['urn:uuid:c', fhirCondition('A90', enc)],
    ['urn:uuid:o', fhirObservation(`${tag}-lab`)],
    // Refused by mapping (no result), by validation (a date in the future), as another hospital's.
    ['urn:uuid:o2', fhirObservation(`${tag}-nomap`, { interpretation: [] })],
    ['urn:uuid:e2', fhirEncounter(`${tag}-future`, { period: { start: '2099-01-01' }, reasonCode: [{ text: complaint }] })],
    ['urn:uuid:e3', fhirEncounter(`${tag}-foreign`, { meta: { source: 'urn:ews:hospital:BV-OTHER' }, reasonCode: [{ text: complaint }] })],
  ]);
  const first = (await post('/fhir', batch)).json<Bundle>();
  expect(first.entry!.map((e) => e.response!.status.slice(0, 3))).toEqual(['200', '201', '200', '201', '422', '422', '403']);
  expect((await post('/fhir', batch)).statusCode).toBe(200); // a resend
  // A single resource with a contained Patient, and a transaction refused whole.
  const contained = { contained: [patientOf(tag, { id: 'pt' })], subject: { reference: '#pt' } };
  expect(
    (await post('/fhir/Encounter', fhirEncounter(`${tag}-single`, { ...contained, reasonCode: [{ text: complaint }] }))).statusCode,
  ).toBe(201);
  expect((await post('/fhir/Observation', fhirObservation(`${tag}-single-bad`, { ...contained, code: {} }))).statusCode).toBe(422);
  const tx = fhirBundle('transaction', [
    [PATIENT_URL, patientOf(tag)],
    ['urn:uuid:t', fhirEncounter(`${tag}-tx`, { class: { code: 'XX' } })],
  ]);
  expect((await post('/fhir', tx)).statusCode).toBe(400);
  // Refused whole: not JSON, over the size limit (kept cut), not a Bundle, a media type.
  const text = JSON.stringify(fhirBundle('batch', [[PATIENT_URL, patientOf(tag)]]));
  expect((await post('/fhir', text.slice(0, -3))).statusCode).toBe(400);
  const big = JSON.stringify(
    fhirBundle(
      'batch',
      Array.from({ length: 30 }, (_, i) => [`urn:uuid:${i}`, patientOf(tag)] as [string, ReturnType<typeof patientOf>]),
    ),
  );
  expect((await post('/fhir', big)).statusCode).toBe(413);
  expect((await post('/fhir', patientOf(tag))).statusCode).toBe(400);
  expect((await post('/fhir', text, 'text/plain')).statusCode).toBe(415);
  // Without a key: 401, nothing kept.
  expect(
    (await p.app.inject({ method: 'POST', url: '/fhir', headers: { 'content-type': 'application/fhir+json' }, payload: text })).statusCode,
  ).toBe(401);
  await p.settle();
  return { p, logs };
}

const scan = (p: Pipeline, logs: readonly string[], what: readonly string[]) => findIdentifiers(p.store, dir, logs, what);

describe('FHIR ingest stores no name, MRN, telecom or address line (issue 12, privacy)', () => {
  it('after every FHIR path, the data directory, the tables and the logs hold none', async () => {
    const { p, logs } = await run('S', true);
    try {
      const rs = await p.store.query({
        query: "SELECT event_id, chief_complaint FROM events WHERE event_id LIKE '%|S-%' ORDER BY event_id",
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([
        { event_id: 'urn:ews:test:lab|S-lab', chief_complaint: '' },
        { event_id: 'urn:ews:test:visit|S-ok', chief_complaint: 'sốt 39 độ, BN [patient] [patient], gọi [phone]' },
        { event_id: 'urn:ews:test:visit|S-single', chief_complaint: 'sốt 39 độ, BN [patient] [patient], gọi [phone]' },
      ]);
      const dl = await p.store.query({
        query: 'SELECT reason_code, count() AS n FROM dead_letters GROUP BY reason_code ORDER BY reason_code',
        format: 'JSONEachRow',
      });
      expect(await dl.json()).toEqual([
        { reason_code: 'BODY_TOO_LARGE', n: 1 },
        { reason_code: 'BODY_UNPARSEABLE', n: 1 },
        { reason_code: 'HOSPITAL_MISMATCH', n: 2 },
        { reason_code: 'MAPPING_FAILED', n: 5 },
        { reason_code: 'UNSUPPORTED_MEDIA_TYPE', n: 1 },
        { reason_code: 'VALIDATION_FAILED', n: 2 },
      ]);
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
      expect(found.some((f) => f.includes('in table events'))).toBe(true);
      // The first run's identifiers are still nowhere.
      expect(await scan(p, [], needles('S'))).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
