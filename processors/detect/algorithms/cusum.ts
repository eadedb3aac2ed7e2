/**
 * CUSUM of standardised counts (Rossi et al. 1999 and variants) exactly as R surveillance
 * 1.20.3 `cusum`/`algo.cusum`: S₀ = 0, Sₜ = max(0, Sₜ₋₁ + zₜ − k), alarm when Sₜ ≥ h; never
 * reset after an alarm. The upperbound is the count that would have made Sₜ reach h, back-
 * transformed per `trans` (for "none" and "anscombeNegBin" R reports h − Sₜ instead).
 */
import { anscombeNegBin } from './anscombe-nb.ts';
import { assertFiniteSeries, invalidField } from './errors.ts';
import { fitLogLinkGlm, poissonFamily, predictResponse } from './glm-log-link.ts';
import type { DetectorPoint, IndexRange } from './types.ts';

export type CusumTransform = 'standard' | 'rossi' | 'anscombe' | 'anscombe2nd' | 'pearsonNegBin' | 'anscombeNegBin' | 'none';

/** Control of {@link cusum}; names and defaults as R's `control` list. */
export interface CusumControl {
  /** Reference value subtracted from each standardised count. Default 1.04. */
  readonly k?: number;
  /** Decision interval: alarm when the CUSUM reaches h. Default 2.26. */
  readonly h?: number;
  /**
   * In-control mean: a number, one number per time point in range, or "glm" (Poisson GLM
   * with one harmonic fitted before range). Default: mean of all counts before range.
   */
  readonly m?: number | readonly number[] | 'glm';
  /** Standardisation. Default "standard" ((x − m)/√m). */
  readonly trans?: CusumTransform;
  /** NB dispersion for "pearsonNegBin" and "anscombeNegBin". Default 0.1. */
  readonly alpha?: number;
  /** Time points to evaluate, 0-based inclusive. Default: from index 1 to the end. */
  readonly range?: IndexRange;
}

/** Counts oldest first; frequency and R's start period matter only for m = "glm". */
export interface CusumSeries {
  readonly observed: readonly number[];
  readonly frequency: number;
  /** Period number of observed[0] within its year (R: start[2]). Default 1. */
  readonly startPeriod?: number;
}

const TRANSFORMS: readonly CusumTransform[] = ['standard', 'rossi', 'anscombe', 'anscombe2nd', 'pearsonNegBin', 'anscombeNegBin', 'none'];

/** R's m = "glm": glm(x ~ 1 + cos(2π/p·t) + sin(2π/p·t), poisson) on the points before range. */
function glmMean(series: CusumSeries, from: number, to: number): number[] {
  const p = series.frequency;
  const t0 = series.startPeriod ?? 1;
  const row = (t: number): number[] => [1, Math.cos(((2 * Math.PI) / p) * t), Math.sin(((2 * Math.PI) / p) * t)];
  const rows = Array.from({ length: from }, (_, i) => row(t0 + i));
  const columns = [0, 1, 2].map((j) => rows.map((r) => r[j] as number));
  const fit = fitLogLinkGlm({ columns, y: series.observed.slice(0, from), family: poissonFamily });
  return Array.from({ length: to - from + 1 }, (_, i) => predictResponse(fit, row(t0 + from + i)));
}

function inControlMean(series: CusumSeries, c: CusumControl, from: number, to: number): number[] {
  const length = to - from + 1;
  if (c.m === 'glm') {
    if (from < 4) throw invalidField('range', 'm = "glm" needs more than 3 time points before range');
    return glmMean(series, from, to);
  }
  if (typeof c.m === 'number') return new Array<number>(length).fill(c.m);
  if (c.m !== undefined) {
    if (c.m.length !== length) throw invalidField('m', `must have ${length} entries (range)`);
    return [...c.m];
  }
  // R: mean(observed[1:(range[1] − 1)]); for range[1] = 1 that is observed[c(1, 0)], the first count.
  const before = from === 0 ? series.observed.slice(0, 1) : series.observed.slice(0, from);
  return new Array<number>(length).fill(before.reduce((a, b) => a + b, 0) / before.length);
}

