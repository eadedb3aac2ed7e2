/**
 * Synthetic national data for the detection benchmark: one count series per commune and
 * syndrome (3,321 × 10), shaped like syndromic counts: a level that varies over three
 * orders of magnitude between series (most communes see a few cases a week, some none),
 * annual seasonality, negative binomial noise, and for daily series a weekday pattern.
 * Series i is generated from seed i alone, so any worker can make any slice.
 */
import { createVariates } from '../backtest/random.ts';

export const COMMUNES = 3321;
export const SYNDROMES = 10;
export const SERIES = COMMUNES * SYNDROMES;
/** 6 years of ISO weeks and 2 years of days. */
export const WEEKS = 312;
export const DAYS = 730;

const WEEKDAY = [1.25, 1.1, 1.05, 1.0, 1.0, 0.7, 0.55];

/** Weekly (frequency 52) or daily counts of series `i`, oldest first; day 0 is a Monday. */
export function benchSeries(i: number, unit: 'week' | 'day'): number[] {
  const v = createVariates(0x5eed0000 + i * 2 + (unit === 'day' ? 1 : 0));
  // Weekly mean per series: log-normal around ~3 cases/week, from ~0.1 to ~150.
  const weekly = Math.exp(1.1 + 1.2 * v.normal());
  const phi = 1 + 2 * v.uniform();
  const amplitude = 0.5 * v.uniform();
  const phase = 2 * Math.PI * v.uniform();
  const length = unit === 'week' ? WEEKS : DAYS;
  const out = new Array<number>(length);
  for (let t = 0; t < length; t++) {
    const yearFraction = unit === 'week' ? t / 52 : t / 365.25;
    const season = Math.exp(amplitude * Math.cos(2 * Math.PI * yearFraction + phase));
    const mean = unit === 'week' ? weekly * season : (weekly / 7) * season * (WEEKDAY[t % 7] as number);
    out[t] = v.negativeBinomial(mean, phi);
  }
  return out;
}
