/**
 * Periods of a series as integers. Daily series use day numbers (days since 1970-01-01);
 * weekly series use ISO week numbers counted from the Monday 1969-12-29, so week `w` starts
 * on day `7w − 3` and consecutive weeks are consecutive integers (53-week years included).
 */
export type Granularity = 'day' | 'week';

export const weekOfDay = (day: number): number => Math.floor((day + 3) / 7);
export const mondayOfWeek = (week: number): number => week * 7 - 3;

/** Period of a day number at a granularity. */
export const periodOfDay = (day: number, g: Granularity): number => (g === 'day' ? day : weekOfDay(day));
/** First day number of a period. */
export const firstDayOf = (period: number, g: Granularity): number => (g === 'day' ? period : mondayOfWeek(period));
/** Last day number of a period. */
export const lastDayOf = (period: number, g: Granularity): number => (g === 'day' ? period : mondayOfWeek(period) + 6);
