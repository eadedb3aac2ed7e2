import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, lab, ndjson, startTestPipeline, ingestHeaders, adminHeaders } from '../helpers/pipeline.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;

beforeAll(async () => {
  p = await startTestPipeline();
});
afterAll(async () => {
  await p?.cleanup();
});

const post = (payload: string, contentType = 'application/json') =>
  p.app.inject({ method: 'POST', url: '/v1/events', headers: { ...ingestHeaders(p), 'content-type': contentType }, payload });

async function deadLetters(): Promise<{ reason_code: string; reason: string; raw: string; event_id: string; raw_truncated: boolean }[]> {
  const rs = await p.store.query({
    query: 'SELECT reason_code, reason, raw, event_id, raw_truncated FROM dead_letters ORDER BY received_at',
    format: 'JSONEachRow',
  });
  return rs.json();
}

describe('POST /v1/events', () => {
  it('accepts a JSON array of mixed encounters and labs', async () => {
    const res = await post(JSON.stringify([encounter({ event_id: 'A1' }), lab({ event_id: 'A2' })]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });

  it('accepts NDJSON and answers a resend as a duplicate', async () => {
    const body = ndjson([encounter({ event_id: 'B1' }), encounter({ event_id: 'B2' })]);
    expect((await post(body, 'application/x-ndjson')).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect((await post(body, 'application/x-ndjson')).json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    // The same event twice in one body counts once.
    expect((await post(JSON.stringify([encounter({ event_id: 'B3' }), encounter({ event_id: 'B3' })]))).json()).toMatchObject({
      accepted: 1,
      duplicates: 1,
    });
  });

  it.each([
    ['missing event_id', { event_id: undefined }, 'event_id', /required/],
    ['empty event_id', { event_id: '' }, 'event_id', /empty/],
    ['event_id too long', { event_id: 'x'.repeat(129) }, 'event_id', /128/],
    ['occurred_at without offset', { occurred_at: '2026-11-20T09:30:00' }, 'occurred_at', /offset/],
    ['occurred_at not a date', { occurred_at: '20/11/2026' }, 'occurred_at', /RFC 3339/],
    ['commune_code not 5 digits', { commune_code: '123' }, 'commune_code', /5-digit/],
    ['unknown commune', { commune_code: '99999' }, 'commune_code', /unknown commune code 99999/],
    ['bad sex', { sex: 'M' }, 'sex', /male, female/],
    ['negative age', { age_years: -1 }, 'age_years', /≥ 0/],
    ['age too high', { age_years: 131 }, 'age_years', /130/],
    ['fractional age', { age_years: 3.5 }, 'age_years', /integer/],
    ['bad setting', { setting: 'home' }, 'setting', /outpatient/],
    ['diagnoses not an array', { diagnoses: 'A90' }, 'diagnoses', /array/],
    ['malformed ICD-10 code', { diagnoses: ['A90', 'XYZ'] }, 'diagnoses.1', /ICD-10/],
    ['temperature out of range', { temperature_c: 60 }, 'temperature_c', /45/],
    ['unknown field', { diagnosis: ['A90'] }, '', /unknown field\(s\): diagnosis/],
    ['missing patient_id', { patient_id: undefined }, 'patient_id', /required/],
  ])('rejects %s naming the field', async (_name, over, path, message) => {
    const ev = encounter({ event_id: `bad-${path}-${Math.random()}`, ...over });
    const res = await post(JSON.stringify([encounter({ event_id: `ok-${Math.random()}` }), ev]));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accepted: number; rejected: { index: number; errors: { path: string; message: string }[] }[] }>();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]!.index).toBe(1);
    const err = body.rejected[0]!.errors.find((e) => e.path === path);
    expect(err, JSON.stringify(body.rejected[0]!.errors)).toBeDefined();
    expect(err!.message).toMatch(message);
  });

  it.each([
    ['unknown schema', { schema: 'ews.encounter.v9' }, 'schema'],
    ['lab with bad LOINC', { test_code: 'NS1' }, 'test_code'],
    ['lab with bad result', { result: 'pos' }, 'result'],
  ])('rejects a lab/schema problem: %s', async (_name, over, path) => {
    const res = await post(JSON.stringify([lab({ event_id: `lab-${Math.random()}`, ...over })]));
    const body = res.json<{ rejected: { errors: { path: string }[] }[] }>();
    expect(body.rejected[0]!.errors.map((e) => e.path)).toContain(path);
  });

  it('rejects non-objects inside the array', async () => {
    const body = (await post(JSON.stringify([1, 'x', null, []]))).json<{
      rejected: { index: number; errors: { message: string }[] }[];
    }>();
    expect(body.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(body.rejected[0]!.errors[0]!.message).toMatch(/JSON object/);
  });

  it('refuses one bad NDJSON line but keeps the rest', async () => {
    const body = `${JSON.stringify(encounter({ event_id: 'N1' }))}\n{not json\n${JSON.stringify(encounter({ event_id: 'N2' }))}\n`;
    const res = (await post(body, 'application/x-ndjson')).json<{
      accepted: number;
      rejected: { index: number; errors: { message: string }[] }[];
    }>();
    expect(res.accepted).toBe(2);
    expect(res.rejected).toHaveLength(1);
    expect(res.rejected[0]!.errors[0]!.message).toMatch(/line 2 is not valid JSON/);
  });

  it('answers 400 to an unparseable JSON body', async () => {
    const res = await post('[{"schema": "ews.encounter.v1",');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_UNPARSEABLE', message: expect.stringMatching(/not valid JSON/) } });
  });

  it('answers 400 to an empty body and to a JSON scalar', async () => {
    expect((await post('   ')).statusCode).toBe(400);
    const res = await post('42');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_UNPARSEABLE' } });
  });

  it('answers 415 to a wrong content type', async () => {
    const res = await post('schema=x', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/application\/json/) } });
  });

  it('records every refused event and body in the dead-letter table with its reason and raw payload', async () => {
    const letters = await deadLetters();
    const codes = new Set(letters.map((l) => l.reason_code));
    expect(codes).toEqual(new Set(['VALIDATION_FAILED', 'BODY_UNPARSEABLE', 'BODY_EMPTY', 'UNSUPPORTED_MEDIA_TYPE']));
    const unknownCommune = letters.find((l) => l.reason.includes('unknown commune code 99999'));
    expect(unknownCommune?.raw).toContain('"commune_code":"99999"');
    expect(letters.find((l) => l.raw === '{not json')?.reason).toMatch(/line 2/);
    expect(letters.find((l) => l.raw.startsWith('[{"schema"'))?.reason_code).toBe('BODY_UNPARSEABLE');
  });

  it('never stores or logs the raw patient identifier', async () => {
    await p.settle();
    const rs = await p.store.query({
      query: "SELECT count() AS n, countIf(patient_key = 'PATIENT-123' OR position(patient_key, 'PATIENT') > 0) AS raw FROM events",
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string; raw: string }>();
    expect(Number(row!.n)).toBeGreaterThan(0);
    expect(Number(row!.raw)).toBe(0);
    // Negative control: the check above would see a raw identifier if one were stored.
    const probe = await p.store.query({
      query: "SELECT countIf(position(x, 'PATIENT') > 0) AS raw FROM (SELECT 'PATIENT-123' AS x)",
      format: 'JSONEachRow',
    });
    expect(Number((await probe.json<{ raw: string }>())[0]!.raw)).toBe(1);
  });
});

describe('health and metrics', () => {
  it('/healthz answers ok', async () => {
    const res = await p.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });
  it('/metrics exposes accepted, duplicate and rejected counters by type', async () => {
    const text = (await p.app.inject({ headers: adminHeaders, url: '/metrics' })).body;
    expect(text).toMatch(/ews_ingest_events_accepted_total\{schema="ews.encounter.v1"\} \d+/);
    expect(text).toMatch(/ews_ingest_events_accepted_total\{schema="ews.lab.v1"\} \d+/);
    expect(text).toMatch(/ews_ingest_events_duplicate_total\{schema="ews.encounter.v1"\} [1-9]/);
    expect(text).toMatch(/ews_ingest_events_rejected_total\{schema="ews.encounter.v1",reason="unknown_commune"\} 1/);
    expect(text).toMatch(/ews_processors_detection_runs_total/);
  });
});
