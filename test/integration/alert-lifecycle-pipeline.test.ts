import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';

// The lifecycle wired into the pipeline (issue 10): alarms become evidence of one alert per
// event in the operational store (dengue and its lab twin together), and an officer of the
// province works it through the API, each step audited.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let now = Date.parse('2026-11-20T12:00:00+07:00');
let p: P;
let officer: Record<string, string>;
let outsider: Record<string, string>;

const dengue = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => encounter({ event_id: `d-${date}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }));
const labs = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => lab({ event_id: `l-${date}-${i}`, occurred_at: `${date}T10:00:00+07:00` }));

type Inbox = { alerts: { id: string; family: string; level: string; status: string; evidence: { series: string }[] }[] };

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now } });
  for (const [username, jurisdiction] of [
    ['bn.officer', { level: 'province', province: '24' }],
    ['hy.officer', { level: 'province', province: '33' }],
  ] as const) {
    await p.access.users.add({ username, role: 'officer', jurisdiction });
  }
  officer = { authorization: `Bearer ${(await p.access.users.issueToken('bn.officer')).token}` };
  outsider = { authorization: `Bearer ${(await p.access.users.issueToken('hy.officer')).token}` };
  // A quiet fortnight of dengue in 09187 (Bắc Ninh), then a spike of cases and positive tests.
  const quiet = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);
  await postAndSettle(
    p,
    quiet.flatMap((d, i) => dengue(d, i % 2)),
  );
  await postAndSettle(p, [...dengue('2026-11-20', 9), ...labs('2026-11-20', 6)]);
}, 120_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('alert lifecycle in the pipeline', () => {
  it('the spike and its lab twin are one alert with both pieces of evidence', async () => {
    const res = await p.app.inject({ url: '/v1/alert-inbox?status=open', headers: officer });
    expect(res.statusCode).toBe(200);
    const { alerts } = res.json<Inbox>();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ family: 'dengue', level: 'red', status: 'open' });
    expect(new Set(alerts[0]!.evidence.map((e) => e.series))).toEqual(new Set(['dengue', 'lab_dengue']));
    // The legacy table (today's dashboard) still has one row per series: the difference this makes.
    const legacy = (await p.app.inject({ url: '/v1/alerts?status=open', headers: adminHeaders })).json<{ alerts: unknown[] }>().alerts;
    expect(legacy.length).toBeGreaterThan(1);
  });

  it('another province officer neither sees nor works it', async () => {
    const { alerts } = (await p.app.inject({ url: '/v1/alert-inbox', headers: outsider })).json<Inbox>();
    expect(alerts).toEqual([]);
    const [a] = (await p.app.inject({ url: '/v1/alert-inbox', headers: officer })).json<Inbox>().alerts;
    const act = await p.app.inject({ method: 'POST', url: `/v1/alerts/${a!.id}/actions`, headers: outsider, payload: { type: 'verify' } });
    expect(act.statusCode).toBe(403);
  });

  it('the province officer verifies it: new status, the step and its audit row', async () => {
    const [a] = (await p.app.inject({ url: '/v1/alert-inbox', headers: officer })).json<Inbox>().alerts;
    const act = await p.app.inject({
      method: 'POST',
      url: `/v1/alerts/${a!.id}/actions`,
      headers: officer,
      payload: { type: 'verify', notes: 'confirmed by phone with the hospital' },
    });
    expect(act.statusCode, act.body).toBe(200);
    expect(act.json<{ alert: { status: string } }>().alert.status).toBe('verified');
    const one = (await p.app.inject({ url: `/v1/alerts/${a!.id}`, headers: officer })).json<{
      steps: { action: string; actor: string }[];
    }>();
    expect(one.steps).toEqual([expect.objectContaining({ action: 'verify', actor: 'bn.officer' })]);
    const audit = await p.access.audit.list({ action: 'alert.verify', limit: 10 });
    expect(audit.records).toEqual([expect.objectContaining({ actor: 'bn.officer', target: a!.id })]);
  });

  it('more cases the next day join the verified alert instead of opening another', async () => {
    now = Date.parse('2026-11-21T12:00:00+07:00');
    await postAndSettle(p, dengue('2026-11-21', 14));
    const { alerts } = (await p.app.inject({ url: '/v1/alert-inbox', headers: officer })).json<Inbox>();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.status).toBe('verified');
    expect(alerts[0]!.evidence.length).toBeGreaterThan(2);
  });
});
