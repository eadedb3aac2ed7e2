import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue, startAlertPipeline } from '../helpers/alert-pipeline.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

// GET /v1/map through the real pipeline (issue: the overview map): a dengue spike in 09187
// (Bắc Ninh) opens a red lifecycle alert through the alert pipeline; the Bắc Ninh officer's
// map shows it on that commune, with the last 7 closed days' events; the Hưng Yên officer's
// map has only Hưng Yên's communes and no alert (negative control: the same checks refuse the
// national answer). (The boundaries file: map-boundaries.test.ts.)
const now = Date.parse('2026-11-20T12:00:00+07:00');
let p: TestPipeline;
const tokens = new Map<string, string>();
const USERS: [string, Jurisdiction][] = [
  ['bn.officer', { level: 'province', province: '24' }],
  ['hy.officer', { level: 'province', province: '33' }],
  ['epi', { level: 'national' }],
];

interface Feature {
  id: string;
  geometry: { type: string };
  properties: {
    code: string;
    province_code: string;
    name: string;
    approximate: boolean;
    level: 'red' | 'yellow' | null;
    open_alerts: number;
    events_7d: number;
    top_syndrome: string | null;
  };
}
interface MapBody {
  type: string;
  approximate: boolean;
  window: { from: string; to: string };
  features: Feature[];
}

const get = (who: string, url: string) => p.app.inject({ url, headers: { authorization: `Bearer ${tokens.get(who)}` } });
const mapOf = async (who: string, qs = '') => {
  const res = await get(who, `/v1/map${qs}`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.json<MapBody>();
};
const communesOf = (province: string) =>
  p.units
    .all()
    .filter((u) => u.provinceCode === province)
    .map((u) => u.code)
    .sort();

/** The checks of a province officer's map: exactly the province's communes, the alert where it belongs. */
function checkProvinceMap(body: MapBody, province: string, alerted: Record<string, 'red' | 'yellow'>): void {
  expect(body.features.map((f) => f.properties.code).sort()).toEqual(communesOf(province));
  const levels = Object.fromEntries(body.features.filter((f) => f.properties.level !== null).map((f) => [f.id, f.properties.level]));
  expect(levels).toEqual(alerted);
}

beforeAll(async () => {
  p = await startAlertPipeline({
    now: () => now,
    before: async (pipeline) => {
      for (const [username, jurisdiction] of USERS) {
        await pipeline.access.users.add({ username, role: 'officer', jurisdiction });
        tokens.set(username, (await pipeline.access.users.issueToken(username)).token);
      }
    },
  });
  await postAndSettle(p, dengue('2026-11-20', 9));
  const page = await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 });
  expect(page.alerts.map((a) => [a.family, a.level, a.status, a.area.communes])).toEqual([['dengue', 'red', 'open', ['09187']]]);
}, 180_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('GET /v1/map', () => {
  it("the Bắc Ninh officer: the province's communes, 09187 red with its open alert and the last 7 closed days' events", async () => {
    const body = await mapOf('bn.officer');
    expect(body).toMatchObject({ type: 'FeatureCollection', approximate: true, window: { from: '2026-11-13', to: '2026-11-19' } });
    checkProvinceMap(body, '24', { '09187': 'red' });
    const f = body.features.find((x) => x.id === '09187')!;
    // The quiet days alternate 0 and 1 case: 13, 15, 17 and 19 November had one each; the spike is today, not closed.
    expect(f.properties).toMatchObject({
      code: '09187',
      province_code: '24',
      approximate: true,
      level: 'red',
      open_alerts: 1,
      events_7d: 4,
      top_syndrome: 'dengue',
    });
    expect(f.geometry.type).toBe('Polygon');
    const quiet = body.features.find((x) => x.id !== '09187')!;
    expect(quiet.properties).toMatchObject({ level: null, open_alerts: 0, events_7d: 0, top_syndrome: null });
  });

  it("the Hưng Yên officer: only Hưng Yên's communes, none alerted", async () => {
    checkProvinceMap(await mapOf('hy.officer'), '33', {});
  });

  it("negative control: the province checks refuse the national answer (both provinces' communes)", async () => {
    const national = await mapOf('epi');
    expect(national.features.length).toBe(p.units.all().length);
    expect(() => checkProvinceMap(national, '33', {})).toThrow();
    expect(() => checkProvinceMap(national, '24', { '09187': 'red' })).toThrow();
    expect(() => checkProvinceMap(national, '24', {})).toThrow();
  });

  it.each([
    ['dengue', 'red', 1, 4],
    ['lab_dengue', 'red', 1, 0],
    ['ili', null, 0, 0],
  ] as const)('syndrome=%s: 09187 level %s, %i open alert(s), %i events', async (syndrome, level, open, events) => {
    const body = await mapOf('bn.officer', `?syndrome=${syndrome}`);
    const f = body.features.find((x) => x.id === '09187')!;
    expect(f.properties).toMatchObject({ level, open_alerts: open, events_7d: events });
  });

  it.each([
    ['?syndrome=flu', /syndrome: must be one of/],
    ['?colour=red', /colour/],
  ])('%s: 400 naming the parameter, in both languages', async (qs, message) => {
    const res = await get('bn.officer', `/v1/map${qs}`);
    expect(res.statusCode).toBe(400);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('BAD_QUERY');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/ \/ tham số/);
  });

  it('without credentials 401', async () => {
    expect((await p.app.inject({ url: '/v1/map' })).statusCode).toBe(401);
  });
});
