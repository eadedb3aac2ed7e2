/**
 * From the notification settings (alerts/config.ts) to what the outbox sender takes: the
 * channels that are configured, and the sender's timing. The composition root (cli/) builds
 * them once and closes the channels after the sender.
 */
import type { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import type { NotificationChannel } from './channels/channel.ts';
import { createEmailChannel } from './channels/email.ts';
import { createSmsChannel } from './channels/sms.ts';
import { createWebhookChannel } from './channels/webhook.ts';
import type { notificationConfigSchema } from './config.ts';
import type { OutboxSenderConfig } from './outbox-sender.ts';
import type { ChannelKind } from './routing.ts';

export type NotificationConfig = z.output<typeof notificationConfigSchema>;

/** E-mail with EWS_SMTP_URL, webhooks with EWS_WEBHOOK_SECRET (never unsigned), SMS with EWS_SMS_GATEWAY_URL. */
export function channelsFromConfig(config: NotificationConfig, clock: Clock): Partial<Record<ChannelKind, NotificationChannel>> {
  return {
    ...(config.EWS_SMTP_URL !== undefined
      ? { email: createEmailChannel({ smtpUrl: config.EWS_SMTP_URL, from: config.EWS_MAIL_FROM }) }
      : {}),
    ...(config.EWS_WEBHOOK_SECRET !== undefined ? { webhook: createWebhookChannel({ secret: config.EWS_WEBHOOK_SECRET, clock }) } : {}),
    ...(config.EWS_SMS_GATEWAY_URL !== undefined
      ? { sms: createSmsChannel({ gatewayUrl: config.EWS_SMS_GATEWAY_URL, token: config.EWS_SMS_GATEWAY_TOKEN }) }
      : {}),
  };
}

export function senderConfigFrom(config: NotificationConfig): Partial<OutboxSenderConfig> {
  return {
    maxAttempts: config.EWS_OUTBOX_MAX_ATTEMPTS,
    initialBackoffMs: config.EWS_OUTBOX_BACKOFF_MS,
    maxBackoffMs: config.EWS_OUTBOX_MAX_BACKOFF_MS,
    pollIntervalMs: config.EWS_OUTBOX_POLL_MS,
    leaseMs: config.EWS_OUTBOX_LEASE_MS,
  };
}
