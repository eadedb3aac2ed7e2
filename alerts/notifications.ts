/**
 * The outbox rows of one alert event: one per route (recipient × channel), each carrying the
 * message input (alerts/messages.ts) the sender renders in the recipient's language when it
 * delivers. Pure: the lifecycle store calls it with the alert version it is writing and passes
 * the result to `enqueue(tx, …)` (storage/outbox.ts) in the same transaction.
 */
import type { NewNotification } from '../storage/outbox.ts';
import type { AlertMessageInput } from './messages.ts';
import type { NotificationEvent, Route } from './routing.ts';

/** What an outbox row's payload holds. */
export interface NotificationPayload {
  readonly message: AlertMessageInput;
}

export function buildNotifications(
  alert: { readonly id: string; readonly version: number },
  event: NotificationEvent,
  routes: readonly Route[],
  message: AlertMessageInput,
): NewNotification[] {
  const payload: NotificationPayload = { message };
  return routes.map((r) => ({
    alertId: alert.id,
    alertVersion: alert.version,
    event,
    recipient: r.recipient,
    channel: r.channel,
    address: r.address,
    lang: r.lang,
    payload: payload as unknown as Record<string, unknown>,
  }));
}
