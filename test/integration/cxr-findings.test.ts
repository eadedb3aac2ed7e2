import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, ingestHeaders, lab, startTestPipeline, TEST_HOSPITAL, type TestPipeline } from '../helpers/pipeline.ts';
import { fhirObservation, fhirPatient } from '../helpers/fhir.ts';
import { msa, oru } from '../helpers/hl7.ts';

// AI chest X-ray findings (local codes EWS-CXR-TB, EWS-CXR-NODULE) by the three ways in, counted
// in cxr_presumptive_tb and cxr_nodule; with the v1 definitions (before they existed) in none.
const NOW = Date.parse('2026-11-20T12:00:00+07:00');
const DAY = '2026-11-20';

async function count(p: TestPipeline, series: string): Promise<number> {
  const res = await p.app.inject({ headers: adminHeaders, url: `/v1/counts?syndrome=${series}&from=${DAY}&to=${DAY}&commune=09187` });
  expect(res.statusCode).toBe(200);
  return res.json<{ rows: { count: number }[] }>().rows.reduce((n, r) => n + r.count, 0);
}

async function sendFindings(p: TestPipeline): Promise<void> {
  const headers = ingestHeaders(p);
  // ews JSON: the local code as test_code.
  const json = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify([
      lab({ event_id: 'j-tb', occurred_at: '2026-11-20T09:00:00+07:00', test_code: 'EWS-CXR-TB', result: 'positive' }),
      lab({ event_id: 'j-tb-neg', occurred_at: '2026-11-20T09:00:00+07:00', test_code: 'EWS-CXR-TB', result: 'negative' }),
      lab({ event_id: 'j-nod', occurred_at: '2026-11-20T09:00:00+07:00', test_code: 'EWS-CXR-NODULE', result: 'positive' }),
    ]),
  });
  expect(json.statusCode, json.body).toBeLessThan(300);
  // FHIR Observation coded in urn:ews:local.
  const fhir = await p.app.inject({
    method: 'POST',
    url: '/fhir/Observation',
    headers: { ...headers, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(
      fhirObservation('f-tb', {
        code: { coding: [{ system: 'urn:ews:local', code: 'EWS-CXR-TB', display: 'AI CXR: presumptive TB' }] },
        effectiveDateTime: '2026-11-20T10:00:00+07:00',
        subject: { reference: '#pt' },
        contained: [{ ...fhirPatient(), id: 'pt' }],
      }),
    ),
  });
  expect(fhir.statusCode, fhir.body).toBeLessThan(300);
  // HL7 v2 ORU^R01 whose OBX-3 is in the local coding system 99EWS, abnormal flag A.
  const message = oru({ facility: TEST_HOSPITAL, order: 'CXR1', value: 'POS' }).replace(
    /OBX\|1\|CWE\|94500-6\^SARS-CoV-2 RNA\^LN\|\|[^|]*\|/,
    'OBX|1|CWE|EWS-CXR-NODULE^AI CXR nodule^99EWS||POS|',
  );
  expect(message).toContain('99EWS');
  const hl7 = await p.app.inject({
    method: 'POST',
    url: '/hl7v2',
    headers: { ...headers, 'content-type': 'x-application/hl7-v2+er7' },
    payload: message,
  });
  expect(msa(hl7.body).code, hl7.body).toBe('AA');
  await p.settle();
}

describe('AI chest X-ray findings through the real pipeline', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => NOW } });
    await sendFindings(p);
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('flagged findings count in cxr_presumptive_tb and cxr_nodule, from ews JSON, FHIR and HL7 v2', async () => {
    expect(await count(p, 'cxr_presumptive_tb')).toBe(2); // j-tb, f-tb (j-tb-neg is negative)
    expect(await count(p, 'cxr_nodule')).toBe(2); // j-nod, the ORU
    expect(await count(p, '_tests')).toBe(5);
  });

  it('the stored events carry their local codes and the version that counted them', async () => {
    const rs = await p.store.query({
      query: "SELECT test_code, syndromes, definitions_version FROM events FINAL WHERE startsWith(test_code, 'EWS-') ORDER BY event_id",
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ test_code: string; syndromes: string[]; definitions_version: string }>();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.definitions_version))).toEqual(new Set(['v2']));
  });
});

describe('with EWS_SYNDROME_DEFINITIONS=v1 (before the AI chest X-ray series): the same findings count nowhere (negative control)', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => NOW }, env: { EWS_SYNDROME_DEFINITIONS: 'v1' } });
    await sendFindings(p);
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('stored, counted as tests, but in no cxr series; each row says v1', async () => {
    expect(await count(p, 'cxr_presumptive_tb')).toBe(0);
    expect(await count(p, 'cxr_nodule')).toBe(0);
    expect(await count(p, '_tests')).toBe(5);
    const rs = await p.store.query({ query: 'SELECT DISTINCT definitions_version AS v FROM events FINAL', format: 'JSONEachRow' });
    expect((await rs.json<{ v: string }>()).map((r) => r.v)).toEqual(['v1']);
  });
});
