import { dayString } from '../../platform/days.ts';
import { isoWeek, mondayOfIsoWeek } from '../trends-core.ts';

/**
 * ISO weeks as the weekly bulletin names them (`2026-W47`): parsing, their days, and the last
 * complete week before a day. Pure; days are day numbers (days since 1970-01-01), the
 * Vietnamese calendar days the counts are kept in.
 */

export interface IsoWeek {
  /** `2026-W47`. */
  label: string;
  year: number;
  week: number;
  /** Day numbers of its Monday and Sunday. */
  monday: number;
  sunday: number;
  /** `YYYY-MM-DD` of its Monday and Sunday. */
  from: string;
  to: string;
}

/** How many ISO weeks (52 or 53) the ISO year has: the week of 28 December. */
export function weeksInIsoYear(year: number): number {
  return isoWeek(Date.UTC(year, 11, 28) / 86_400_000).week;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO week of ISO year `year`, number `week` (no check). */
export function isoWeekOf(year: number, week: number): IsoWeek {
  const monday = mondayOfIsoWeek(year, week);
  return { label: `${year}-W${pad(week)}`, year, week, monday, sunday: monday + 6, from: dayString(monday), to: dayString(monday + 6) };
}

/** `YYYY-Www` (week 01 to the year's last, 52 or 53) → its week; undefined when malformed or out of range. */
export function parseIsoWeek(text: string): IsoWeek | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 1970 || week < 1 || week > weeksInIsoYear(year)) return undefined;
  return isoWeekOf(year, week);
}

/** The ISO week containing a day. */
export function weekOfDay(day: number): IsoWeek {
  const { year, week } = isoWeek(day);
  return isoWeekOf(year, week);
}

/** The last ISO week that ended before `today` (day number): the week before today's. */
export function lastCompleteWeek(today: number): IsoWeek {
  return weekOfDay(weekOfDay(today).monday - 1);
}

/** The same ISO week number `years` earlier (week 53 becomes 52 in a year without one). */
export function sameWeekYearsBack(w: IsoWeek, years: number): IsoWeek {
  const year = w.year - years;
  return isoWeekOf(year, Math.min(w.week, weeksInIsoYear(year)));
}
