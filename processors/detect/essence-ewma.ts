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
import { baselineWindow, levelOf, resolveEssence, round5, type EssenceOptions, type EssencePoint } from './essence-common.ts';
import { ptUpper, qt } from './student-t.ts';

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

interface Smoother {
  readonly w: number;
  z: number;
}

/** σ for smoothing weight w (Rnssp's sigma_correction, min_sigma and constant). */
function sigmaFor(w: number, sd: number, L: number, guard: number, uclWarning: number): number {
  const correction = Math.sqrt(w / (2 - w) + 1 / L - 2 * (1 - w) ** (guard + 1) * ((1 - (1 - w) ** L) / L));
  const minSigma = (w / uclWarning) * (1 + 0.5 * (1 - w) ** 2);
  const constant = (0.1289 - (0.2414 - 0.1826 * (1 - w) ** 4) * Math.log(10 * 0.05)) * (w / uclWarning);
  return Math.max(minSigma, sd * correction + constant);
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
  for (const [w, field] of [[w1, 'w1'], [w2, 'w2']] as const) {
    if (!(w > 0 && w < 1)) throw invalidField(field, 'must be in (0, 1)');
  }
  const smoothers: Smoother[] = [{ w: w1, z: observed[0] as number }, { w: w2, z: observed[0] as number }];
  for (let i = 1; i < first; i++) for (const s of smoothers) s.z = s.w * (observed[i] as number) + (1 - s.w) * s.z;
  const points: EssencePoint[] = [];
  for (let i = first; i <= to; i++) {
    const { from: start, length: L } = baselineWindow(i, guard, baseline);
    const { mean, sd } = meanSd(observed, start, L);
    const df = L - 1;
    const uclAlert = round5(qt(0.99, df));
    const uclWarning = round5(qt(0.95, df));
    const y = observed[i] as number;
    const redT = qt(0.99, df);
    let upperbound = Infinity;
    const tests = smoothers.map((s) => {
      const sigma = sigmaFor(s.w, sd, L, guard, uclWarning);
      const previous = s.z;
      s.z = s.w * y + (1 - s.w) * previous;
      const stat = (s.z - mean) / sigma;
      if (Math.abs(stat) > uclAlert) s.z = mean + Math.sign(stat) * uclAlert * sigma;
      upperbound = Math.min(upperbound, (mean + redT * sigma - (1 - s.w) * previous) / s.w);
      return { p: ptUpper(stat, df), stat };
    });
    const [gradual, sudden] = tests as [{ p: number; stat: number }, { p: number; stat: number }];
    // Rnssp takes the gradual average only when its p-value is strictly smaller.
    const best = gradual.p < sudden.p ? gradual : sudden;
    if (i < from) continue;
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
