/**
 * Is the count processor making progress? Pure: the shell (count-processor.ts) records what its
 * batches did and passes the time and the event-log backlog in. Two ways to be stuck:
 * - a partition's batch keeps failing (the store refuses or is down) for longer than the
 *   threshold, while it is still being retried;
 * - records wait (lag > 0) and no batch has started or finished for longer than the threshold
 *   (a consumer that stopped, an INSERT that never returns).
 */

/** What the shell knows about its batches. */
export interface ProgressState {
  /** Partitions (`topic/partition`) whose current batch failed: since when, last attempt, why. */
  failing: ReadonlyMap<string, { sinceMs: number; lastAttemptMs: number; reason: string }>;
  /** When a batch last started or finished (the processor's creation until then). */
  lastActivityMs: number;
  /** When a backlog with no activity since was first observed, if it is still so. */
  backlogSeenMs: number | undefined;
}

export interface ProcessorHealth {
  ok: boolean;
  /** How long the longest failing batch or unhandled backlog has lasted (ms); 0 when none. */
  stalledMs: number;
  /** Why it is not ok. */
  reason: string | undefined;
  /** The new `backlogSeenMs` to keep for the next assessment. */
  backlogSeenMs: number | undefined;
}

/**
 * How long a failing partition may go without a new attempt and still count as failing: longer
 * than the longest wait between retries (10 s, platform/retry.ts) and than the threshold.
 */
export function retryGapMs(stallAfterMs: number): number {
  return Math.max(stallAfterMs, 30_000);
}

/**
 * Assesses progress at `nowMs` with `lag` records or bytes waiting. A failing partition that
 * has not been retried for `retryGapMs` is no longer counted (it moved to another consumer,
 * or the consumer stopped, which the backlog check sees).
 */
export function assessProgress(state: ProgressState, lag: number, nowMs: number, stallAfterMs: number): ProcessorHealth {
  let stalledMs = 0;
  let reason: string | undefined;
  for (const [partition, f] of state.failing) {
    if (nowMs - f.lastAttemptMs > retryGapMs(stallAfterMs)) continue;
    const failingMs = nowMs - f.sinceMs;
    if (failingMs > stalledMs) {
      stalledMs = failingMs;
      reason = `batch of ${partition} failing for ${Math.round(failingMs / 1000)} s: ${f.reason}`;
    }
  }
  // A backlog counts as stalled from the first time it was seen with no activity after it.
  const backlogSeenMs =
    lag > 0 ? (state.backlogSeenMs !== undefined && state.backlogSeenMs >= state.lastActivityMs ? state.backlogSeenMs : nowMs) : undefined;
  if (backlogSeenMs !== undefined && nowMs - backlogSeenMs > stalledMs) {
    stalledMs = nowMs - backlogSeenMs;
    reason = `${lag} behind and no batch handled for ${Math.round(stalledMs / 1000)} s`;
  }
  const ok = stalledMs <= stallAfterMs;
  return { ok, stalledMs, reason: ok ? undefined : reason, backlogSeenMs };
}
