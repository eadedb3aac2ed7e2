import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, postAndSettle, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

/**
 * GET /v1/trends through a real pipeline (issue 11): events posted as hospitals post them,
 * counted by the count processor, read back by day, ISO week and month, with percent of
 * visits, per 100 000, earlier years, scope and parameter refusals. And the API document.
 */

let p: TestPipeline;
const now = Date.parse('2026-11-20T15:00:00+07:00');
const A = '09187'; // Bắc Ninh (24)
const B = '09190'; // Bắc Ninh (24)
const C = '11953'; // Hưng Yên (33)
let seq = 0;
const dengue = (commune: string, day: string) =>
  encounter({ event_id: `t-${++seq}`, commune_code: commune, occurred_at: `${day}T09:00:00+07:00` });
// An encounter without a syndrome: a visit only (the denominator).
const visit = (commune: string, day: string) =>
  encounter({ event_id: `t-${++seq}`, commune_code: commune, occurred_at: `${day}T10:00:00+07:00`, diagnoses: ['S52.5'] });

const tokens: Record<string, string> = {};
const as = (who: 'admin' | 'province24' | 'communesA') => (url: string) =>
  p.app.inject({ url, headers: who === 'admin' ? { ...adminHeaders } : { authorization: `Bearer ${tokens[who]}` } });

interface Point {
  period: string;
  start: string;
  end: string;
  count: number;
  visits: number;
  percent_of_visits: number | null;
  per_100k: number | null;
  value: number | null;
  expected?: number | null;
}
interface Answer {
  area: { level: string; code: string; communes: number };
  population: number | null;
  points: Point[];
  compare_years: { years_back: number; points: Point[] }[];
  trend: { classification: string | null; window_from: string; window_to: string };
}

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now } });
  await p.access.users.add({ username: 'epi-24', role: 'epidemiologist', jurisdiction: { level: 'province', province: '24' } });
  tokens['province24'] = (await p.access.users.issueToken('epi-24')).token;
  await p.access.users.add({ username: 'officer-a', role: 'officer', jurisdiction: { level: 'communes', communes: [A] } });
  tokens['communesA'] = (await p.access.users.issueToken('officer-a')).token;
  await postAndSettle(p, [
    dengue(A, '2026-10-05'),
    dengue(A, '2026-11-10'), // ISO week 2026-W46
    dengue(A, '2026-11-16'), // Monday of 2026-W47
    dengue(A, '2026-11-16'),
    visit(A, '2026-11-16'),
    dengue(A, '2026-11-18'),
    dengue(B, '2026-11-19'),
    dengue(C, '2026-11-16'),
    // A year earlier: 2025-W46 (10–16 Nov 2025) twice, 2025-W47 (17–23 Nov 2025) once.
    dengue(A, '2025-11-10'),
    dengue(A, '2025-11-12'),
    dengue(A, '2025-11-17'),
  ]);
});
afterAll(async () => {
  await p?.cleanup();
});

