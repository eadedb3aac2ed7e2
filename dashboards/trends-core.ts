import { dayString } from '../platform/days.ts';

/**
 * The pure arithmetic of GET /v1/trends: periods of a day range (day, ISO week Monday-based,
 * calendar month), zero-filled sums of a daily series over them, and where the same period
 * lies N years back. Days are day numbers (days since 1970-01-01, UTC calendar days).
 */

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** One period of an answer, clipped to the asked range: its first and last day inside it. */
export interface Bucket {
  /** `2026-11-20`, ISO week `2026-W47`, month `2026-11`. */
  period: string;
  start: number;
  end: number;
}

const ymd = (day: number) => {
  const d = new Date(day * 86_400_000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
};
const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
const daysInMonth = (y: number, m: number) => dayOf(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - dayOf(y, m, 1);

/** Week numbers as processors/detect/periods.ts counts them: week `w` starts on Monday `7w − 3`. */
const weekOfDay = (day: number) => Math.floor((day + 3) / 7);
const mondayOfWeek = (week: number) => week * 7 - 3;

/** ISO year and week of year (1..53) of a day. */
export function isoWeek(day: number): { year: number; week: number } {
  const thursday = mondayOfWeek(weekOfDay(day)) + 3;
  const year = ymd(thursday).y;
  return { year, week: Math.floor((thursday - dayOf(year, 1, 1)) / 7) + 1 };
}

/** The Monday of ISO week `week` of ISO year `year`. */
export function mondayOfIsoWeek(year: number, week: number): number {
  const jan4 = dayOf(year, 1, 4);
  return mondayOfWeek(weekOfDay(jan4)) + (week - 1) * 7;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The period containing a day: its label and its full first and last day. */
export function periodOf(day: number, interval: Interval): Bucket {
  switch (interval) {
    case 'day':
      return { period: dayString(day), start: day, end: day };
    case 'week': {
      const { year, week } = isoWeek(day);
      const monday = mondayOfWeek(weekOfDay(day));
      return { period: `${year}-W${pad(week)}`, start: monday, end: monday + 6 };
    }
    case 'month': {
      const { y, m } = ymd(day);
      return { period: `${y}-${pad(m)}`, start: dayOf(y, m, 1), end: dayOf(y, m, daysInMonth(y, m)) };
    }
  }
}

/** The periods covering [from, to] (day numbers), in order, each clipped to the range. */
export function bucketsOf(from: number, to: number, interval: Interval): Bucket[] {
  const out: Bucket[] = [];
  for (let d = from; d <= to;) {
    const p = periodOf(d, interval);
    out.push({ period: p.period, start: Math.max(p.start, from), end: Math.min(p.end, to) });
    d = p.end + 1;
  }
  return out;
}

/** Sums a sparse daily series (day number → value, missing = 0) over each bucket: zero-filled. */
export function sumOver(daily: ReadonlyMap<number, number>, buckets: readonly Bucket[]): number[] {
  return buckets.map((b) => {
    let s = 0;
    for (let d = b.start; d <= b.end; d++) s += daily.get(d) ?? 0;
    return s;
  });
}

/** The same calendar date `years` earlier; 29 February becomes 28 February in a common year. */
export function sameDateYearsBack(day: number, years: number): number {
  const { y, m, d } = ymd(day);
  return dayOf(y - years, m, Math.min(d, daysInMonth(y - years, m)));
}

/**
 * Where a bucket lies `years` earlier: for days and months the same calendar dates; for weeks
 * the same ISO week number (and the same weekdays) of the ISO year `years` earlier, week 53
 * becoming week 52 in a year without one. The span keeps the bucket's clipping.
 */
export function bucketYearsBack(b: Bucket, interval: Interval, years: number): Bucket {
  if (interval === 'week') {
    const { year, week } = isoWeek(b.start);
    const target = year - years;
    const weeks = isoWeek(dayOf(target, 12, 28)).week;
    const monday = mondayOfIsoWeek(target, Math.min(week, weeks));
    const offset = b.start - mondayOfWeek(weekOfDay(b.start));
    const start = monday + offset;
    const end = start + (b.end - b.start);
    return { period: periodOf(start, 'week').period, start, end };
  }
  const start = sameDateYearsBack(b.start, years);
  const end = sameDateYearsBack(b.end, years);
  return { period: periodOf(start, interval).period, start, end };
}

/** count / visits as a percentage (2 decimals); null without visits. */
export function percentOf(count: number, visits: number): number | null {
  return visits > 0 ? Math.round((count / visits) * 10_000) / 100 : null;
}

/** count per 100 000 residents (2 decimals); null when the population is unknown or zero. */
export function per100k(count: number, population: number | null): number | null {
  return population !== null && population > 0 ? Math.round((count / population) * 100_000 * 100) / 100 : null;
}
