/**
 * What the ESSENCE daily detectors (CDC Rnssp 0.3.0: alert_regression, alert_ewma,
 * alert_switch) share: the growing-then-sliding baseline, the alert levels and the result
 * shape. Days are indexed from 0; weekdays are ISO (1 = Monday … 7 = Sunday).
 */
import { invalidField } from './errors.ts';
import { qt } from './student-t.ts';
import type { AlertLevel, DetectorPoint, IndexRange } from './types.ts';

export type { AlertLevel };

/** One evaluated day of an ESSENCE detector. `alarm` is true for a red level. */
export interface EssencePoint extends DetectorPoint {
  readonly level: AlertLevel | null;
  /** The detector that produced this day (the switch picks one per day). */
  readonly detector: 'regression' | 'ewma';
  /** Adjusted R² of the day's regression (regression and switch only). */
  readonly adjustedR2?: number | null;
}

/** Options shared by the ESSENCE detectors. */
export interface EssenceOptions {
  /** ISO weekday (1 = Monday … 7 = Sunday) of observed[0]. Required by the regression. */
  readonly startWeekday?: number;
  /** Baseline length B in days (the regression requires a multiple of 7). Default 28. */
  readonly baseline?: number;
  /** Guard band g: days between the baseline's end and the tested day. Default 2. */
  readonly guard?: number;
  /** Days to report, 0-based inclusive. Default: from the first with a baseline (index 11 + g) to the end. */
  readonly range?: IndexRange;
  /** Shared memo of t quantiles (createTQuantileTable()); give one to all series of a run. Default: a new one per call. */
  readonly quantiles?: TQuantileTable;
}

/** Baselines start at 11 days and grow by one each day up to B (Rnssp's min_baseline). */
export const MIN_BASELINE = 11;

/** Level for a one-sided p-value (NaN/null → null, Rnssp's grey). */
export function levelOf(pValue: number | null): AlertLevel | null {
  if (pValue === null || Number.isNaN(pValue)) return null;
  return pValue < 0.01 ? 'red' : pValue < 0.05 ? 'yellow' : 'blue';
}

/** R's round(x, 5), for Rnssp's rounded t quantiles. */
export const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/** The t quantiles a day needs, by degrees of freedom. */
export interface TQuantiles {
  /** qt(0.99, df): red starts above it. */
  readonly red: number;
  /** round(qt(0.99, df), 5), Rnssp's ucl_alert. */
  readonly uclAlert: number;
  /** round(qt(0.95, df), 5), Rnssp's ucl_warning. */
  readonly uclWarning: number;
}

/** Looks up (and remembers) the quantiles of a df. */
export type TQuantileTable = (df: number) => TQuantiles;

/**
 * A memo of the t quantiles by df. df takes only B − 1 distinct values, and inverting the t
 * distribution for every day dominated the run time, so pass one table (options.quantiles)
 * to every series of a run; without one, each call makes its own.
 */
export function createTQuantileTable(): TQuantileTable {
  const cache = new Map<number, TQuantiles>();
  return (df) => {
    let q = cache.get(df);
    if (q === undefined) {
      const red = qt(0.99, df);
      q = { red, uclAlert: round5(red), uclWarning: round5(qt(0.95, df)) };
      cache.set(df, q);
    }
    return q;
  };
}

/**
 * The baseline of day i (0-based): the L = min(i − g, B) days ending g + 1 days before i,
 * i.e. indices i − g − L … i − g − 1.
 */
export function baselineWindow(i: number, guard: number, baseline: number): { from: number; length: number } {
  const length = Math.min(i - guard, baseline);
  return { from: i - guard - length, length };
}

export interface ResolvedEssence {
  readonly baseline: number;
  readonly guard: number;
  readonly first: number;
  readonly from: number;
  readonly to: number;
}

/** Validates the shared options against a series of n days. */
export function resolveEssence(observed: readonly number[], o: EssenceOptions, multipleOf7: boolean): ResolvedEssence {
  const n = observed.length;
  const baseline = o.baseline ?? 28;
  const guard = o.guard ?? 2;
  if (!Number.isInteger(baseline) || baseline < 7 || (multipleOf7 && baseline % 7 !== 0)) {
    throw invalidField('baseline', multipleOf7 ? 'must be a multiple of 7, ≥ 7' : 'must be an integer ≥ 7');
  }
  if (!Number.isInteger(guard) || guard < 0) throw invalidField('guard', 'must be an integer ≥ 0');
  const first = MIN_BASELINE + guard;
  if (n < baseline + guard + 1) throw invalidField('observed', `needs at least ${baseline + guard + 1} days (B + g + 1)`);
  const [from, to] = o.range ?? [first, n - 1];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < first || from > to || to >= n) {
    throw invalidField('range', `must be integers with ${first} ≤ from ≤ to < ${n}`);
  }
  return { baseline, guard, first, from, to };
}