describe('GET /v1/trends', () => {
  it('by day: zero-filled, with visits, percent of visits and per 100 000', async () => {
    const res = await as('admin')(`/v1/trends?syndrome=dengue&area=${A}&interval=day&from=2026-11-14&to=2026-11-18`);
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json<Answer>();
    const pop = p.units.all().find((u) => u.code === A)!.population;
    expect(b.population).toBe(pop);
    expect(b.points.map((x) => [x.period, x.count, x.visits, x.percent_of_visits])).toEqual([
      ['2026-11-14', 0, 0, null],
      ['2026-11-15', 0, 0, null],
      ['2026-11-16', 2, 3, 66.67],
      ['2026-11-17', 0, 0, null],
      ['2026-11-18', 1, 1, 100],
    ]);
    expect(b.points[2]!.per_100k).toBeCloseTo((2 / pop) * 100_000, 2);
    expect(b.points[0]!.per_100k).toBe(0);
    expect(b.trend.window_to).toBe('2026-11-18');
    // Rnssp's B = 12 days, ending on the last day asked for.
    expect(b.trend.window_from).toBe('2026-11-07');
    expect(b.compare_years).toEqual([]);
  });

  it('by ISO week, with the same weeks a year earlier and their mean as expected', async () => {
    const b = (
      await as('admin')(`/v1/trends?syndrome=dengue&area=${A}&interval=week&from=2026-11-09&to=2026-11-22&compare_years=1&expected=true`)
    ).json<Answer>();
    expect(b.points.map((x) => [x.period, x.start, x.end, x.count, x.expected])).toEqual([
      ['2026-W46', '2026-11-09', '2026-11-15', 1, 2],
      ['2026-W47', '2026-11-16', '2026-11-22', 3, 1],
    ]);
    expect(b.compare_years).toHaveLength(1);
    expect(b.compare_years[0]!.points.map((x) => [x.period, x.start, x.end, x.count])).toEqual([
      ['2025-W46', '2025-11-10', '2025-11-16', 2],
      ['2025-W47', '2025-11-17', '2025-11-23', 1],
    ]);
  });

  it('by month over a province, and national as the whole jurisdiction; per=visits puts the percent in value', async () => {
    const prov = (await as('admin')('/v1/trends?syndrome=dengue&area=24&interval=month&from=2026-10-01&to=2026-11-20')).json<Answer>();
    expect(prov.area).toMatchObject({ level: 'province', code: '24' });
    expect(prov.points.map((x) => [x.period, x.start, x.end, x.count])).toEqual([
      ['2026-10', '2026-10-01', '2026-10-31', 1],
      ['2026-11', '2026-11-01', '2026-11-20', 5],
    ]);
    const nat = (
      await as('admin')('/v1/trends?syndrome=dengue&area=national&interval=month&from=2026-11-01&to=2026-11-30&per=visits')
    ).json<Answer>();
    expect(nat.points[0]).toMatchObject({ count: 6, visits: 7, percent_of_visits: 85.71, value: 85.71 });
    // The same question from a province-24 epidemiologist and a one-commune officer: their communes only.
    const j24 = (
      await as('province24')('/v1/trends?syndrome=dengue&area=national&interval=month&from=2026-11-01&to=2026-11-30')
    ).json<Answer>();
    expect(j24.points[0]!.count).toBe(5);
    const jA = (
      await as('communesA')('/v1/trends?syndrome=dengue&area=national&interval=month&from=2026-11-01&to=2026-11-30')
    ).json<Answer>();
    expect(jA.area.communes).toBe(1);
    expect(jA.points[0]!.count).toBe(4);
  });

  it('the _visits series itself: every encounter, its own denominator', async () => {
    const b = (await as('admin')(`/v1/trends?syndrome=_visits&area=${A}&interval=week&from=2026-11-16&to=2026-11-22`)).json<Answer>();
    expect(b.points[0]).toMatchObject({ count: 4, visits: 4, percent_of_visits: 100 });
  });

  it('403 outside the jurisdiction, naming the area in both languages', async () => {
    for (const url of [
      `/v1/trends?syndrome=dengue&area=${C}&from=2026-11-16&to=2026-11-16`,
      '/v1/trends?syndrome=dengue&area=33&from=2026-11-16&to=2026-11-16',
    ]) {
      const res = await as('province24')(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(
        /(commune 11953|province 33).* \/ .*(xã\/phường 11953|tỉnh 33)/,
      );
    }
    // A commune officer may not read the province's total.
    expect((await as('communesA')('/v1/trends?syndrome=dengue&area=24&from=2026-11-16&to=2026-11-16')).statusCode).toBe(403);
  });

  it('400 naming each bad parameter, in both languages', async () => {
    const res = await as('admin')(
      '/v1/trends?syndrome=nope&area=national&interval=year&from=2026-11-16&to=2026-11-10&compare_years=x&colour=red',
    );
    expect(res.statusCode).toBe(400);
    const details = res.json<{ error: { code: string; details: { path: string; message: string }[] } }>().error;
    expect(details.code).toBe('BAD_QUERY');
    expect(details.details.map((d) => d.path).sort()).toEqual(['colour', 'compare_years', 'interval', 'syndrome']);
    for (const d of details.details) expect(d.message).toMatch(/ \/ /);
    const order = await as('admin')('/v1/trends?syndrome=dengue&area=national&from=2026-11-16&to=2026-11-10');
    expect(order.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(['to']);
    const missing = await as('admin')('/v1/trends?syndrome=dengue');
    expect(
      missing
        .json<{ error: { details: { path: string }[] } }>()
        .error.details.map((d) => d.path)
        .sort(),
    ).toEqual(['area', 'from', 'to']);
    const unknown = await as('admin')('/v1/trends?syndrome=dengue&area=99999&from=2026-11-16&to=2026-11-16');
    expect(unknown.statusCode).toBe(400);
  });
});

describe('GET /v1/trends?strata=', () => {
  interface Stratified {
    strata: { by: string[]; series: { values: Record<string, string>; points: Point[] }[] };
    points: Point[];
  }
  it('one zero-filled series per stratum value; summed over values they give the unstratified counts', async () => {
    const res = await as('admin')(`/v1/trends?syndrome=dengue&area=${A}&interval=day&from=2026-11-15&to=2026-11-16&strata=sex`);
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json<Stratified>();
    expect(b.strata.by).toEqual(['sex']);
    expect(b.strata.series.map((x) => x.values['sex'])).toEqual(['male', 'female', 'other', 'unknown']);
    const female = b.strata.series.find((x) => x.values['sex'] === 'female')!;
    expect(female.points.map((x) => [x.period, x.count, x.visits])).toEqual([
      ['2026-11-15', 0, 0],
      ['2026-11-16', 2, 3],
    ]);
    const male = b.strata.series.find((x) => x.values['sex'] === 'male')!;
    expect(male.points.map((x) => x.count)).toEqual([0, 0]);
    // Negative control on the sum: the unstratified answer has the same counts.
    expect(b.points.map((x) => x.count)).toEqual([0, 2]);
  });

  it('several strata: one series per combination, hospitals as found', async () => {
    const res = await as('admin')(
      `/v1/trends?syndrome=dengue&area=24&interval=month&from=2026-11-01&to=2026-11-30&strata=hospital,age_band`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json<Stratified>();
    expect(b.strata.by).toEqual(['age_band', 'hospital']);
    expect(b.strata.series).toHaveLength(7); // 7 age bands × 1 hospital
    const hit = b.strata.series.filter((x) => x.points[0]!.count > 0);
    expect(hit.map((x) => [x.values, x.points[0]!.count])).toEqual([[{ age_band: '25-44', hospital: 'BV-TEST' }, 5]]);
  });

  it('400 naming strata when a value is unknown or repeated, in both languages, beside other bad parameters', async () => {
    for (const bad of ['colour', 'sex,sex', 'sex,', '']) {
      const res = await as('admin')(`/v1/trends?syndrome=dengue&area=${A}&from=2026-11-15&to=2026-11-16&strata=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      const details = res.json<{ error: { details: { path: string; message: string }[] } }>().error.details;
      expect(details.map((d) => d.path)).toEqual(['strata']);
      expect(details[0]!.message).toMatch(/age_band.* \/ .*phải là/);
    }
    const two = await as('admin')(`/v1/trends?syndrome=nope&area=${A}&from=2026-11-15&to=2026-11-16&strata=colour`);
    expect(
      two
        .json<{ error: { details: { path: string }[] } }>()
        .error.details.map((d) => d.path)
        .sort(),
    ).toEqual(['strata', 'syndrome']);
  });
});

describe('GET /v1/trends?format=csv|ndjson: streamed exports', () => {
  it('csv: RFC 4180 with a header, attachment filename, streamed (no Content-Length); the same counts as the JSON answer', async () => {
    const url = `/v1/trends?syndrome=dengue&area=${A}&interval=day&from=2026-11-15&to=2026-11-16&strata=sex`;
    const res = await p.app.inject({ url: `${url}&format=csv`, headers: { ...adminHeaders }, payloadAsStream: true });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="trends-dengue-09187-day-2026-11-15-2026-11-16-sex.csv"');
    expect(res.headers['content-length']).toBeUndefined();
    let body = '';
    for await (const chunk of res.stream() as AsyncIterable<Buffer>) body += chunk.toString('utf8');
    const lines = body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'syndrome,area_level,area,interval,years_back,sex,period,start,end,count,visits,percent_of_visits,per_100k,value,expected',
    );
    expect(lines.slice(1, 3)).toEqual([
      'dengue,commune,09187,day,0,,2026-11-15,2026-11-15,2026-11-15,0,0,,0,0,',
      'dengue,commune,09187,day,0,,2026-11-16,2026-11-16,2026-11-16,2,3,66.67,2.54,2,',
    ]);
    const json = (await as('admin')(url)).json<{ points: Point[]; strata: { series: { points: Point[] }[] } }>();
    expect(lines.length - 2).toBe(json.points.length + json.strata.series.length * 2);
    const female = lines.filter((l) => l.includes(',female,'));
    expect(female.map((l) => l.split(',')[9])).toEqual(['0', '2']);
  });

  it('ndjson: one JSON object per line with the same columns', async () => {
    const res = await as('admin')(`/v1/trends?syndrome=dengue&area=24&interval=week&from=2026-11-09&to=2026-11-22&format=ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="trends-dengue-24-week-2026-11-09-2026-11-22\.ndjson"$/);
    const rows = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r['period'], r['count']])).toEqual([
      ['2026-W46', 1],
      ['2026-W47', 4],
    ]);
  });

  it('400 naming a bad format; exports keep the scope (403 outside the jurisdiction)', async () => {
    const bad = await as('admin')(`/v1/trends?syndrome=dengue&area=${A}&from=2026-11-15&to=2026-11-16&format=xlsx`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(['format']);
    const out = await as('province24')(`/v1/trends?syndrome=dengue&area=${C}&from=2026-11-15&to=2026-11-16&format=csv`);
    expect(out.statusCode).toBe(403);
  });
});

describe('the API document', () => {
  it('/openapi.json is OpenAPI 3 with /v1/trends, its parameters and the lifecycle alert routes, each with a summary', async () => {
    const res = await p.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; parameters?: { name: string; in: string }[] }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    const trends = doc.paths['/v1/trends']!['get']!;
    expect(trends.summary).toBeTruthy();
    expect(
      trends
        .parameters!.filter((x) => x.in === 'query')
        .map((x) => x.name)
        .sort(),
    ).toEqual(['area', 'compare_years', 'expected', 'format', 'from', 'interval', 'per', 'strata', 'syndrome', 'to']);
    expect(doc.paths['/v1/alert-inbox']!['get']!.summary).toBeTruthy();
    expect(doc.paths['/v1/alerts/{id}']!['get']!.summary).toBeTruthy();
    expect(doc.paths['/v1/alerts/{id}/actions']!['post']!.summary).toBeTruthy();
    expect(JSON.stringify(doc.paths['/v1/trends'])).toContain('percent_of_visits');
  });

  it('/docs answers the Swagger UI page, its script from this service, styles allowed inline there only', async () => {
    const res = await p.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger-ui');
    expect(res.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self';");
    const init = await p.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const page = await p.app.inject({ url: '/' });
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
  });
});
