/**
 * The simulated calendar. Seasons follow the calendar month of each simulated day, so the
 * demo starts on an explicit date, never on today's: a run in December and one in July see
 * the same model relative to their start (same seasons, same outbreak, same seed → same
 * traffic). Day numbers are local (Asia/Ho_Chi_Minh) days since 1970-01-01, as in
 * processors/count/window.ts.
 */

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 7 * 3_600_000;

/** Default first live day of the demo: the start of the rainy season, when dengue begins to rise. */
export const DEFAULT_START_DATE = '2026-07-01';

/** Day number of a `YYYY-MM-DD` date; undefined when it is not a real date. */
export function dayOfDate(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / DAY_MS;
}

/** Epoch ms of local midnight (00:00 in UTC+7) at the start of a day number. */
export const localMidnight = (day: number): number => day * DAY_MS - LOCAL_OFFSET_MS;
