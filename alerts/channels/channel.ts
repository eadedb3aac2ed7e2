/**
 * The port every notification channel implements (email, SMS gateway, webhook): deliver one
 * rendered notification, resolving only once the receiver has confirmed it (SMTP accepted
 * the message, the HTTP endpoint answered 2xx). The outbox sender marks a notification
 * delivered only after that, so a crash in between re-sends it with the same idempotency key.
 */
import { AppError } from '../../platform/errors.ts';
import type { AlertMessage } from '../messages.ts';
import type { ChannelKind, NotificationEvent } from '../routing.ts';

/** One notification to deliver, rendered in the recipient's language. */
export interface Delivery {
  /** The outbox idempotency key; sent along (Message-ID, Idempotency-Key) so receivers can drop a re-send. */
  readonly idempotencyKey: string;
  readonly alertId: string;
  readonly alertVersion: number;
  readonly event: NotificationEvent;
  readonly recipient: string;
  /** E-mail address, phone number or URL. */
  readonly address: string;
  readonly lang: 'vi' | 'en';
  readonly message: AlertMessage;
  /** Level and syndrome of the alert, for machine receivers (webhook body). */
  readonly level: 'yellow' | 'red';
  readonly syndrome: string;
}

export interface NotificationChannel {
  readonly kind: ChannelKind;
  /** Resolves when the receiver confirmed; throws {@link DeliveryRefusedError} when retrying cannot help. */
  deliver(d: Delivery): Promise<void>;
  close(): Promise<void>;
}

/**
 * The receiver refused the notification for good (SMTP 5xx, HTTP 4xx other than 408/429): the
 * sender marks it failed at once instead of retrying (`retryable` false, so `isRetryable`
 * agrees). Any other error is classified by platform/retryable.ts.
 */
export class DeliveryRefusedError extends AppError {
  // A DELIVERY_FAILED that retrying cannot fix: the one classification (isRetryable) reads this.
  override readonly retryable: boolean = false;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('DELIVERY_FAILED', message, options);
    this.name = 'DeliveryRefusedError';
  }
}
