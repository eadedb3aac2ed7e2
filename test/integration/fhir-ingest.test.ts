import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { adminHeaders, ingestHeaders, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { fhirBundle, fhirCondition, fhirEncounter, fhirObservation, fhirPatient, PATIENT_URL, visitBundle } from '../helpers/fhir.ts';

/**
 * FHIR R4 ingest (issue 12) over HTTP on a real pipeline (chDB + embedded log): Bundles and
 * single resources become the same events as POST /v1/events, stored once however often they
 * are resent; refusals answer OperationOutcomes at the element at fault and are dead-lettered.
 */
let p: TestPipeline;
const NOW = Date.parse('2026-11-21T03:00:00Z');

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => NOW }, hospitals: ['BV-TEST', 'BV-OTHER'] });
});
afterAll(async () => {
  await p?.cleanup();
});

const post = (url: string, body: unknown, headers: Record<string, string> = ingestHeaders(p), type = 'application/fhir+json') =>
  p.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': type },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function rows<T>(query: string): Promise<T[]> {
  await p.settle();
  return (await p.store.query({ query, format: 'JSONEachRow' })).json<T>();
}
const stored = (like: string) =>
  rows<{ event_id: string; n: number; setting: string; result: string; diagnoses: string[]; age_years: number | null }>(
    `SELECT event_id, count() AS n, any(setting) AS setting, any(result) AS result, any(diagnoses) AS diagnoses, any(age_years) AS age_years
     FROM events FINAL WHERE event_id LIKE '${like}' GROUP BY event_id ORDER BY event_id`,
  );
const letters = (like: string) =>
  rows<{ reason_code: string; source: string; raw: string; event_id: string }>(
    `SELECT reason_code, source, raw, event_id FROM dead_letters WHERE raw LIKE '${like}' OR event_id LIKE '${like}' ORDER BY reason_code`,
  );
const statuses = (b: Bundle) => (b.entry ?? []).map((e) => e.response?.status);

