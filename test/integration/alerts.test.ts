import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import type { AlertChange } from '../../alerts/alert-service.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let now = Date.parse('2026-11-20T12:00:00+07:00');
const clock = { now: () => now };
let p: P;
let hook: WebhookReceiver<AlertChange>;
let received: AlertChange[] = [];
const changes: AlertChange[] = [];

/** `n` dengue encounters in commune 09187 on a day. */
const day = (date: string, n: number, prefix = date) =>
  Array.from({ length: n }, (_, i) => encounter({ event_id: `${prefix}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }));

const post = (events: unknown[]) => postAndSettle(p, events);

beforeAll(async () => {
  hook = await startWebhookReceiver<AlertChange>();
  received = hook.received;
  p = await startTestPipeline({ clock, env: { EWS_WEBHOOK_URL: hook.url } });
  p.alerts.onChange((c) => changes.push(c));
});
afterAll(async () => {
  await p?.cleanup();
  hook?.close();
});

describe('alerts from EARS alarms', () => {
  it('a quiet baseline raises no alert', async () => {
    const days = [
      '2026-11-08',
      '2026-11-09',
      '2026-11-10',
      '2026-11-11',
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
    ];
    await post(days.flatMap((d, i) => day(d, i % 2)));
    expect(changes).toHaveLength(0);
  });

  it('a spike opens one alert, stored, logged and POSTed to the webhook', async () => {
    await post(day('2026-11-20', 9));
    expect(changes.map((c) => c.type)).toEqual(['alert.opened']);
    const a = changes[0]!.alert;
    expect(a).toMatchObject({
      commune_code: '09187',
      syndrome: 'dengue',
      status: 'open',
      level: 'red',
      last_day: '2026-11-20',
      observed: 9,
      algorithm: 'ears_c2',
    });
    expect(a.threshold).toBeGreaterThan(a.expected!);
    expect(a.observed).toBeGreaterThan(a.threshold!);
    const res = await p.app.inject({ headers: adminHeaders, url: '/v1/alerts?status=open' });
    const { alerts } = res.json<{ alerts: { alert_id: string; commune_name: string; opened_at: string }[] }>();
    expect(alerts.map((x) => x.alert_id)).toEqual([a.alert_id]);
    expect(alerts[0]!.commune_name).toBeTruthy();
    // The read API carries the same ISO times as the alert contract and the webhook.
    expect(alerts[0]!.opened_at).toBe(a.opened_at);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(received[0]).toMatchObject({ type: 'alert.opened', alert: { alert_id: a.alert_id } });
  });

  it('further alarms for the same commune and syndrome update the open alert instead of opening another', async () => {
    now = Date.parse('2026-11-21T12:00:00+07:00');
    await post(day('2026-11-21', 14));
    expect(changes.map((c) => c.type)).toEqual(['alert.opened', 'alert.updated']);
    const updated = changes[1]!.alert;
    expect(updated.alert_id).toBe(changes[0]!.alert.alert_id);
    expect(updated).toMatchObject({ first_day: '2026-11-20', last_day: '2026-11-21', observed: 14, signal_count: 2 });
    const { alerts } = (await p.app.inject({ headers: adminHeaders, url: '/v1/alerts' })).json<{ alerts: { observed: number }[] }>();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.observed).toBe(14);
  });

  it('the scheduled daily run evaluates every series and records the run', async () => {
    await p.detect.runDay(Math.floor(Date.parse('2026-11-21T00:00:00Z') / 86_400_000));
    const rs = await p.store.query({
      query: "SELECT trigger, series_evaluated, errors FROM detection_runs WHERE trigger = 'schedule_daily'",
      format: 'JSONEachRow',
    });
    const runs = await rs.json<{ series_evaluated: number; errors: number }>();
    expect(runs).toHaveLength(1);
    // Every commune × series by EARS (19 with definitions v2: its lab_cholera, lab_hfmd and the
    // two chest X-ray series), plus one space-time scan per series, plus the shipped rules
    // (alerts/rules.default.yaml) on every commune: 13 commune series (6 group A and lab_cholera,
    // afp, lab_measles, meningitis_encephalitis for each of its 4 rules).
    expect(Number(runs[0]!.series_evaluated)).toBe(203 * 19 + 19 + 203 * 13);
    const evaluated = await p.store.query({
      query: "SELECT count() AS n FROM signals FINAL WHERE day = '2026-11-21'",
      format: 'JSONEachRow',
    });
    // Only the series with cases that day produce signals (an empty day cannot alarm).
    expect(Number((await evaluated.json<{ n: string }>())[0]!.n)).toBe(1);
    expect(Number(runs[0]!.errors)).toBe(0);
    // Re-evaluating the same day raised nothing new.
    expect(changes).toHaveLength(2);
  });

  it('a restart keeps the open alert open (no second alert for the same outbreak)', async () => {
    await p.close();
    p = await startTestPipeline({ clock, dir: p.dir, env: { EWS_WEBHOOK_URL: 'http://127.0.0.1:9/unused' } });
    p.alerts.onChange((c) => changes.push(c));
    expect(p.alerts.openAlerts().map((a) => a.alert_id)).toEqual([changes[0]!.alert.alert_id]);
    await post(day('2026-11-21', 16, 'more'));
    expect(changes.at(-1)!.type).toBe('alert.updated');
  });

  it('/v1/series returns counts with the threshold for the chart', async () => {
    const res = await p.app.inject({ headers: adminHeaders, url: '/v1/series?syndrome=dengue&commune=09187&days=14' });
    const body = res.json<{ algorithm: string; points: { date: string; count: number; threshold: number | null }[] }>();
    expect(body.algorithm).toBe('ears_c2');
    expect(body.points).toHaveLength(14);
    const last = body.points.find((x) => x.date === '2026-11-20')!;
    expect(last.count).toBe(9);
    expect(last.threshold).toBeLessThan(9);
  });
});
