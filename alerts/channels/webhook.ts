/**
 * The webhook channel: a JSON POST signed with HMAC-SHA256 under EWS_WEBHOOK_SECRET, for chat
 * bots (Zalo, Telegram), SMS gateways and other systems (README "Verifying webhooks").
 *
 * Headers: `X-EWS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` and
 * `Idempotency-Key: <outbox key>` (the same on every re-send of the notification).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Delivery, NotificationChannel } from './channel.ts';
import { postForDelivery } from './http-post.ts';

export const SIGNATURE_HEADER = 'X-EWS-Signature';

/** The `X-EWS-Signature` value of a body sent at `unixSeconds`. */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks an `X-EWS-Signature` header against the raw body (exactly the bytes received, before
 * any JSON parsing): true when one `v1` is the HMAC-SHA256 of `"<t>.<raw body>"` under `secret`
 * and `t` is within `toleranceSeconds` of `nowMs` (epoch milliseconds) either way, which
 * refuses a replay of an old request. Comparison in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  if (header === undefined) return false;
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') t = v;
    else if (k === 'v1') signatures.push(v);
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(nowMs / 1000 - Number(t)) > toleranceSeconds) return false;
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return signatures.some((s) => /^[0-9a-f]{64}$/i.test(s) && timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/** The JSON body of a webhook notification. */
export function webhookBody(d: Delivery): Record<string, unknown> {
  return {
    idempotency_key: d.idempotencyKey,
    event: d.event,
    alert_id: d.alertId,
    alert_version: d.alertVersion,
    recipient: d.recipient,
    lang: d.lang,
    level: d.level,
    syndrome: d.syndrome,
    subject: d.message.subject,
    summary: d.message.summary,
    text: d.message.text,
    link: d.message.link,
  };
}

export interface WebhookChannelOptions {
  /** EWS_WEBHOOK_SECRET. */
  readonly secret: string;
  readonly clock: Clock;
  /** Per request, default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/** POSTs each notification to its address (the officer's webhook URL or EWS_WEBHOOK_URL), signed. */
export function createWebhookChannel(options: WebhookChannelOptions): NotificationChannel {
  return {
    kind: 'webhook',
    async deliver(d) {
      const body = JSON.stringify(webhookBody(d));
      const t = Math.floor(options.clock.now() / 1000);
      await postForDelivery(
        d.address,
        body,
        { [SIGNATURE_HEADER]: signWebhook(options.secret, body, t), 'Idempotency-Key': d.idempotencyKey },
        { timeoutMs: options.timeoutMs ?? 10_000, what: 'webhook' },
      );
    },
    close: () => Promise.resolve(),
  };
}
