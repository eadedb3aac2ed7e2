/**
 * The e-mail channel: SMTP through nodemailer (EWS_SMTP_URL, sender EWS_MAIL_FROM), the
 * alert's subject and plain-text body in the recipient's language. The Message-ID is derived
 * from the outbox idempotency key, so a re-send after a crash carries the same Message-ID and
 * mail systems (and people's clients) can drop it as a duplicate.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { AppError } from '../../platform/errors.ts';
import { DeliveryRefusedError, type NotificationChannel } from './channel.ts';

export interface EmailChannelOptions {
  /** EWS_SMTP_URL, e.g. smtp://user:pass@mail.example.vn:587 or smtps://…:465. */
  readonly smtpUrl: string;
  /** EWS_MAIL_FROM, e.g. `Cảnh báo sớm <ews@soyte.example.vn>`. */
  readonly from: string;
  /** Connection, greeting and socket timeouts, default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/** `<hex@syndromic-ews>`: the same for every send of one notification. */
export function messageIdOf(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@syndromic-ews>`;
}

export function createEmailChannel(options: EmailChannelOptions): NotificationChannel {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    kind: 'email',
    async deliver(d) {
      try {
        await transport.sendMail({
          from: options.from,
          to: d.address,
          subject: d.message.subject,
          text: d.message.text,
          messageId: messageIdOf(d.idempotencyKey),
          headers: { 'X-EWS-Idempotency-Key': d.idempotencyKey, 'X-EWS-Alert': d.alertId },
        });
      } catch (err) {
        const code = (err as { responseCode?: unknown }).responseCode;
        // 5xx: the server refused for good (unknown mailbox, policy); 4xx and network: try again.
        if (typeof code === 'number' && code >= 500) throw new DeliveryRefusedError(`SMTP refused with ${code}`, { cause: err });
        throw new AppError('DELIVERY_FAILED', 'SMTP delivery failed', { cause: err });
      }
    },
    close: () => {
      transport.close();
      return Promise.resolve();
    },
  };
}
