import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import type { AlertChange } from '../../alerts/alert-service.ts';
import { parseDay } from '../../processors/count/window.ts';

// Persist first, then change memory: a store failure in the middle of detection or alerting
// (a real one: the table is detached from the engine) loses neither the alert nor the
// changed cells. Each test fails when the in-memory state is changed before the write.

type P = Awaited<ReturnType<typeof startTestPipeline>>;
const clock = { now: () => Date.parse('2026-11-20T12:00:00+07:00') };
const BASELINE = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);

/** `n` dengue encounters in `commune` on a day. */
const dengue = (date: string, n: number, commune = '09187', prefix = `${commune}-${date}`) =>
  Array.from({ length: n }, (_, i) =>
    encounter({ event_id: `${prefix}-${i}`, commune_code: commune, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }),
  );

const post = postAndSettle;

/** Runs `during` with `table` detached from the engine, so every write to it fails. */
async function withDetached(p: P, table: string, during: () => Promise<void>): Promise<void> {
  await p.store.command({ query: `DETACH TABLE ${table}` });
  try {
    await during();
  } finally {
    await p.store.command({ query: `ATTACH TABLE ${table}` });
  }
}

async function failedRuns(p: P): Promise<number> {
  const rs = await p.store.query({ query: 'SELECT count() AS n FROM detection_runs WHERE errors > 0', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

async function storedAlerts(p: P): Promise<{ commune_code: string; alert_id: string }[]> {
  const res = await p.app.inject({ headers: adminHeaders, url: '/v1/alerts' });
  return res.json<{ alerts: { commune_code: string; alert_id: string }[] }>().alerts;
}

describe('a failed alert insert', () => {
  let p: P;
  let hook: WebhookReceiver<AlertChange>;
  let received: AlertChange[] = [];
  const changes: AlertChange[] = [];

  beforeAll(async () => {
    hook = await startWebhookReceiver<AlertChange>();
    received = hook.received;
    p = await startTestPipeline({ clock, env: { EWS_WEBHOOK_URL: hook.url } });
    p.alerts.onChange((c) => changes.push(c));
    await post(
      p,
      BASELINE.flatMap((d, i) => dengue(d, i % 2)),
    );
  });
  afterAll(async () => {
    await p?.cleanup();
    hook?.close();
  });

  it('leaves the alert unopened, so a later signal of the same day opens, stores and notifies it', async () => {
    expect(changes).toHaveLength(0);
    await withDetached(p, 'alerts', async () => {
      await post(p, dengue('2026-11-20', 9));
      expect(await failedRuns(p)).toBe(1);
    });
    expect(changes).toHaveLength(0);
    expect(p.alerts.openAlerts()).toEqual([]);

    // The scheduled run of the same day gives the same signal again.
    await p.detect.runDay(parseDay('2026-11-20'));
    expect(changes.map((c) => c.type)).toEqual(['alert.opened']);
    const a = changes[0]!.alert;
    expect(a).toMatchObject({ commune_code: '09187', syndrome: 'dengue', last_day: '2026-11-20', observed: 9 });
    expect((await storedAlerts(p)).map((x) => x.alert_id)).toEqual([a.alert_id]);
    expect(p.alerts.openAlerts().map((x) => x.alert_id)).toEqual([a.alert_id]);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(received[0]).toMatchObject({ type: 'alert.opened', alert: { alert_id: a.alert_id } });
  });
});

describe('a failed detection run', () => {
  let p: P;
  const changes: AlertChange[] = [];

  beforeAll(async () => {
    p = await startTestPipeline({ clock });
    p.alerts.onChange((c) => changes.push(c));
    await post(
      p,
      BASELINE.flatMap((d, i) => [...dengue(d, i % 2), ...dengue(d, i % 2, '09190')]),
    );
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('keeps its changed cells: the next run evaluates them with the newly changed ones', async () => {
    expect(changes).toHaveLength(0);
    await withDetached(p, 'signals', async () => {
      await post(p, dengue('2026-11-20', 9));
      expect(await failedRuns(p)).toBe(1);
    });
    expect(changes).toHaveLength(0);

    // One case of another syndrome elsewhere: by itself it can alarm nothing.
    await post(p, [encounter({ event_id: 'other', commune_code: '09193', occurred_at: '2026-11-20T10:00:00+07:00', diagnoses: ['A09'] })]);
    expect(changes.map((c) => [c.type, c.alert.commune_code, c.alert.syndrome])).toEqual([['alert.opened', '09187', 'dengue']]);
    expect((await storedAlerts(p)).map((x) => x.commune_code)).toEqual(['09187']);
  });

  it('retries them by itself when nothing else changes', async () => {
    const opened09190 = () => changes.filter((c) => c.type === 'alert.opened' && c.alert.commune_code === '09190');
    const failedBefore = await failedRuns(p);
    await withDetached(p, 'signals', async () => {
      await post(p, dengue('2026-11-20', 9, '09190'));
      expect(await failedRuns(p)).toBe(failedBefore + 1);
    });
    expect(opened09190()).toHaveLength(0);
    // The retry comes 10 s after the failure.
    await expect.poll(() => opened09190().length, { timeout: 20_000, interval: 200 }).toBe(1);
    expect(opened09190()[0]!.alert.syndrome).toBe('dengue');
    expect((await storedAlerts(p)).map((x) => x.commune_code)).toContain('09190');
  }, 30_000);
});
