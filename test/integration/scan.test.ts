import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';
import type { AlertChange } from '../../alerts/alert-service.ts';
import { dayString, parseDay } from '../../processors/count/window.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
const today = parseDay('2026-11-20');
const clock = { now: () => Date.parse('2026-11-20T20:00:00+07:00') };
let p: P;
const changes: AlertChange[] = [];

beforeAll(async () => {
  p = await startTestPipeline({ clock, env: { EWS_SCAN_REPLICATIONS: '999' } });
  p.alerts.onChange((c) => changes.push(c));
  const units = p.units.all();
  const centre = '09187';
  const cluster = [centre, ...p.units.neighbours(centre, 3).map((u) => u.code)];
  const events: Record<string, unknown>[] = [];
  // 90 days of scattered diarrhoea across the provinces: a case a day in a rotating commune.
  for (let d = today - 89; d <= today; d++) {
    for (let k = 0; k < 3; k++) {
      const u = units[(d * 7 + k * 31) % units.length]!;
      if (cluster.includes(u.code)) continue;
      events.push(
        encounter({ event_id: `bg-${d}-${k}`, commune_code: u.code, occurred_at: `${dayString(d)}T09:00:00+07:00`, diagnoses: ['A09'] }),
      );
    }
  }
  // The last three days: two cases a day in each of four neighbouring communes — no commune
  // series is unusual on its own (too few cases to alert), together they are a cluster.
  for (let d = today - 2; d <= today; d++) {
    for (const c of cluster)
      for (let i = 0; i < 2; i++)
        events.push(
          encounter({ event_id: `cl-${d}-${c}-${i}`, commune_code: c, occurred_at: `${dayString(d)}T10:00:00+07:00`, diagnoses: ['A09'] }),
        );
  }
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.json()).toMatchObject({ accepted: events.length });
  await p.settle();
});
afterAll(async () => {
  await p?.cleanup();
});

describe('daily space-time permutation scan', () => {
  it('no commune series alerts on its own', () => {
    expect(changes).toHaveLength(0);
  });

  it('the daily run finds the cluster across the neighbouring communes and opens one cluster alert', async () => {
    await p.detect.runDay(today);
    const opened = changes.filter((c) => c.type === 'alert.opened').map((c) => c.alert);
    expect(opened).toHaveLength(1);
    const a = opened[0]!;
    expect(a).toMatchObject({
      area_level: 'cluster',
      syndrome: 'acute_diarrhoea',
      algorithm: 'space_time_permutation_scan',
      level: 'red',
      last_day: '2026-11-20',
    });
    const expected = ['09187', ...p.units.neighbours('09187', 3).map((u) => u.code)];
    for (const c of expected) expect(a.cluster_communes).toContain(c);
    expect(a.observed).toBeGreaterThanOrEqual(24);
    expect(a.p_value).toBeLessThanOrEqual(0.01);
    const rs = await p.store.query({
      query: "SELECT cluster_communes, cluster_days FROM signals FINAL WHERE algorithm = 'space_time_permutation_scan' AND alarm",
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ cluster_communes: string[]; cluster_days: number }>();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cluster_days).toBeGreaterThanOrEqual(3);
  });

  it('the same cluster the next run updates the alert rather than opening another', async () => {
    await p.detect.runDay(today);
    expect(changes.filter((c) => c.type === 'alert.opened')).toHaveLength(1);
  });
});
