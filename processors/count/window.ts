/**
 * Event-time windowing: which local day an event belongs to. Vietnam keeps UTC+07:00 all
 * year (no daylight saving since 1975), so the day is computed from a fixed offset, which is
 * exact and far cheaper per event than a time-zone database lookup.
 */
import { dayString } from '../../platform/days.ts';

export { dayRange, dayString, parseDay } from '../../platform/days.ts';

export const VN_OFFSET_MINUTES = 7 * 60;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the local calendar day containing `epochMs`. */
export function localDayNumber(epochMs: number, offsetMinutes = VN_OFFSET_MINUTES): number {
  return Math.floor((epochMs + offsetMinutes * 60_000) / DAY_MS);
}

/** Local `YYYY-MM-DD` of an RFC 3339 timestamp (its own offset is honoured first). */
export function localDay(occurredAt: string, offsetMinutes = VN_OFFSET_MINUTES): string {
  const ms = timestampMs(occurredAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${occurredAt}`);
  return dayString(localDayNumber(ms, offsetMinutes));
}

/** Milliseconds since the epoch of a timestamp: `rfc3339EpochMs`, else Date.parse; NaN if neither reads it. */
export function timestampMs(s: string): number {
  const ms = rfc3339EpochMs(s);
  return Number.isNaN(ms) ? Date.parse(s) : ms;
}

/**
 * Milliseconds since the epoch of a timestamp in the one form the event contract allows
 * (`YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`), by integer arithmetic on its digits, exactly as
 * Date.parse (fractions beyond milliseconds are cut, as Date.parse cuts them); NaN for any
 * other form or a field out of range (`timestampMs` then asks Date.parse). Called twice per
 * counted event, where Date.parse costs ~1 µs in the processor; this a tenth of that.
 */
export function rfc3339EpochMs(s: string): number {
  const n = s.length;
  if (
    n < 20 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return Number.NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && sec <= 59)) return Number.NaN;
  let i = 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    while (i < n && isDigit(s.charCodeAt(i))) {
      frac += (s.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i++;
    }
    if (i === 20) return Number.NaN;
    frac = Math.floor(frac);
  }
  const c = s.charCodeAt(i);
  let zone: number;
  if (c === 90 && i + 1 === n) zone = 0;
  else if ((c === 43 || c === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (!(oh <= 23 && om <= 59)) return Number.NaN;
    zone = (c === 45 ? -1 : 1) * (oh * 60 + om);
  } else return Number.NaN;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - zone) * 60 + sec) * 1000 + frac;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The decimal value of s[from, from + len), NaN unless all digits. */
function digits(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return Number.NaN;
    v = v * 10 + (c - 48);
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
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
