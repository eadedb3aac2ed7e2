/**
 * The SMS channel, through an HTTP gateway (EWS_SMS_GATEWAY_URL): one JSON POST per message,
 * `{"to": "<phone>", "text": "<one segment where possible>"}`, with `Authorization: Bearer
 * <EWS_SMS_GATEWAY_TOKEN>` and `Idempotency-Key: <outbox key>`. 2xx means the gateway accepted
 * it; 408, 429 and 5xx are retried; other answers are refusals. The text is the alert's SMS
 * (alerts/sms-text.ts): Vietnamese with diacritics if it fits one segment, else folded.
 */
import type { NotificationChannel } from './channel.ts';
import { postForDelivery } from './http-post.ts';

export interface SmsChannelOptions {
  /** EWS_SMS_GATEWAY_URL. */
  readonly gatewayUrl: string;
  /** EWS_SMS_GATEWAY_TOKEN; no Authorization header when unset. */
  readonly token?: string | undefined;
  /** Per request, default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
}

export function createSmsChannel(options: SmsChannelOptions): NotificationChannel {
  return {
    kind: 'sms',
    async deliver(d) {
      const body = JSON.stringify({ to: d.address, text: d.message.sms.text });
      await postForDelivery(
        options.gatewayUrl,
        body,
        {
          ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
          'Idempotency-Key': d.idempotencyKey,
        },
        { timeoutMs: options.timeoutMs ?? 10_000, what: 'SMS gateway' },
      );
    },
    close: () => Promise.resolve(),
  };
}
