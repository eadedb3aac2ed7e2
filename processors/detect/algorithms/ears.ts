/**
 * EARS C1, C2 and C3 (Hutwagner et al. 2003) exactly as R `surveillance` 1.20.3 `earsC`.
 *
 * C1 compares a count with the mean and sd of the `baseline` days before it; C2 leaves a
 * two-day guard band; C3 adds the excess of the two previous C2 statistics. R's C3 quirk
 * is kept on purpose (reference cases must match): its threshold is
 * `max(0, y_t + σ_t·(z − Σ max(0, C2_{t−i} − 1)))`, built on y_t rather than on the mean,
 * so R's C3 alarm depends only on the two lagged C2 values (and on y_t > 0).
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import { pnormUpper, qnorm } from './normal.ts';
import type { DetectorPoint, IndexRange } from './types.ts';

/** Control of {@link earsC}; names and defaults as R's `control` list. */
export interface EarsControl {
  readonly method: 'C1' | 'C2' | 'C3';
  /** Number of reference time points, ≥ 3. Default 7. */
  readonly baseline?: number;
  /** False-alarm probability per time point. Default 0.001 (C1, C2) and 0.025 (C3), as R. */
  readonly alpha?: number;
  /** Lower bound on the reference sd, ≥ 0. Default 0 (so a flat baseline gives sd 0). */
  readonly minSigma?: number;
  /** Time points to evaluate, 0-based inclusive. Default: from the first with a full baseline. */
  readonly range?: IndexRange;
}

interface Reference {
  readonly mean: number;
  readonly sigma: number;
}

/** Mean and max(sd, minSigma) of observed[from..to] (sd with n − 1, as R's `sd`). */
function reference(observed: readonly number[], from: number, to: number, minSigma: number): Reference {
  const n = to - from + 1;
  let sum = 0;
  for (let i = from; i <= to; i++) sum += observed[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = from; i <= to; i++) squares += ((observed[i] as number) - mean) ** 2;
  return { mean, sigma: Math.max(Math.sqrt(squares / (n - 1)), minSigma) };
}

/** Reference window of C2 (and C3) for time t: baseline days ending three days before t. */
function c2Reference(observed: readonly number[], t: number, baseline: number, minSigma: number): Reference {
  return reference(observed, t - baseline - 2, t - 3, minSigma);
}

/** 1 − Φ(z) with z = (y − mean)/σ; for σ = 0 the baseline is a point mass at the mean. */
function upperTail(y: number, { mean, sigma }: Reference): number {
  if (sigma > 0) return pnormUpper((y - mean) / sigma);
  return y > mean ? 0 : 1;
}

function resolveControl(observed: readonly number[], control: EarsControl) {
  assertFiniteSeries(observed, 'observed');
  const { method } = control;
  if (method !== 'C1' && method !== 'C2' && method !== 'C3') throw invalidField('method', 'must be C1, C2 or C3');
  const baseline = control.baseline ?? 7;
  if (!Number.isInteger(baseline) || baseline < 3) throw invalidField('baseline', 'must be an integer ≥ 3');
  const alpha = control.alpha ?? (method === 'C3' ? 0.025 : 0.001);
  if (!(alpha > 0 && alpha < 1)) throw invalidField('alpha', 'must be in (0, 1)');
  const minSigma = control.minSigma ?? 0;
  if (!(minSigma >= 0)) throw invalidField('minSigma', 'must be ≥ 0');
  const maxLag = { C1: baseline, C2: baseline + 2, C3: baseline + 4 }[method];
  const [from, to] = control.range ?? [maxLag, observed.length - 1];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to || to >= observed.length) {
    throw invalidField('range', `must be integers with from ≤ to < ${observed.length}`);
  }
  if (from < maxLag) throw invalidField('range', `starts at ${from}, needs ${maxLag} earlier time points`);
  return { method, baseline, minSigma, z: qnorm(1 - alpha), from, to };
}

/**
 * EARS C1/C2/C3 on a count series (oldest first), one {@link DetectorPoint} per index in
 * `control.range`. upperbound and alarm equal R's `earsC`; null where R gives NA (C3 with a
 * zero-spread baseline and minSigma 0).
 *
 * `expected` is the reference mean (for C3, that of the current C2 window). For C1/C2,
 * `score` = (y − mean)/σ and `pValue` = 1 − Φ(score), so `alarm ⇔ pValue < alpha`. For
 * C3, `score` is the textbook statistic C2_t + Σ_{i=1,2} max(0, C2_{t−i} − 1) and `pValue`
 * = 1 − Φ(score): nominal only (the lag terms are ≥ 0, so it is smaller than a calibrated
 * p-value), useful for ranking and comparable with alpha the way the textbook C3 rule is.
 * Where σ = 0, C2 is ±Infinity (or 0 when y equals the mean) and `score` is null.
 */
export function earsC(observed: readonly number[], control: EarsControl): DetectorPoint[] {
  const { method, baseline, minSigma, z, from, to } = resolveControl(observed, control);
  const points: DetectorPoint[] = [];
  for (let t = from; t <= to; t++) {
    const y = observed[t] as number;
    if (method === 'C3') {
      points.push(c3Point(observed, t, baseline, minSigma, z));
      continue;
    }
    const ref = method === 'C1' ? reference(observed, t - baseline, t - 1, minSigma) : c2Reference(observed, t, baseline, minSigma);
    const upperbound = ref.mean + z * ref.sigma;
    const score = ref.sigma > 0 ? (y - ref.mean) / ref.sigma : null;
    points.push({
      index: t,
      observed: y,
      expected: ref.mean,
      upperbound,
      alarm: y > upperbound,
      pValue: upperTail(y, ref),
      score,
    });
  }
  return points;
}

/** C2 statistic of time t as R computes it: IEEE division, so ±Infinity or NaN (0/0) when σ = 0. */
function c2Statistic(observed: readonly number[], t: number, baseline: number, minSigma: number): number {
  const ref = c2Reference(observed, t, baseline, minSigma);
  return ((observed[t] as number) - ref.mean) / ref.sigma;
}

function c3Point(observed: readonly number[], t: number, baseline: number, minSigma: number, z: number): DetectorPoint {
  const y = observed[t] as number;
  const ref = c2Reference(observed, t, baseline, minSigma);
  const lags = [t - 1, t - 2].map((u) => c2Statistic(observed, u, baseline, minSigma));
  // R: pmax(0, y + σ·(z − Σ max(0, C2_lag − 1))); NaN (a 0/0 lag, or 0·∞) stays NaN → NA.
  const rExcess = lags.reduce((sum, c2) => sum + Math.max(0, c2 - 1), 0);
  const raw = Math.max(0, y + ref.sigma * (z - rExcess));
  const upperbound = Number.isNaN(raw) ? null : raw;
  // Textbook C3 for score/pValue, where 0/0 (a count equal to a flat baseline) is no excess.
  const orZero = (c2: number): number => (Number.isNaN(c2) ? 0 : c2);
  const c2Now = orZero(c2Statistic(observed, t, baseline, minSigma));
  const c3 = lags.reduce((sum, c2) => sum + Math.max(0, orZero(c2) - 1), c2Now);
  return {
    index: t,
    observed: y,
    expected: ref.mean,
    upperbound,
    alarm: upperbound === null ? null : y > upperbound,
    pValue: Number.isNaN(c3) ? null : pnormUpper(c3),
    score: Number.isFinite(c3) ? c3 : null,
  };
}