describe('FHIR R4 ingest', () => {
  it('GET /fhir/metadata answers a CapabilityStatement of what is accepted, without a key', async () => {
    const res = await p.app.inject({ url: '/fhir/metadata' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const cs = res.json<{ resourceType: string; fhirVersion: string; rest: { resource: { type: string }[] }[] }>();
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(cs.rest[0]!.resource.map((r) => r.type)).toEqual(['Encounter', 'Observation', 'Patient', 'Condition']);
  });

  it('401 with an OperationOutcome without a key, and nothing dead-lettered', async () => {
    const res = await post('/fhir', visitBundle('batch', 'anon'), {});
    expect(res.statusCode).toBe(401);
    expect(res.json<OperationOutcome>()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    const wrong = await post('/fhir/Encounter', fhirEncounter('x'), { authorization: 'Bearer ews_hk_nope' });
    expect(wrong.statusCode).toBe(401);
    expect(await letters('%anon%')).toEqual([]);
  });

  it('a transaction becomes an encounter and a lab event, stored once when resent or updated', async () => {
    const first = await post('/fhir', visitBundle('transaction', 't1'));
    expect(first.statusCode).toBe(200);
    const bundle = first.json<Bundle>();
    expect(bundle.type).toBe('transaction-response');
    expect(statuses(bundle)).toEqual(['200 OK', '201 Created', '200 OK', '201 Created']);
    // A resend, then an update of the encounter (same identifier, another complaint): the same events.
    const again = await post('/fhir', visitBundle('transaction', 't1'));
    expect(statuses(again.json<Bundle>())).toEqual(['200 OK', '200 OK', '200 OK', '200 OK']);
    const updated = visitBundle('batch', 't1');
    (updated.entry![1]!.resource as { reasonCode: unknown }).reasonCode = [{ text: 'ho, sốt' }];
    expect(statuses((await post('/fhir', updated)).json<Bundle>())).toEqual(['200 OK', '200 OK', '200 OK', '200 OK']);
    expect(await stored('%-t1')).toEqual([
      { event_id: 'urn:ews:test:lab|L-t1', n: 1, setting: '', result: 'positive', diagnoses: [], age_years: 36 },
      { event_id: 'urn:ews:test:visit|V-t1', n: 1, setting: 'outpatient', result: '', diagnoses: ['A90'], age_years: 36 },
    ]);
    const counts = await p.app.inject({
      headers: adminHeaders,
      url: '/v1/counts?syndrome=_tests&from=2026-11-20&to=2026-11-20&commune=09187',
    });
    expect(counts.json<{ rows: { count: number }[] }>().rows[0]!.count).toBe(1);
  });

  it('a transaction with an entry that cannot be mapped or is invalid is refused whole (400), naming each; nothing of it is stored', async () => {
    const b = visitBundle('transaction', 't2');
    (b.entry![3]!.resource as { code: unknown }).code = { coding: [{ system: 'http://snomed.info/sct', code: '1' }] };
    b.entry!.push({
      fullUrl: 'urn:uuid:x',
      resource: fhirEncounter('V-t2b', { class: { code: 'EMER' }, period: { start: '2010-01-01' } }),
    });
    const res = await post('/fhir', b);
    expect(res.statusCode).toBe(400);
    const oo = res.json<OperationOutcome>();
    expect(oo.issue.map((i) => [i.expression, i.details?.coding?.[0]?.code])).toEqual([
      [['Bundle.entry[3].resource.code'], 'MAPPING_FAILED'],
      [['Bundle.entry[4].resource.period.start'], 'VALIDATION_FAILED'],
    ]);
    expect(await stored('%-t2%')).toEqual([]);
    expect((await letters('%t2%')).map((l) => [l.reason_code, l.source])).toEqual([
      ['MAPPING_FAILED', 'http:/fhir'],
      ['VALIDATION_FAILED', 'http:/fhir'],
    ]);
  });

  it('a batch answers per entry: stored ones 201, refused ones 422 with the element at fault', async () => {
    const enc = 'urn:uuid:enc-b1';
    const b = fhirBundle('batch', [
      [PATIENT_URL, fhirPatient()],
      [enc, fhirEncounter('V-b1', { class: { code: 'VR' } })],
      ['urn:uuid:c', fhirCondition('J11.1', enc)],
      ['urn:uuid:o', fhirObservation('L-b1', { interpretation: [{ coding: [{ code: 'H' }] }] })],
      ['urn:uuid:p2', fhirPatient({ id: 'p2', address: [{ extension: [{ url: 'urn:ews:commune-code', valueCode: '99999' }] }] })],
      ['urn:uuid:o2', fhirObservation('L-b2', { subject: { reference: 'urn:uuid:p2' } })],
    ]);
    const res = await post('/fhir', b, ingestHeaders(p), 'application/json; charset=utf-8');
    expect(res.statusCode).toBe(200);
    const out = res.json<Bundle>();
    expect(out.type).toBe('batch-response');
    expect(statuses(out)).toEqual(['200 OK', '201 Created', '200 OK', '422 Unprocessable Entity', '200 OK', '422 Unprocessable Entity']);
    const issue = (i: number) => (out.entry![i]!.response!.outcome as OperationOutcome).issue[0]!;
    expect(issue(3).expression).toEqual(['Bundle.entry[3].resource.interpretation']);
    expect(issue(5).expression).toEqual(['Bundle.entry[4].resource.address[0].extension[0].valueCode']);
    expect(issue(5).diagnostics).toMatch(/unknown commune code 99999/);
    expect(await stored('%-b%')).toEqual([
      { event_id: 'urn:ews:test:visit|V-b1', n: 1, setting: 'telehealth', result: '', diagnoses: ['J11.1'], age_years: 36 },
    ]);
    expect((await letters('%L-b%')).map((l) => l.reason_code)).toEqual(['MAPPING_FAILED', 'VALIDATION_FAILED']);
  });

  it('POST /fhir/Observation and /fhir/Encounter take one resource with a contained Patient', async () => {
    const contained = fhirPatient({ id: 'pt' });
    const obs = await post('/fhir/Observation', fhirObservation('L-s1', { subject: { reference: '#pt' }, contained: [contained] }));
    expect(obs.statusCode).toBe(201);
    expect(obs.json<OperationOutcome>()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information' }] });
    const enc = await post(
      '/fhir/Encounter',
      fhirEncounter('V-s1', { subject: { reference: '#pt' }, contained: [contained], class: { code: 'IMP' } }),
    );
    expect(enc.statusCode).toBe(201);
    expect(
      (await post('/fhir/Encounter', fhirEncounter('V-s1', { subject: { reference: '#pt' }, contained: [contained] }))).statusCode,
    ).toBe(200);
    const bad = await post('/fhir/Encounter', fhirEncounter('V-s2'));
    expect(bad.statusCode).toBe(422);
    expect(bad.json<OperationOutcome>().issue[0]!.expression).toEqual(['Encounter.subject']);
    expect((await stored('%-s%')).map((r) => [r.event_id, r.n, r.setting])).toEqual([
      ['urn:ews:test:lab|L-s1', 1, ''],
      ['urn:ews:test:visit|V-s1', 1, 'inpatient'],
    ]);
  });

  it('a resource naming another hospital (serviceProvider, meta.source) is refused as HOSPITAL_MISMATCH (403), dead-lettered', async () => {
    const other = { identifier: { system: 'urn:ews:hospital', value: 'BV-OTHER' } };
    const res = await post(
      '/fhir/Encounter',
      fhirEncounter('V-m1', { serviceProvider: other, subject: { reference: '#p' }, contained: [fhirPatient({ id: 'p' })] }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json<OperationOutcome>().issue[0]).toMatchObject({
      code: 'forbidden',
      expression: ['Encounter.serviceProvider.identifier.value'],
      details: { coding: [{ code: 'HOSPITAL_MISMATCH' }] },
    });
    const obs = fhirObservation('L-m2', { meta: { source: 'urn:ews:hospital:BV-OTHER' } });
    const b = await post(
      '/fhir',
      fhirBundle('batch', [
        [PATIENT_URL, fhirPatient()],
        ['urn:uuid:o', obs],
      ]),
    );
    expect(statuses(b.json<Bundle>())).toEqual(['200 OK', '403 Forbidden']);
    // The same resource from its own hospital is accepted.
    const mine = await post(
      '/fhir',
      fhirBundle('batch', [
        [PATIENT_URL, fhirPatient()],
        ['urn:uuid:o', obs],
      ]),
      ingestHeaders(p, 'BV-OTHER'),
    );
    expect(statuses(mine.json<Bundle>())).toEqual(['200 OK', '201 Created']);
    expect((await letters('%-m_')).map((l) => l.reason_code)).toEqual(['HOSPITAL_MISMATCH', 'HOSPITAL_MISMATCH']);
  });

  it('bodies refused whole answer an OperationOutcome and are dead-lettered: not JSON, not a Bundle, media type', async () => {
    const broken = await post(
      '/fhir',
      '{"resourceType":"Bundle","id":"wh-0","type":"batch","entry":[{"resource":{"name":[{"family":"Wh0le"',
    );
    expect(broken.statusCode).toBe(400);
    expect(broken.json<OperationOutcome>().issue[0]).toMatchObject({
      code: 'structure',
      details: { coding: [{ code: 'BODY_UNPARSEABLE' }] },
    });
    const notBundle = await post('/fhir', fhirPatient({ id: 'wh-1', name: [{ family: 'Wh1le' }] }));
    expect(notBundle.statusCode).toBe(400);
    expect(notBundle.json<OperationOutcome>().issue[0]!.expression).toEqual(['resourceType']);
    const text = await post('/fhir', JSON.stringify({ ...visitBundle('batch', 'Wh2le'), id: 'wh-2' }), ingestHeaders(p), 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json<OperationOutcome>().issue[0]!.code).toBe('not-supported');
    const found = await rows<{ reason_code: string; raw: string }>(
      `SELECT reason_code, raw FROM dead_letters WHERE raw LIKE '%"id":"wh-_"%' ORDER BY reason_code`,
    );
    expect(found.map((f) => f.reason_code)).toEqual(['BODY_UNPARSEABLE', 'MAPPING_FAILED', 'UNSUPPORTED_MEDIA_TYPE']);
    // Names are redacted in each (the 415 body's family name too).
    for (const f of found) expect(f.raw).not.toMatch(/Wh[01]le|Nguyễn|MRN-100200|0912 345 678|Trần Phú/);
  });
});
