import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, postAndSettle, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { createAlertStore } from '../../storage/alerts.ts';
import { createSignalStore } from '../../storage/signals.ts';
import type { Alert } from '../../schemas/alerts.ts';
import type { Signal } from '../../schemas/signals.ts';

/**
 * The CSV and NDJSON exports of the lists (issue 11) through a real pipeline (chDB, PGlite):
 * GET /v1/signals, /v1/alerts, /v1/line-list (read:line_list, audited like its JSON form) and
 * /v1/data-quality, each chosen by `format=` or Accept; streamed (no Content-Length, several
 * chunks), safe against formula injection, and scoped like the JSON answers.
 */

let p: TestPipeline;
const now = Date.parse('2026-11-20T15:00:00+07:00');
const A = '09187'; // Bắc Ninh (24)
const B = '09190'; // Bắc Ninh (24)
const C = '11953'; // Hưng Yên (33)
const DAY = '2026-11-20';
const tokens: Record<string, string> = {};
type Who = 'admin' | 'epi24' | 'dm';
const headersOf = (who: Who) => (who === 'admin' ? { ...adminHeaders } : { authorization: `Bearer ${tokens[who]}` });
const get = (who: Who, url: string, headers: Record<string, string> = {}) =>
  p.app.inject({ url, headers: { ...headersOf(who), ...headers }, payloadAsStream: true });

/** The body of a streamed answer and how many chunks it came in. */
async function read(res: Awaited<ReturnType<typeof get>>): Promise<{ body: string; chunks: number }> {
  let body = '';
  let chunks = 0;
  for await (const chunk of res.stream() as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8');
    chunks++;
  }
  return { body, chunks };
}
const csvLines = (body: string) => body.split('\r\n').slice(0, -1);
const ndjsonRows = (body: string) =>
  body
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function expectStreamed(res: Awaited<ReturnType<typeof get>>, contentType: string, filename: RegExp): void {
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(contentType);
  expect(res.headers['content-disposition']).toMatch(filename);
  expect(res.headers['content-length'], 'a streamed body has no Content-Length').toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
}

const signal = (algorithm: string, area_level: Signal['area_level'], code: string, cluster: string[] = []): Signal => ({
  syndrome: 'dengue',
  commune_code: code,
  area_level,
  cluster_communes: cluster,
  granularity: area_level === 'province' ? 'week' : 'day',
  day: DAY,
  algorithm,
  params: {},
  observed: 9,
  expected: 1.5,
  upperbound: 4,
  p_value: 0.001,
  score: null,
  alarm: true,
  level: 'red',
});
const alert = (id: string, area_level: Alert['area_level'], code: string, cluster: string[] = []): Alert => ({
  alert_id: id,
  commune_code: code,
  area_level,
  cluster_communes: cluster,
  granularity: area_level === 'province' ? 'week' : 'day',
  syndrome: 'dengue',
  status: 'open',
  level: 'red',
  algorithm: 'test',
  first_day: DAY,
  last_day: DAY,
  observed: 9,
  expected: 1,
  threshold: 4,
  p_value: null,
  signal_count: 1,
  opened_at: '2026-11-20T08:00:00.000Z',
  updated_at: '2026-11-20T08:00:00.000Z',
});

// Many signals for commune B so that an export of them is long enough to come in many chunks.
const MANY = 3000;

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now } });
  await p.access.users.add({ username: 'epi-24', role: 'epidemiologist', jurisdiction: { level: 'province', province: '24' } });
  tokens['epi24'] = (await p.access.users.issueToken('epi-24')).token;
  await p.access.users.add({ username: 'dm-national', role: 'data_manager', jurisdiction: { level: 'national' } });
  tokens['dm'] = (await p.access.users.issueToken('dm-national')).token;
  await postAndSettle(p, [
    encounter({ event_id: 'x-A1', commune_code: A, patient_id: 'P-A1', occurred_at: `${DAY}T08:00:00+07:00`, diagnoses: ['A90'] }),
    encounter({ event_id: 'x-A2', commune_code: A, patient_id: 'P-A2', occurred_at: `${DAY}T09:00:00+07:00`, diagnoses: ['A91', 'R50.9'] }),
    encounter({ event_id: 'x-B1', commune_code: B, patient_id: 'P-B1', occurred_at: `${DAY}T10:00:00+07:00` }),
    encounter({ event_id: 'x-C1', commune_code: C, patient_id: 'P-C1', occurred_at: `${DAY}T11:00:00+07:00` }),
  ]);
  const signals = createSignalStore(p.store);
  await signals.insertSignals([signal('t-A', 'commune', A), signal('t-C', 'commune', C), signal('t-AC', 'cluster', A, [A, C])], now);
  await signals.insertSignals(
    Array.from({ length: MANY }, (_, i) => ({
      ...signal(`bulk-${String(i).padStart(4, '0')}`, 'commune', B),
      alarm: false,
      level: 'none' as const,
    })),
    now,
  );
  await createAlertStore(p.store, { now: () => now }).insert([
    alert('a-A', 'commune', A),
    alert('a-C', 'commune', C),
    alert('a-P24', 'province', '24'),
  ]);
  // A hospital whose name a spreadsheet would run as a formula.
  await p.hospitals.add({ id: 'BV-24', name: '=HYPERLINK("http://x.invalid","Bệnh viện")', provinceCode: '24' });
  await p.hospitals.add({ id: 'BV-33', name: 'Hưng Yên, "tỉnh"', provinceCode: '33' });
});
afterAll(async () => {
  await p?.cleanup();
});

