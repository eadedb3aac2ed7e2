/**
 * When an event may have happened, relative to when it was received: the plausibility window
 * of the contract. Ingest refuses events outside it (dead-lettered with the reason) and the
 * count processor refuses log records outside it (any Kafka producer may write), so every
 * instant that reaches the store lies well inside what the `events` table's DateTime64(3)
 * columns hold (1900-01-01 … 2299-12-31) and the encoder never meets one it cannot write.
 */

/** How far back and ahead of the receive time an event time may lie. */
export interface EventTimeWindow {
  /** Days before the receive time. Default 3650 (ten years: a late backfill, not a typo). */
  maxPastDays: number;
  /** Days after the receive time. Default 1 (clock skew across time zones, never more). */
  maxFutureDays: number;
}

export const DEFAULT_EVENT_TIME_WINDOW: Readonly<EventTimeWindow> = Object.freeze({ maxPastDays: 3650, maxFutureDays: 1 });

/** The instants the store's DateTime64(3) columns can hold: [1900-01-01, 2300-01-01). */
export const STORABLE_MS = Object.freeze({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) });

const DAY_MS = 86_400_000;

/**
 * Why `occurredMs` is not a plausible event time for something received at `receivedMs`, or
 * undefined when it is. Pure: both instants are passed in (epoch milliseconds).
 */
export function eventTimeProblem(occurredMs: number, receivedMs: number, window: Readonly<EventTimeWindow>): string | undefined {
  if (!Number.isFinite(occurredMs)) return 'is not a readable date-time';
  if (occurredMs < STORABLE_MS.min || occurredMs >= STORABLE_MS.max) return 'lies outside the years 1900–2299';
  if (occurredMs < receivedMs - window.maxPastDays * DAY_MS) {
    return `is more than ${window.maxPastDays} days before the time it was received (${new Date(receivedMs).toISOString()})`;
  }
  if (occurredMs > receivedMs + window.maxFutureDays * DAY_MS) {
    return `is more than ${window.maxFutureDays} day(s) after the time it was received (${new Date(receivedMs).toISOString()})`;
  }
  return undefined;
}
