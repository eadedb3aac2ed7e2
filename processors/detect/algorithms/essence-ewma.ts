/**
 * ESSENCE EWMA, as CDC Rnssp 0.3.0 `alert_ewma` defines it: two exponentially weighted
 * averages zₜ = w·yₜ + (1 − w)·zₜ₋₁ (w₁ = 0.4 for gradual, w₂ = 0.9 for sudden events) are
 * tested against the mean of the baseline (the L = min(t − g, B) days ending g + 1 days
 * before t) with σ_w = max(min_σ_w, sd·c_w + k_w), where c_w corrects the sd for smoothing
 * and the guard band; the smaller of the two t_{L−1} p-values wins. An average that strays
 * beyond the red limit is pulled back to it before the next day, so one spike does not
 * keep alarming.
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import { baselineWindow, levelOf, resolveEssence, createTQuantileTable, type EssenceOptions, type EssencePoint } from './essence-common.ts';
import { ptUpper } from './student-t.ts';

export interface EwmaOptions extends EssenceOptions {
  /** Smoothing for gradual events, in (0, 1). Default 0.4. */
  readonly w1?: number;
  /** Smoothing for sudden events, in (0, 1). Default 0.9. */
  readonly w2?: number;
}

/** Mean and sd (n − 1) of observed[from .. from + n − 1], two-pass as R's mean and sd. */
function meanSd(observed: readonly number[], from: number, n: number): { mean: number; sd: number } {
  let sum = 0;
  for (let j = from; j < from + n; j++) sum += observed[j] as number;
  const mean = sum / n;
  let squares = 0;
  for (let j = from; j < from + n; j++) squares += ((observed[j] as number) - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / (n - 1)) };
}

/**
 * Baseline mean and sd day after day. For counts (integers below 2^20) the window's sum and
 * sum of squares are kept exactly as they slide, so sd = √((n·Σx² − (Σx)²) / (n(n − 1)))
 * costs O(1) per day with a single rounding; other data take the two-pass formula.
 */
function baselineStats(observed: readonly number[]): (from: number, n: number) => { mean: number; sd: number } {
  const exact = observed.every((x) => Number.isInteger(x) && Math.abs(x) < 2 ** 20);
  if (!exact) return (from, n) => meanSd(observed, from, n);
  let lo = 0;
  let hi = 0; // window observed[lo .. hi − 1]
  let sum = 0;
  let squares = 0;
  return (from, n) => {
    if (from < lo || from + n < hi) {
      lo = hi = from;
      sum = squares = 0;
    }
    for (; hi < from + n; hi++) {
      const x = observed[hi] as number;
      sum += x;
      squares += x * x;
    }
    for (; lo < from; lo++) {
      const x = observed[lo] as number;
      sum -= x;
      squares -= x * x;
    }
    return { mean: sum / n, sd: Math.sqrt((n * squares - sum * sum) / (n * (n - 1))) };
  };
}

interface Smoother {
  readonly w: number;
  z: number;
}

/** σ = max(minSigma, sd·correction + constant) for one weight and baseline length. */
interface SigmaRule {
  readonly correction: number;
  readonly minSigma: number;
  readonly constant: number;
}

/** Rnssp's sigma_correction, min_sigma and constant for weight w, baseline length L. */
function sigmaRule(w: number, L: number, guard: number, uclWarning: number): SigmaRule {
  return {
    correction: Math.sqrt(w / (2 - w) + 1 / L - 2 * (1 - w) ** (guard + 1) * ((1 - (1 - w) ** L) / L)),
    minSigma: (w / uclWarning) * (1 + 0.5 * (1 - w) ** 2),
    constant: (0.1289 - (0.2414 - 0.1826 * (1 - w) ** 4) * Math.log(10 * 0.05)) * (w / uclWarning),
  };
}

/**
 * EWMA over `options.range` (default: every day from index 13). `score` is the winning test
 * statistic, `pValue` its p-value, `expected` the baseline mean; upperbound is the smallest
 * count that would make either average red that day (given yesterday's averages).
 */
export function essenceEwma(observed: readonly number[], options: EwmaOptions = {}): EssencePoint[] {
  assertFiniteSeries(observed, 'observed');
  const { baseline, guard, first, from, to } = resolveEssence(observed, options, false);
  const w1 = options.w1 ?? 0.4;
  const w2 = options.w2 ?? 0.9;
  for (const [w, field] of [
    [w1, 'w1'],
    [w2, 'w2'],
  ] as const) {
    if (!(w > 0 && w < 1)) throw invalidField(field, 'must be in (0, 1)');
  }
  const smoothers: Smoother[] = [
    { w: w1, z: observed[0] as number },
    { w: w2, z: observed[0] as number },
  ];
  for (let i = 1; i < first; i++) for (const s of smoothers) s.z = s.w * (observed[i] as number) + (1 - s.w) * s.z;
  const points: EssencePoint[] = [];
  const quantiles = options.quantiles ?? createTQuantileTable();
  // The σ rules depend only on the baseline length (≤ B distinct values), so compute them once.
  const rules = new Map<number, SigmaRule[]>();
  const stats = baselineStats(observed);
  for (let i = first; i <= to; i++) {
    const { from: start, length: L } = baselineWindow(i, guard, baseline);
    const { mean, sd } = stats(start, L);
    const df = L - 1;
    const { red: redT, uclAlert, uclWarning } = quantiles(df);
    let rule = rules.get(L);
    if (rule === undefined) {
      rule = smoothers.map((sm) => sigmaRule(sm.w, L, guard, uclWarning));
      rules.set(L, rule);
    }
    const y = observed[i] as number;
    const report = i >= from;
    let upperbound = Infinity;
    const tests = smoothers.map((sm, k) => {
      const { correction, minSigma, constant } = rule[k] as SigmaRule;
      const sigma = Math.max(minSigma, sd * correction + constant);
      const previous = sm.z;
      sm.z = sm.w * y + (1 - sm.w) * previous;
      const stat = (sm.z - mean) / sigma;
      if (Math.abs(stat) > uclAlert) sm.z = mean + Math.sign(stat) * uclAlert * sigma;
      upperbound = Math.min(upperbound, (mean + redT * sigma - (1 - sm.w) * previous) / sm.w);
      // Days before the range only carry the averages forward; their p-values are not needed.
      return { p: report ? ptUpper(stat, df) : Number.NaN, stat };
    });
    if (!report) continue;
    const [gradual, sudden] = tests as [{ p: number; stat: number }, { p: number; stat: number }];
    // Rnssp takes the gradual average only when its p-value is strictly smaller.
    const best = gradual.p < sudden.p ? gradual : sudden;
    const level = levelOf(best.p);
    points.push({
      index: i,
      observed: y,
      expected: mean,
      upperbound,
      alarm: level === null ? null : level === 'red',
      pValue: Number.isNaN(best.p) ? null : best.p,
      score: best.stat,
      level,
      detector: 'ewma',
    });
  }
  return points;
}
