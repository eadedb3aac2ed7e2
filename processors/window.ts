/**
 * Event-time windowing: which local day an event belongs to. Vietnam keeps UTC+07:00 all
 * year (no daylight saving since 1975), so the day is computed from a fixed offset, which is
 * exact and far cheaper per event than a time-zone database lookup.
 */
import { dayString } from '../platform/days.ts';

export { dayRange, dayString, parseDay } from '../platform/days.ts';

export const VN_OFFSET_MINUTES = 7 * 60;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the local calendar day containing `epochMs`. */
export function localDayNumber(epochMs: number, offsetMinutes = VN_OFFSET_MINUTES): number {
  return Math.floor((epochMs + offsetMinutes * 60_000) / DAY_MS);
}

/** Local `YYYY-MM-DD` of an RFC 3339 timestamp (its own offset is honoured first). */
export function localDay(occurredAt: string, offsetMinutes = VN_OFFSET_MINUTES): string {
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${occurredAt}`);
  return dayString(localDayNumber(ms, offsetMinutes));
}

/** Monday-based ISO week key `YYYY-Www` of a day number (for weekly series). */
export function isoWeek(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS);
  const dow = (date.getUTCDay() + 6) % 7;
  const thursday = dayNumber - dow + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
