import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, ingestHeaders, startTestPipeline } from '../helpers/pipeline.ts';
import { dayString, parseDay } from '../../processors/count/window.ts';
import { mondayOfWeek, weekOfDay } from '../../processors/detect/periods.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

// GET /v1/series (commune, province, nation; daily or ISO-weekly; alarms from the stored
// signals) and GET /v1/multiples on real pipelines: a weekly province outbreak the Monday run
// alarms on, and a space-time cluster of four neighbouring communes.
type P = Awaited<ReturnType<typeof startTestPipeline>>;

interface Point {
  period: string;
  week?: string;
  count: number;
  expected: number | null;
  upperbound: number | null;
  alarm: boolean;
  algorithm: string;
  source: string;
  p_value: number | null;
}
interface SeriesBody {
  area: { level: string; code: string; name: string };
  interval: string;
  algorithm: string;
  points: Point[];
}
interface MultiplesBody {
  periods: string[];
  multiples: { key: string; name: string; counts: number[]; upperbound: (number | null)[]; excess_7d: number }[];
}

async function post(p: P, events: unknown[]): Promise<void> {
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.json()).toMatchObject({ accepted: events.length });
  await p.settle();
}

async function tokenFor(p: P, username: string, jurisdiction: Jurisdiction): Promise<Record<string, string>> {
  await p.access.users.add({ username, role: 'officer', jurisdiction });
  return { authorization: `Bearer ${(await p.access.users.issueToken(username)).token}` };
}

describe('a weekly province outbreak', () => {
  const lastWeek = weekOfDay(parseDay('2026-11-16'));
  const sunday = dayString(mondayOfWeek(lastWeek) + 6);
  let p: P;
  let bn: Record<string, string>;
  let hy: Record<string, string>;
  beforeAll(async () => {
    const clock = { now: () => Date.parse(`${dayString(mondayOfWeek(lastWeek + 1))}T07:00:00+07:00`) };
    p = await startTestPipeline({ clock, env: { EWS_DETECTORS: 'ears@day/commune,noufaily@week/commune,farrington@week/province' } });
    const events: Record<string, unknown>[] = [];
    for (let w = lastWeek - 69; w <= lastWeek; w++) {
      const n = w === lastWeek ? 40 : 2 + (w % 2);
      for (let i = 0; i < n; i++)
        events.push(
          encounter({
            event_id: `w${w}-${i}`,
            commune_code: i % 2 === 0 ? '09187' : '09190',
            occurred_at: `${dayString(mondayOfWeek(w) + (i % 7))}T10:00:00+07:00`,
            diagnoses: ['A90'],
          }),
        );
    }
    await post(p, events);
    expect(await p.detect.runWeek(mondayOfWeek(lastWeek + 1) - 1)).toBeGreaterThanOrEqual(2);
    bn = await tokenFor(p, 'bn.officer', { level: 'province', province: '24' });
    hy = await tokenFor(p, 'hy.officer', { level: 'province', province: '33' });
  }, 120_000);
  afterAll(async () => {
    await p?.cleanup();
  });
  const get = (url: string, headers: Record<string, string>) => p.app.inject({ url, headers });

  it("a province's weekly series: ISO weeks, the outbreak week alarmed by the province detector with its p-value", async () => {
    const res = await get(`/v1/series?syndrome=dengue&area=24&interval=week&to=${sunday}&days=56`, bn);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<SeriesBody>();
    expect(body.area).toEqual({ level: 'province', code: '24', name: expect.any(String) as string });
    expect(body.interval).toBe('week');
    expect(body.points).toHaveLength(8);
    const last = body.points.at(-1)!;
    expect(last).toMatchObject({ period: '2026-11-16', week: '2026-W47', count: 40, alarm: true, source: 'detector' });
    expect(last.algorithm).toBe('farrington_farrington1996');
    expect(last.p_value).toEqual(expect.any(Number));
    // The weeks before: 2–3 cases, no alarm (negative control on the same series).
    for (const pt of body.points.slice(0, -1)) {
      expect(pt.count).toBeLessThanOrEqual(3);
      expect(pt.alarm).toBe(false);
    }
    expect(body.points.map((x) => x.period)).toEqual(Array.from({ length: 8 }, (_, i) => dayString(mondayOfWeek(lastWeek - 7 + i))));
  });

  it('a commune weekly, a commune daily and the national series', async () => {
    const commune = (await get(`/v1/series?syndrome=dengue&area=09187&interval=week&to=${sunday}&days=14`, bn)).json<SeriesBody>();
    expect(commune.points.at(-1)).toMatchObject({ count: 20, alarm: true, algorithm: 'farrington_noufaily', source: 'detector' });
    // `commune` still works (the older parameter), daily by default.
    const daily = (await get(`/v1/series?syndrome=dengue&commune=09187&to=${sunday}&days=7`, bn)).json<SeriesBody>();
    expect(daily.interval).toBe('day');
    expect(daily.points.map((x) => x.count).reduce((a, b) => a + b, 0)).toBe(20);
    const admin = await tokenFor(p, 'nat.officer', { level: 'national' });
    const national = (await get(`/v1/series?syndrome=dengue&area=national&interval=week&to=${sunday}&days=7`, admin)).json<SeriesBody>();
    expect(national.area.level).toBe('national');
    expect(national.points.at(-1)).toMatchObject({ count: 40, source: 'threshold' });
    const other = (await get(`/v1/series?syndrome=dengue&area=33&interval=week&to=${sunday}&days=7`, hy)).json<SeriesBody>();
    expect(other.points.at(-1)).toMatchObject({ count: 0, alarm: false });
  });

  it('outside the jurisdiction: 403 naming the area; a province officer cannot read the nation', async () => {
    const res = await get(`/v1/series?syndrome=dengue&area=24&interval=week`, hy);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('province 24');
    expect((await get(`/v1/series?syndrome=dengue&area=national`, bn)).statusCode).toBe(403);
    expect((await get(`/v1/series?syndrome=dengue&area=09187`, hy)).statusCode).toBe(403);
    expect((await get(`/v1/multiples?province=24&syndrome=dengue`, hy)).statusCode).toBe(403);
  });

  it('400 naming each bad parameter', async () => {
    const res = await get('/v1/series?syndrome=nope&area=123&interval=month&from=2026-13-01', bn);
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
    expect(paths.sort()).toEqual(['area', 'from', 'interval', 'syndrome']);
    const missing = await get('/v1/series?syndrome=dengue', bn);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('area');
    const unknown = await get('/v1/series?syndrome=dengue&area=99', bn);
    expect(unknown.statusCode).toBe(400);
    const multiples = await get('/v1/multiples?by=commune', bn);
    expect(multiples.statusCode).toBe(400);
    const mpaths = multiples.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
    expect(mpaths.sort()).toEqual(['province', 'syndrome']);
    expect((await get('/v1/multiples?by=syndrome', bn)).body).toContain('area');
  });
});

