// Period labels of the charts: a day or an ISO week, formatted for the language. Pure (Intl
// only, in UTC so the label is the period's own calendar day wherever the browser is).

export type Interval = 'day' | 'week';
type Lang = 'vi' | 'en';

const DAY_MS = 86_400_000;

/** ISO week-year and week of a day (YYYY-MM-DD): the week of its Thursday. */
export function isoWeek(day: string): { year: number; week: number } {
  const d = Date.parse(`${day}T00:00:00Z`) / DAY_MS;
  const weekday = (((d + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = new Date((d - weekday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() / DAY_MS - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return { year, week };
}

const DAY_FORMAT: Record<Lang, { format(d: Date): string }> = {
  // Day and month as Vietnamese write them (ICU builds differ: some print 18-11).
  vi: { format: (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}` },
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
};
const LONG_FORMAT: Record<Lang, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
};

/** Names an ISO week in the current language (from a message catalogue): `T47`, `Tuần 47/2026`. */
export type WeekName = (week: number, year: number) => string;

/** A short axis label: `20/11` or `20 Nov` for a day; the week's short name for an ISO week. */
export function periodLabel(period: string, interval: Interval, lang: Lang, weekName: WeekName): string {
  if (interval === 'week') {
    const { year, week } = isoWeek(period);
    return weekName(week, year);
  }
  return DAY_FORMAT[lang].format(new Date(`${period}T00:00:00Z`));
}

/** A full label for tooltips: `20/11/2026` or `20 Nov 2026`; the week's long name for an ISO week. */
export function periodLongLabel(period: string, interval: Interval, lang: Lang, weekName: WeekName): string {
  if (interval === 'week') {
    const { year, week } = isoWeek(period);
    return weekName(week, year);
  }
  return LONG_FORMAT[lang].format(new Date(`${period}T00:00:00Z`));
}