describe('GET /v1/signals exports', () => {
  it('csv: header, one line per stored signal, streamed in many chunks; the same rows as the JSON list', async () => {
    const url = `/v1/signals?from=${DAY}&to=${DAY}&area=${B}&limit=100000`;
    const res = await get('admin', `${url}&format=csv`);
    expectStreamed(res, 'text/csv; charset=utf-8', new RegExp(`^attachment; filename="signals-09190-${DAY}-${DAY}\\.csv"$`));
    const { body, chunks } = await read(res);
    const lines = csvLines(body);
    expect(lines[0]).toBe(
      'day,syndrome,area_level,commune_code,cluster_communes,granularity,algorithm,observed,expected,upperbound,p_value,score,alarm,level,detected_at',
    );
    const bulk = lines.filter((l) => l.includes(',bulk-'));
    expect(bulk).toHaveLength(MANY);
    expect(bulk[0]).toBe(`${DAY},dengue,commune,09190,,day,bulk-0000,9,1.5,4,0.001,,false,none,2026-11-20T08:00:00.000Z`);
    expect(chunks, 'streamed as it is read, not one buffer').toBeGreaterThan(10);
    const json = (await p.app.inject({ url, headers: headersOf('admin') })).json<{
      signals: { algorithm: string }[];
      truncated: boolean;
    }>();
    expect(json.truncated).toBe(false);
    expect(json.signals.map((s) => s.algorithm).sort()).toEqual(
      lines
        .slice(1)
        .map((l) => l.split(',')[6])
        .sort(),
    );
  });

  it('ndjson by Accept; scoped: province 24 gets no Hưng Yên signal, nor a cluster reaching into it (negative control: the nation does)', async () => {
    const url = `/v1/signals?from=${DAY}&to=${DAY}&syndrome=dengue&alarm=true`;
    const mine = await get('epi24', url, { accept: 'application/x-ndjson' });
    expectStreamed(mine, 'application/x-ndjson; charset=utf-8', /\.ndjson"$/);
    const rows = ndjsonRows((await read(mine)).body);
    const ours = rows.map((r) => r['algorithm']).filter((a) => String(a).startsWith('t-'));
    expect(ours).toEqual(['t-A']);
    expect(rows.every((r) => r['commune_code'] !== C)).toBe(true);
    const nation = ndjsonRows((await read(await get('admin', url, { accept: 'application/x-ndjson' }))).body);
    expect(
      nation
        .map((r) => r['algorithm'])
        .filter((a) => String(a).startsWith('t-'))
        .sort(),
    ).toEqual(['t-A', 't-AC', 't-C']);
    const out = await get('epi24', `${url}&area=${C}&format=csv`);
    expect(out.statusCode).toBe(403);
  });

  it('400 naming a bad format, an unknown parameter', async () => {
    const res = await get('admin', `/v1/signals?from=${DAY}&to=${DAY}&format=xlsx&colour=red`);
    expect(res.statusCode).toBe(400);
    const paths = JSON.parse((await read(res)).body) as { error: { details: { path: string }[] } };
    expect(paths.error.details.map((d) => d.path).sort()).toEqual(['colour', 'format']);
  });
});

describe('GET /v1/alerts exports', () => {
  it('csv by format= and by Accept: the same lines; names of the commune and province; scoped', async () => {
    const byFormat = await get('admin', '/v1/alerts?format=csv');
    expectStreamed(byFormat, 'text/csv; charset=utf-8', /^attachment; filename="alerts-all\.csv"$/);
    const lines = csvLines((await read(byFormat)).body);
    expect(lines[0]!.split(',').slice(0, 8)).toEqual([
      'alert_id',
      'status',
      'level',
      'syndrome',
      'area_level',
      'commune_code',
      'commune_name',
      'province_name',
    ]);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['a-A', 'a-C', 'a-P24']);
    const byAccept = await get('admin', '/v1/alerts', { accept: 'text/csv' });
    expect(csvLines((await read(byAccept)).body)).toEqual(lines);
    const mine = csvLines((await read(await get('epi24', '/v1/alerts?format=ndjson'))).body.replace(/\n/g, '\r\n'));
    expect(mine.map((l) => (JSON.parse(l) as { alert_id: string }).alert_id).sort()).toEqual(['a-A', 'a-P24']);
  });
});