describe('a space-time cluster of four communes', () => {
  const today = parseDay('2026-11-20');
  const centre = '09187';
  let p: P;
  let cluster: string[];
  let bn: Record<string, string>;
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => Date.parse('2026-11-20T20:00:00+07:00') }, env: { EWS_SCAN_REPLICATIONS: '999' } });
    const units = p.units.all();
    cluster = [centre, ...p.units.neighbours(centre, 3).map((u) => u.code)];
    const events: Record<string, unknown>[] = [];
    // 90 days of scattered diarrhoea, then two cases a day for three days in each cluster commune.
    for (let d = today - 89; d <= today; d++)
      for (let k = 0; k < 3; k++) {
        const u = units[(d * 7 + k * 31) % units.length]!;
        if (cluster.includes(u.code)) continue;
        events.push(
          encounter({ event_id: `bg-${d}-${k}`, commune_code: u.code, occurred_at: `${dayString(d)}T09:00:00+07:00`, diagnoses: ['A09'] }),
        );
      }
    for (let d = today - 2; d <= today; d++)
      for (const c of cluster)
        for (let i = 0; i < 2; i++)
          events.push(
            encounter({
              event_id: `cl-${d}-${c}-${i}`,
              commune_code: c,
              occurred_at: `${dayString(d)}T10:00:00+07:00`,
              diagnoses: ['A09'],
            }),
          );
    await post(p, events);
    await p.detect.runDay(today);
    bn = await tokenFor(p, 'bn.officer', { level: 'province', province: '24' });
  }, 180_000);
  afterAll(async () => {
    await p?.cleanup();
  });
  const get = (url: string) => p.app.inject({ url, headers: bn });

  it('each commune of the cluster has its series with the three days of cases', async () => {
    const inProvince = cluster.filter((c) => p.units.all().find((u) => u.code === c)?.provinceCode === '24');
    expect(inProvince.length).toBeGreaterThanOrEqual(2);
    for (const c of inProvince) {
      const body = (await get(`/v1/series?syndrome=acute_diarrhoea&area=${c}&to=2026-11-20&days=14`)).json<SeriesBody>();
      expect(body.points.slice(-3).map((x) => x.count)).toEqual([2, 2, 2]);
      expect(body.points.slice(0, -3).every((x) => x.count === 0)).toBe(true);
    }
  });

  it("small multiples by commune: every commune of the province in one answer, the cluster's first", async () => {
    const res = await get('/v1/multiples?province=24&syndrome=acute_diarrhoea&by=commune&to=2026-11-20&days=28');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<MultiplesBody>();
    const province = p.units.all().filter((u) => u.provinceCode === '24');
    expect(body.multiples.map((m) => m.key).sort()).toEqual(province.map((u) => u.code).sort());
    expect(body.periods).toHaveLength(28);
    for (const m of body.multiples) {
      expect(m.counts).toHaveLength(28);
      expect(m.upperbound).toHaveLength(28);
      expect(m.name).toBe(province.find((u) => u.code === m.key)!.name);
    }
    const inProvince = cluster.filter((c) => province.some((u) => u.code === c));
    expect(
      body.multiples
        .slice(0, inProvince.length)
        .map((m) => m.key)
        .sort(),
    ).toEqual([...inProvince].sort());
    // Sorted by recent excess, descending; a commune outside the cluster has less.
    const excess = body.multiples.map((m) => m.excess_7d);
    expect(excess).toEqual([...excess].sort((a, b) => b - a));
    expect(body.multiples.at(-1)!.excess_7d).toBeLessThan(body.multiples[0]!.excess_7d);
  });

  it('small multiples by syndrome for one commune: diarrhoea above the others', async () => {
    const body = (await get(`/v1/multiples?by=syndrome&area=${centre}&to=2026-11-20&days=14`)).json<MultiplesBody>();
    expect(body.multiples.length).toBeGreaterThan(2);
    expect(body.multiples[0]!.key).toBe('acute_diarrhoea');
    expect(body.multiples.some((m) => m.key.startsWith('_'))).toBe(false);
  });
});
