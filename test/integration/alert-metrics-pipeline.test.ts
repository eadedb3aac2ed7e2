import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue, startAlertPipeline } from '../helpers/alert-pipeline.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { verifyWebhookSignature } from '../../alerts/channels/webhook.ts';

// /metrics of the alert lifecycle and its notifications (issue 10), through the real pipeline:
// a dengue spike opens one alert, delivered by signed webhook to one officer's real receiver
// and refused (400) by another's. The scrape (with EWS_METRICS_TOKEN) shows the alert by level
// and status, sent and failed by channel, nothing pending, and one enqueue → delivery time;
// an officer's step moves the alert from open to verified in the gauge.
const METRICS_TOKEN = 'test-metrics-token-0123456789abcdefghij';
const SECRET = 'test-webhook-secret-0123456789';
let now = Date.parse('2026-11-20T12:00:00+07:00');
let p: TestPipeline;
let ok: WebhookReceiver<{ alert_id: string; event: string }>;
let refusing: WebhookReceiver<unknown>;
let dir: string;

const scrape = async (): Promise<string> => {
  const res = await p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return res.body;
};
/** The value of one series, or undefined when it is not in the scrape. */
const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

beforeAll(async () => {
  ok = await startWebhookReceiver();
  refusing = await startWebhookReceiver();
  refusing.status = () => 400;
  dir = mkdtempSync(join(tmpdir(), 'ews-alert-metrics-'));
  const officers = join(dir, 'officers.json');
  const officer = (username: string, webhook: string) => ({
    username,
    name: username,
    jurisdiction: { level: 'province', province: '24' },
    syndromes: 'all',
    min_level: 'yellow',
    channels: { webhook },
    lang: 'en',
  });
  writeFileSync(officers, JSON.stringify({ officers: [officer('bn.ok', ok.url), officer('bn.refusing', refusing.url)] }));
  p = await startAlertPipeline({
    now: () => now,
    env: { EWS_OFFICERS_FILE: officers, EWS_WEBHOOK_SECRET: SECRET, EWS_METRICS_TOKEN: METRICS_TOKEN },
  });
}, 120_000);
afterAll(async () => {
  await p?.cleanup();
  ok?.close();
  refusing?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('alert and notification metrics through the pipeline', () => {
  it('before any alert: the gauge is there at 0 for every level and status, nothing sent', async () => {
    const text = await scrape();
    expect(value(text, 'ews_alerts{level="red",status="open"}')).toBe(0);
    expect(value(text, 'ews_alerts{level="yellow",status="closed"}')).toBe(0);
    expect(value(text, 'ews_alerts_notifications_pending{channel="webhook"}')).toBe(0);
    expect(value(text, 'ews_alerts_notifications_sent_total{channel="webhook"}')).toBeUndefined();
  });

  it('a spike delivered: one red open alert, one webhook sent (signed), one refused, nothing pending, one delivery time', async () => {
    await postAndSettle(p, dengue('2026-11-20', 9));
    await expect.poll(() => ok.requests.length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => refusing.requests.length, { timeout: 15_000 }).toBe(1);
    const req = ok.requests[0]!;
    // Signed at the pipeline's clock (the test's `now`).
    expect(verifyWebhookSignature(SECRET, req.headers['x-ews-signature'] as string, req.rawBody, now)).toBe(true);
    expect(verifyWebhookSignature('another-secret-0123456789', req.headers['x-ews-signature'] as string, req.rawBody, now)).toBe(false);
    // The sender marks after the receiver's answer: poll until the marks are counted.
    await expect
      .poll(async () => value(await scrape(), 'ews_alerts_notifications_failed_total{channel="webhook"}'), { timeout: 10_000 })
      .toBe(1);
    const text = await scrape();
    expect(value(text, 'ews_alerts{level="red",status="open"}')).toBe(1);
    expect(value(text, 'ews_alerts_notifications_sent_total{channel="webhook"}')).toBe(1);
    expect(value(text, 'ews_alerts_notifications_pending{channel="webhook"}')).toBe(0);
    expect(value(text, 'ews_alerts_notification_delivery_seconds_count{channel="webhook"}')).toBe(1);
    // The test clock stands still (now is fixed): the enqueue → delivery time measured on it is 0.
    expect(value(text, 'ews_alerts_notification_delivery_seconds_bucket{le="0.05",channel="webhook"}')).toBe(1);
  });

  it("an officer's step moves the gauge from open to verified", async () => {
    const [alert] = (await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts;
    expect(ok.received[0]!.alert_id).toBe(alert!.id);
    now += 60_000;
    await p.lifecycle.transition(
      alert!.id,
      undefined,
      { type: 'verify' },
      { actor: { username: 'bn.ok', role: 'officer', via: 'session' } },
    );
    const text = await scrape();
    expect(value(text, 'ews_alerts{level="red",status="open"}')).toBe(0);
    expect(value(text, 'ews_alerts{level="red",status="verified"}')).toBe(1);
  });
});
