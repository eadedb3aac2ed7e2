import { z } from 'zod';
import { envHttpUrl, envInt } from '../platform/config.ts';

/** Settings of the alert service (composed into the root schema in cli/config.ts). */
export const alertsConfigSchema = z.object({
  /**
   * Alerts need at least this many cases on the alarm day. Default 5: commune series are
   * sparse, and at 3–4 cases Poisson noise alone alarms somewhere almost daily.
   */
  EWS_ALERT_MIN_COUNT: envInt(5, 1, 10_000),
  /** Lowest signal level that opens an alert: red or yellow. Default red. */
  EWS_ALERT_MIN_LEVEL: z.enum(['red', 'yellow']).default('red'),
  /** Alerts are POSTed as JSON to this URL when set. */
  EWS_WEBHOOK_URL: envHttpUrl('https://alerts.example.org/hook').optional(),
});

/**
 * Officers and notification delivery (issue 10): the officers file, the channels and the
 * outbox sender. A channel is on when its variables are set; a notification routed to a
 * channel that is off waits in the outbox (retried) until it is configured or runs out of attempts.
 */
export const notificationConfigSchema = z.object({
  /** Officers and their subscriptions, YAML or JSON (alerts/officers-file.ts); unset → only officers of the operational store. */
  EWS_OFFICERS_FILE: z.string().min(1).optional(),
  /** SMTP server for e-mail, smtp://user:pass@host:587 or smtps://…:465; unset → no e-mail. */
  EWS_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL such as smtp://ews:secret@mail.example.vn:587')
    .optional(),
  /** Sender of alert e-mails, an address or `Name <address>`. */
  EWS_MAIL_FROM: z.string().min(3).default('Cảnh báo sớm EWS <ews@localhost>'),
  /** Key of the webhook signature (X-EWS-Signature, HMAC-SHA256), ≥ 16 characters; unset → webhooks are not sent. */
  EWS_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  /** SMS gateway: JSON POST {to, text} (alerts/channels/sms.ts); unset → no SMS. */
  EWS_SMS_GATEWAY_URL: envHttpUrl('https://sms.example.vn/v1/messages').optional(),
  /** Bearer token sent to the SMS gateway. */
  EWS_SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  /** Base URL of the web page, for the alert link `<url>/alerts/<id>` in every message. */
  EWS_PUBLIC_URL: envHttpUrl('https://ews.soyte.example.vn').default('http://127.0.0.1:8080'),
  /** Attempts before a notification is given up (dead), default 10. */
  EWS_OUTBOX_MAX_ATTEMPTS: envInt(10, 1, 100),
  /** Wait after the first failed attempt, ms, default 30 000; doubled per attempt, with jitter. */
  EWS_OUTBOX_BACKOFF_MS: envInt(30_000, 10, 3_600_000),
  /** Longest wait between attempts, ms, default 3 600 000 (1 h). */
  EWS_OUTBOX_MAX_BACKOFF_MS: envInt(3_600_000, 10, 86_400_000),
  /** A red alert still open (no lifecycle step) this many minutes after it turned red is re-notified to the province heads. Default 120. */
  EWS_ESCALATION_MINUTES: envInt(120, 1, 7 * 24 * 60),
  /** How often an idle sender looks for due notifications, ms, default 1000. */
  EWS_OUTBOX_POLL_MS: envInt(1000, 5, 60_000),
  /**
   * How long a claim holds a notification, ms, default 300 000 (5 min): after a crash the rows
   * the dead process had claimed are sent again once it runs out. Keep it longer than a batch
   * of deliveries can take (20 rows × the 10 s channel timeout), else another sender takes
   * rows still waiting in a batch and sends them too.
   */
  EWS_OUTBOX_LEASE_MS: envInt(300_000, 1000, 3_600_000),
});
