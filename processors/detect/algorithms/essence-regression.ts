/**
 * ESSENCE adaptive multiple regression, as CDC Rnssp 0.3.0 `alert_regression` defines it:
 * for each day, an ordinary least-squares fit of the baseline counts on a linear trend and
 * Monday…Saturday indicators (Sunday is the reference), predicted g + 1 days past the
 * baseline; the test statistic (y − ŷ)/σ uses the prediction-interval standard error
 * σ = max(s·√((L + 7)(L − 4) / (L(L − 7))), 1.01 / t₀.₉₅,ₗ₋₈), and p = P(t_{L−8} > stat).
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import {
  baselineWindow,
  levelOf,
  resolveEssence,
  createTQuantileTable,
  type EssenceOptions,
  type EssencePoint,
  type TQuantileTable,
} from './essence-common.ts';
import { lmFit } from './lm-fit.ts';
import { ptUpper } from './student-t.ts';

/** ISO weekday (1 = Monday … 7 = Sunday) of day index i, given that of day 0. */
export const weekdayOf = (i: number, startWeekday: number): number => ((startWeekday - 1 + i) % 7) + 1;

/** One day's regression: expected count, σ, statistic, p-value and adjusted R². */
export interface RegressionDay {
  readonly expected: number;
  readonly sigma: number;
  readonly statistic: number;
  readonly pValue: number;
  readonly adjustedR2: number;
  readonly df: number;
  /** qt(0.99, df): the statistic above which the day is red. */
  readonly red: number;
}

/** Fits the baseline of day i and tests y_i (Rnssp's adaptive_regression loop body). */
export function regressionDay(
  observed: readonly number[],
  i: number,
  startWeekday: number,
  baseline: number,
  guard: number,
  quantiles: TQuantileTable = createTQuantileTable(),
): RegressionDay {
  const { from, length: L } = baselineWindow(i, guard, baseline);
  const y = observed.slice(from, from + L);
  const time = y.map((_, j) => j + 1);
  const days = y.map((_, j) => weekdayOf(from + j, startWeekday));
  const dummies = [1, 2, 3, 4, 5, 6].map((d) => days.map((w) => (w === d ? 1 : 0)));
  const fit = lmFit([y.map(() => 1), time, ...dummies], y);
  const df = L - 8;
  let rss = 0;
  for (const r of fit.residuals) rss += r * r;
  const mse = (1 / df) * rss;
  const meanFit = fit.fitted.reduce((a, b) => a + b, 0) / L;
  let mss = 0;
  for (const f of fit.fitted) mss += (f - meanFit) ** 2;
  // A flat baseline leaves R² = 0/0, which Rnssp maps to 0; in floating point R gets
  // rounding noise of either sign there instead, so we take the exact answer.
  const flat = y.every((v) => v === y[0]);
  const r2 = flat ? Number.NaN : mss / (rss + mss);
  const r2Adjusted = 1 - (1 - r2) * ((L - 1) / fit.dfResidual);
  const q = quantiles(df);
  const minSigma = 1.01 / q.uclWarning;
  const sigma = Math.max(Math.sqrt(mse) * Math.sqrt(((L + 7) * (L - 4)) / (L * (L - 7))), minSigma);
  const beta = fit.coefficients;
  const dow = weekdayOf(i, startWeekday);
  const test = L + guard + 1;
  const trend = (beta[0] as number) + test * (beta[1] as number);
  // An aliased weekday column (impossible with ≥ 11 baseline days) would make R's forecast NA.
  const aliased = dow < 7 && fit.aliased[dow + 1] === true;
  const expected = aliased ? Number.NaN : Math.max(0, dow < 7 ? trend + (beta[dow + 1] as number) : trend);
  const statistic = ((observed[i] as number) - expected) / sigma;
  return {
    expected,
    sigma,
    statistic,
    pValue: ptUpper(statistic, df),
    adjustedR2: Number.isNaN(r2Adjusted) ? 0 : r2Adjusted,
    df,
    red: q.red,
  };
}

/** The DetectorPoint of a regression day; upperbound = count at which p reaches 0.01 (red). */
export function regressionPoint(observed: readonly number[], i: number, day: RegressionDay): EssencePoint {
  const pValue = Number.isNaN(day.pValue) ? null : day.pValue;
  const level = levelOf(pValue);
  return {
    index: i,
    observed: observed[i] as number,
    expected: Number.isNaN(day.expected) ? null : day.expected,
    upperbound: Number.isNaN(day.expected) ? null : day.expected + day.red * day.sigma,
    alarm: level === null ? null : level === 'red',
    pValue,
    score: Number.isNaN(day.statistic) ? null : day.statistic,
    level,
    detector: 'regression',
    adjustedR2: day.adjustedR2,
  };
}

/**
 * Adaptive multiple regression over `options.range` (default: every day from index 13,
 * the first with an 11-day baseline and the 2-day guard band). `startWeekday` is required.
 * `score` is the test statistic, `pValue` its one-sided Student t p-value, level red/yellow/blue.
 */
export function essenceRegression(observed: readonly number[], options: EssenceOptions): EssencePoint[] {
  assertFiniteSeries(observed, 'observed');
  const { baseline, guard, from, to } = resolveEssence(observed, options, true);
  const start = options.startWeekday;
  if (start === undefined || !Number.isInteger(start) || start < 1 || start > 7) {
    throw invalidField('startWeekday', 'must be the ISO weekday (1 = Monday … 7 = Sunday) of observed[0]');
  }
  const points: EssencePoint[] = [];
  const quantiles = options.quantiles ?? createTQuantileTable();
  for (let i = from; i <= to; i++) points.push(regressionPoint(observed, i, regressionDay(observed, i, start, baseline, guard, quantiles)));
  return points;
}