function standardise(trans: CusumTransform, x: number, m: number, alpha: number): number {
  switch (trans) {
    case 'rossi':
      return (x - 3 * m + 2 * Math.sqrt(x * m)) / (2 * Math.sqrt(m));
    case 'standard':
      return (x - m) / Math.sqrt(m);
    case 'anscombe':
      return (1.5 * (x ** (2 / 3) - m ** (2 / 3))) / m ** (1 / 6);
    case 'anscombe2nd':
      return (x ** (2 / 3) - (m ** (2 / 3) - m ** (-1 / 3) / 9)) / ((2 / 3) * m ** (1 / 6));
    case 'pearsonNegBin':
      return (x - m) / Math.sqrt(m + alpha * m * m);
    case 'anscombeNegBin':
      return anscombeNegBin(x, m, alpha);
    case 'none':
      return x;
  }
}

/** Count that takes the CUSUM from `previous` to h at mean m (R's upperbound formulas). */
function bound(trans: CusumTransform, m: number, h: number, k: number, previous: number, current: number, alpha: number) {
  const room = h + k - previous;
  const powerBack = (base: number): number => (base < 0 ? 0 : base ** 1.5);
  switch (trans) {
    case 'rossi': {
      const m32 = m ** 1.5;
      const sm = m ** 0.5;
      return 2 * h * sm + 2 * k * sm - 2 * previous * sm + 5 * m - 2 * (4 * m * m + 2 * m32 * h + 2 * m32 * k - 2 * m32 * previous) ** 0.5;
    }
    case 'standard':
      return Math.ceil(Math.sqrt(m) * room + m);
    case 'anscombe':
      return powerBack((2 / 3) * m ** (1 / 6) * room + m ** (2 / 3));
    case 'anscombe2nd':
      return powerBack((2 / 3) * m ** (1 / 6) * room + (m ** (2 / 3) - m ** (1 / 3) / 9));
    case 'pearsonNegBin':
      return Math.sqrt(m + alpha * m * m) * room + m;
    case 'anscombeNegBin':
    case 'none':
      return h - current;
  }
}

/**
 * CUSUM over `control.range`, one {@link DetectorPoint} per time point. upperbound and
 * alarm equal R's (NA and negative upperbounds are 0, as R reports them); alarm is null
 * where the CUSUM is NaN (R: NA, e.g. m = 0). `expected` is m, `score` the CUSUM Sₜ
 * (alarm ⇔ score ≥ h); no p-value.
 */
export function cusum(series: CusumSeries, control: CusumControl = {}): DetectorPoint[] {
  const { observed } = series;
  assertFiniteSeries(observed, 'observed');
  const n = observed.length;
  const [from, to] = control.range ?? [1, n - 1];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to >= n) {
    throw invalidField('range', `must be integers with 0 ≤ from ≤ to < ${n}`);
  }
  const trans = control.trans ?? 'standard';
  if (!TRANSFORMS.includes(trans)) throw invalidField('trans', `must be one of ${TRANSFORMS.join(', ')}`);
  const k = control.k ?? 1.04;
  const h = control.h ?? 2.26;
  const alpha = control.alpha ?? 0.1;
  if (trans === 'anscombeNegBin' && (Array.isArray(control.m) || control.m === 'glm')) {
    throw invalidField('m', 'anscombeNegBin needs a scalar m (R recycles a vector m incorrectly there)');
  }
  const m = inControlMean(series, control, from, to);
  const points: DetectorPoint[] = [];
  let s = 0;
  for (let t = from; t <= to; t++) {
    const x = observed[t] as number;
    const mt = m[t - from] as number;
    const previous = s;
    // R's max(0, NaN) is NaN, like Math.max: an undefined standardisation poisons the CUSUM.
    s = Math.max(0, previous + (standardise(trans, x, mt, alpha) - k));
    const u = bound(trans, mt, h, k, previous, s, alpha);
    points.push({
      index: t,
      observed: x,
      expected: mt,
      upperbound: Number.isNaN(u) || u < 0 ? 0 : u,
      alarm: Number.isNaN(s) ? null : s >= h,
      pValue: null,
      score: Number.isNaN(s) ? null : s,
    });
  }
  return points;
}
