/** Failures counted for slowing sign-ins: those of the last 15 minutes. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** Failures allowed before any wait (typos happen). */
export const FREE_FAILURES = 4;
/** The longest wait between attempts. */
export const MAX_WAIT_MS = 10_000;

/**
 * How long (ms) the next sign-in attempt must wait, from the recent failures of the username
 * or of the client's address (whichever is larger) and the time of the latest one: none for
 * the first FREE_FAILURES, then 1 s after the 5th, doubling with each further failure, at
 * most MAX_WAIT_MS. Pure: time is passed in.
 */
export function signInWaitMs(failures: number, latestFailureAt: number | null, now: number): number {
  if (failures <= FREE_FAILURES || latestFailureAt === null) return 0;
  const gap = Math.min(1000 * 2 ** (failures - FREE_FAILURES - 1), MAX_WAIT_MS);
  return Math.max(0, latestFailureAt + gap - now);
}