describe('GET /v1/line-list and its exports', () => {
  it('json, csv and ndjson: the pseudonymised events of the series and day; no patient identifier', async () => {
    const url = `/v1/line-list?syndrome=dengue&area=${A}&day=${DAY}`;
    const json = (await p.app.inject({ url: url, headers: headersOf('epi24') })).json<{
      rows: { patient_key: string; diagnoses: string[] }[];
      truncated: boolean;
    }>();
    expect(json.rows).toHaveLength(2);
    expect(json.truncated).toBe(false);
    const csv = await get('epi24', `${url}&format=csv`);
    expectStreamed(csv, 'text/csv; charset=utf-8', new RegExp(`^attachment; filename="line-list-dengue-09187-${DAY}\\.csv"$`));
    const body = (await read(csv)).body;
    expect(body).not.toContain('P-A1');
    const lines = csvLines(body);
    expect(lines[0]).toBe(
      'day,occurred_at,commune_code,hospital_id,patient_key,sex,age_years,setting,diagnoses,temperature_c,test_code,result,syndromes',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5))).toEqual(
      json.rows.map((r, i) => [DAY, i === 0 ? '2026-11-20T01:00:00.000Z' : '2026-11-20T02:00:00.000Z', A, 'BV-TEST', r.patient_key]),
    );
    expect(lines[2]!.split(',')[8]).toBe('A91 R50.9');
    const nd = ndjsonRows((await read(await get('epi24', `${url}&format=ndjson`))).body);
    expect(nd.map((r) => r['patient_key'])).toEqual(json.rows.map((r) => r.patient_key));
  });

  it('every read is audited as line_list.read before rows are answered, the same for JSON and exports', async () => {
    const url = `/v1/line-list?syndrome=dengue&area=24&day=${DAY}`;
    for (const format of ['json', 'csv', 'ndjson']) {
      const res = await get('epi24', `${url}&format=${format}`);
      expect(res.statusCode).toBe(200);
      await read(res);
    }
    const page = await p.access.audit.list({ action: 'line_list.read', actor: 'epi-24', limit: 50 });
    const mine = page.records.filter((r) => r.target === `dengue|province:24|${DAY}`);
    expect(mine.map((r) => (r.details as { format: string }).format).sort()).toEqual(['csv', 'json', 'ndjson']);
    for (const r of mine)
      expect(r.details).toMatchObject({
        series: ['dengue'],
        area: { level: 'province', code: '24' },
        communes: expect.arrayContaining([A, B]),
        days: [DAY],
      });
  });

  it('a role without read:line_list, and an area outside the jurisdiction, get 403 and leave no audit row', async () => {
    const before = (await p.access.audit.list({ action: 'line_list.read', limit: 500 })).records.length;
    const dm = await get('dm', `/v1/line-list?syndrome=dengue&area=${A}&day=${DAY}&format=csv`);
    expect(dm.statusCode).toBe(403);
    const outside = await get('epi24', `/v1/line-list?syndrome=dengue&area=${C}&day=${DAY}&format=csv`);
    expect(outside.statusCode).toBe(403);
    expect(JSON.parse((await read(outside)).body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await p.access.audit.list({ action: 'line_list.read', limit: 500 })).records.length).toBe(before);
  });
});

describe('GET /v1/data-quality exports', () => {
  it('csv: one line per hospital; a name starting with = is written as text, quotes doubled (formula injection)', async () => {
    const res = await get('admin', '/v1/data-quality?format=csv');
    expectStreamed(res, 'text/csv; charset=utf-8', /^attachment; filename="data-quality-.*\.csv"$/);
    const body = (await read(res)).body;
    const lines = csvLines(body);
    expect(lines[0]!.split(',').slice(0, 7)).toEqual([
      'hospital_id',
      'name',
      'province_code',
      'last_received_at',
      'hours_since_last_event',
      'usual_gap_hours',
      'silent',
    ]);
    expect(lines.find((l) => l.startsWith('BV-24,'))).toContain(`,"'=HYPERLINK(""http://x.invalid"",""Bệnh viện"")",24,`);
    expect(lines.find((l) => l.startsWith('BV-33,'))).toContain(',"Hưng Yên, ""tỉnh""",33,');
    const test = lines.find((l) => l.startsWith('BV-TEST,'))!;
    // BV-TEST sent the four encounters today.
    expect(test.split(',')[7]).toBe('4');
  });

  it('ndjson: the same figures as the JSON answer; scoped to the province', async () => {
    const json = (await p.app.inject({ url: '/v1/data-quality', headers: headersOf('admin') })).json<{
      hospitals: { hospital_id: string; events_in_window: number }[];
    }>();
    const rows = ndjsonRows((await read(await get('admin', '/v1/data-quality?format=ndjson'))).body);
    expect(rows.map((r) => [r['hospital_id'], r['events_in_window']])).toEqual(
      json.hospitals.map((h) => [h.hospital_id, h.events_in_window]),
    );
    const mine = ndjsonRows((await read(await get('epi24', '/v1/data-quality?format=ndjson'))).body);
    expect(mine.map((r) => r['hospital_id'])).toEqual(['BV-24']);
  });
});
