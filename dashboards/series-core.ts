import { dayString } from '../platform/days.ts';
import type { SeriesSignal } from '../storage/series-signals.ts';

/**
 * The pure core of the series view's reads (GET /v1/series, GET /v1/multiples): periods of
 * a daily or ISO-weekly series, the points with their expected value, threshold and alarm,
 * and the compact summaries small multiples are sorted by. Plain data in, plain data out.
 */

export type Interval = 'day' | 'week';

/** Expected value and threshold per point of a series, and the detector that computed them. */
export interface Thresholds {
  expected: readonly (number | null)[];
  upperbound: readonly (number | null)[];
  algorithm: string;
}

/** One point of a series as GET /v1/series answers it. */
export interface SeriesPoint {
  /** The day, or for a weekly series the Monday of its ISO week (YYYY-MM-DD). */
  period: string;
  /** Same as period: the name older clients read. */
  date: string;
  /** ISO week label (`2026-W47`) of a weekly point. */
  week?: string;
  count: number;
  expected: number | null;
  upperbound: number | null;
  /** Same as upperbound: the name older clients read. */
  threshold: number | null;
  alarm: boolean;
  /** The detector whose signal decided `alarm`, else the one that computed the threshold. */
  algorithm: string;
  /** `detector`: a stored signal decided; `threshold`: count above upperbound (no signal stored). */
  source: 'detector' | 'threshold';
  p_value: number | null;
  level: string | null;
}

/** ISO week number (weeks since the Monday 1969-12-29) of a day number. */
export const weekOfDay = (day: number): number => Math.floor((day + 3) / 7);
/** Day number of the Monday of an ISO week number. */
export const mondayOfWeek = (week: number): number => week * 7 - 3;

/** `2026-W47`: the ISO week-year and week of the ISO week number. */
export function isoWeekLabel(week: number): string {
  const thursday = new Date((mondayOfWeek(week) + 3) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  const n = Math.floor((thursday.getTime() / 86_400_000 - jan1) / 7) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** The period number of a day number at an interval (day number or ISO week number). */
export const periodOf = (day: number, interval: Interval): number => (interval === 'day' ? day : weekOfDay(day));
/** The first day (YYYY-MM-DD) of a period number. */
export const periodDay = (period: number, interval: Interval): string => dayString(interval === 'day' ? period : mondayOfWeek(period));

const LEVEL_RANK: Record<string, number> = { red: 0, yellow: 1 };

/** The signal that speaks for a period: an alarming one first (red before yellow, smallest p-value), else the first stored. */
export function decidingSignal(signals: readonly SeriesSignal[]): SeriesSignal | undefined {
  const alarms = signals.filter((s) => s.alarm);
  if (alarms.length === 0) return signals[0];
  return [...alarms].sort(
    (a, b) =>
      (LEVEL_RANK[a.level] ?? 2) - (LEVEL_RANK[b.level] ?? 2) ||
      (a.p_value ?? Number.POSITIVE_INFINITY) - (b.p_value ?? Number.POSITIVE_INFINITY) ||
      a.algorithm.localeCompare(b.algorithm),
  )[0];
}

/**
 * The points of periods `first..first+counts.length-1`: counts with their thresholds (aligned
 * index by index); the alarm from the stored signals of a period where there are any (the
 * detectors are the authority), else count above upperbound.
 */
export function seriesPoints(
  first: number,
  interval: Interval,
  counts: readonly number[],
  t: Thresholds,
  signals: readonly SeriesSignal[],
): SeriesPoint[] {
  const byDay = new Map<string, SeriesSignal[]>();
  for (const s of signals) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
  return counts.map((count, i) => {
    const period = periodDay(first + i, interval);
    const expected = t.expected[i] ?? null;
    const upperbound = t.upperbound[i] ?? null;
    const s = decidingSignal(byDay.get(period) ?? []);
    const base = {
      period,
      date: period,
      ...(interval === 'week' ? { week: isoWeekLabel(first + i) } : {}),
      count,
      expected,
      upperbound,
      threshold: upperbound,
    };
    if (s)
      return { ...base, alarm: s.alarm, algorithm: s.algorithm, source: 'detector', p_value: s.p_value, level: s.alarm ? s.level : null };
    const alarm = upperbound !== null && count > upperbound;
    return { ...base, alarm, algorithm: t.algorithm, source: 'threshold', p_value: null, level: null };
  });
}

/** One small multiple: a compact series and how far above expectation its recent periods are. */
export interface Multiple {
  key: string;
  name: string;
  counts: number[];
  upperbound: (number | null)[];
  /** Σ (count − expected) over the last 7 days (or the last week of a weekly series). */
  excess_7d: number;
  /** Periods above their threshold among those. */
  over_7d: number;
  /** Σ count over those. */
  recent: number;
}

/** How many trailing periods make "the last 7 days". */
export const recentPeriods = (interval: Interval): number => (interval === 'day' ? 7 : 1);

/** The summary of one small multiple from its counts and thresholds (aligned). */
export function multipleOf(key: string, name: string, counts: readonly number[], t: Thresholds, interval: Interval): Multiple {
  const n = recentPeriods(interval);
  let excess = 0;
  let over = 0;
  let recent = 0;
  for (let i = Math.max(0, counts.length - n); i < counts.length; i++) {
    const c = counts[i] ?? 0;
    const e = t.expected[i] ?? null;
    const u = t.upperbound[i] ?? null;
    recent += c;
    if (e !== null) excess += c - e;
    if (u !== null && c > u) over += 1;
  }
  return {
    key,
    name,
    counts: [...counts],
    upperbound: counts.map((_, i) => round(t.upperbound[i] ?? null)),
    excess_7d: round(excess) ?? 0,
    over_7d: over,
    recent,
  };
}

const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

/** Most recent excess first; then more periods over threshold, more recent cases, then by key. */
export function sortMultiples(ms: readonly Multiple[]): Multiple[] {
  return [...ms].sort((a, b) => b.excess_7d - a.excess_7d || b.over_7d - a.over_7d || b.recent - a.recent || a.key.localeCompare(b.key));
}
