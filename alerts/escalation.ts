import type { LifecycleAlert } from '../schemas/alert-lifecycle.ts';

/** Default delay before an unacknowledged red alert is re-notified one level up: 2 h. */
export const DEFAULT_ESCALATION_DELAY_MS = 2 * 3_600_000;

/**
 * Whether a red alert nobody has acted on is due for re-notification one level up (the
 * province head), at `at`. Acknowledged means any lifecycle step: an alert still `open` is
 * not. The delay counts from when it turned red (`level_since`), so an alert that opened
 * yellow and rose later gets the full delay. The caller records the escalation once per
 * alert version (the outbox key), so a due alert is not escalated twice.
 */
export function escalationDue(alert: LifecycleAlert, at: string, delayMs: number = DEFAULT_ESCALATION_DELAY_MS): boolean {
  if (alert.level !== 'red' || alert.status !== 'open' || alert.merged_into !== null) return false;
  return Date.parse(at) - Date.parse(alert.level_since) >= delayMs;
}
