/**
 * The baseline model of farringtonFlexible for one time point, as R surveillance 1.20.3
 * (`algo.farrington.fitGLM.flexible`, `algo.farrington.glm`): a quasi-Poisson GLM of the
 * reference counts on an intercept, optionally a linear trend, and seasonal groups;
 * refitted once with weights that down-weight large Anscombe residuals (past outbreaks);
 * the trend kept only when significant, b ≥ 3 and not extrapolating beyond the data.
 */
import type { FarringtonRows } from './farrington-data.ts';
import {
  factorDispersionWithWeights,
  factorHatValues,
  factorPredictLink,
  factorTrendT,
  fitFactorQuasiPoisson,
  type FactorGlmFit,
} from './glm-factor-quasipoisson.ts';
import { coefficientT, dispersionWithWeights, fitQuasiPoisson, glmHatValues, predictLink, type GlmFit } from './glm-quasipoisson.ts';
import { studentTwoSidedP } from './special-functions.ts';

export interface FarringtonModelOptions {
  readonly trend: boolean;
  readonly reweight: boolean;
  readonly weightsThreshold: number;
  readonly pThresholdTrend: number;
  readonly b: number;
  readonly noPeriods: number;
}

/** Prediction for the current time point k on the link scale, with the model's dispersion. */
export interface FarringtonPrediction {
  readonly eta: number;
  /** Standard error of eta, from R's unclamped summary dispersion (see TSDoc below). */
  readonly seEta: number;
  /** Overdispersion max(dispersion, 1) of the final (reweighted) model. */
  readonly phi: number;
  readonly trendKept: boolean;
}

/**
 * A fitted GLM, whichever way it was computed: the fast factor-design fit
 * (glm-factor-quasipoisson.ts) or, should its normal equations be singular, the QR fit that
 * reproduces R's handling of aliased columns. A tagged value read by the functions below
 * rather than an object of closures: this runs twice per time point, for every series.
 */
type GlmView =
  | { readonly kind: 'factor'; readonly fit: FactorGlmFit; readonly current: number }
  | { readonly kind: 'qr'; readonly fit: GlmFit; readonly trend: boolean; readonly levels: readonly number[]; readonly noPeriods: number };

interface Fitted {
  readonly view: GlmView;
  readonly phi: number;
  /** Dispersion R's summary.glm and predict.glm see for this model (see fitOnce). */
  readonly reportedDispersion: number;
  readonly hasTrend: boolean;
}

/** Levels of the seasonal factor in R's order (sorted), or none when noPeriods is 1. */
function factorLevels(rows: FarringtonRows, noPeriods: number): number[] {
  return noPeriods === 1 ? [] : [...new Set(rows.group)].sort((a, b) => a - b);
}

const hatValues = (v: GlmView): number[] => (v.kind === 'factor' ? factorHatValues(v.fit) : glmHatValues(v.fit));
const withWeights = (v: GlmView, w: readonly number[]): number =>
  v.kind === 'factor' ? factorDispersionWithWeights(v.fit, w) : dispersionWithWeights(v.fit, w);
const trendT = (v: GlmView, dispersion: number): number =>
  v.kind === 'factor' ? factorTrendT(v.fit, dispersion).t : coefficientT(v.fit, 1, dispersion).t;

/** η and se(η) at 1-based time k in seasonal group noPeriods. */
function predictAt(v: GlmView, k: number, offset: number, dispersion: number): { eta: number; se: number } {
  if (v.kind === 'factor') return factorPredictLink(v.fit, k, v.current, offset, dispersion);
  const row = [1, ...(v.trend ? [k] : []), ...v.levels.slice(1).map((level) => (level === v.noPeriods ? 1 : 0))];
  return predictLink(v.fit, row, offset, dispersion);
}

/**
 * Fits the quasi-Poisson GLM (intercept, [wtime], seasonal dummies) through the factor-design
 * normal equations, or by QR (R's glm.fit exactly) when those are singular.
 */
function fitGlm(
  rows: FarringtonRows,
  trend: boolean,
  levels: readonly number[],
  noPeriods: number,
  offset: readonly number[] | undefined,
  weights: readonly number[] | undefined,
): GlmView {
  const extra = { ...(offset ? { offset } : {}), ...(weights ? { weights } : {}) };
  const group = new Array<number>(rows.group.length);
  for (let i = 0; i < group.length; i++) group[i] = levels.length > 0 ? levels.indexOf(rows.group[i] as number) : 0;
  const design = { trend: trend ? rows.wtime : null, group, levels: Math.max(1, levels.length) };
  const fast = fitFactorQuasiPoisson({ design, y: rows.response, ...extra });
  if (fast !== null) return { kind: 'factor', fit: fast, current: Math.max(0, levels.indexOf(noPeriods)) };
  const columns = [rows.wtime.map(() => 1)];
  if (trend) columns.push([...rows.wtime]);
  for (const level of levels.slice(1)) columns.push(rows.group.map((g) => (g === level ? 1 : 0)));
  return { kind: 'qr', fit: fitQuasiPoisson({ columns, y: rows.response, ...extra }), trend, levels, noPeriods };
}

// y^(2/3) of counts below 1024 (most rows), computed once: Math.pow was a fifth of a model.
const TWO_THIRDS = Float64Array.from({ length: 1024 }, (_, k) => k ** (2 / 3));
const twoThirds = (y: number): number => (y >= 0 && y < 1024 && Number.isInteger(y) ? (TWO_THIRDS[y] as number) : y ** (2 / 3));

/** Anscombe residuals of a Poisson-type fit, standardised by φ and leverage. */
function anscombeResiduals(v: GlmView, phi: number): number[] {
  const hat = hatValues(v);
  const { y, mu } = v.fit;
  const out = new Array<number>(y.length);
  for (let i = 0; i < y.length; i++) {
    const m = mu[i] as number;
    // μ^(−1/6) as 1/√∛μ: within an ulp or two of R's mu^(-1/6), several times faster than pow.
    const a = 1.5 * (twoThirds(y[i] as number) / Math.sqrt(Math.cbrt(m)) - Math.sqrt(m));
    out[i] = a / Math.sqrt(phi * (1 - (hat[i] as number)));
  }
  return out;
}

/** Weights ∝ s⁻² above the threshold and constant below, scaled to average 1 (R's γ). */
function residualWeights(s: readonly number[], threshold: number): number[] {
  const raw = new Array<number>(s.length);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const si = s[i] as number;
    raw[i] = si > threshold ? si ** -2 : 1;
    sum += raw[i] as number;
  }
  const gamma = s.length / sum;
  for (let i = 0; i < s.length; i++) raw[i] = gamma * (raw[i] as number);
  return raw;
}

/** R's fitGLM.flexible: fit (falling back to no trend), then refit with residual weights. */
function fitOnce(
  rows: FarringtonRows,
  offset: readonly number[] | undefined,
  withTrend: boolean,
  o: FarringtonModelOptions,
): Fitted | null {
  const levels = factorLevels(rows, o.noPeriods);
  let hasTrend = withTrend;
  let view = fitGlm(rows, hasTrend, levels, o.noPeriods, offset, undefined);
  if (!view.fit.converged && hasTrend) {
    hasTrend = false;
    view = fitGlm(rows, false, levels, o.noPeriods, offset, undefined);
  }
  if (!view.fit.converged) return null;
  let phi = Math.max(view.fit.dispersion, 1);
  if (!o.reweight) return { view, phi, reportedDispersion: view.fit.dispersion, hasTrend };
  // R does not check convergence of the reweighted fit; neither do we.
  const omega = residualWeights(anscombeResiduals(view, phi), o.weightsThreshold);
  view = fitGlm(rows, hasTrend, levels, o.noPeriods, offset, omega);
  phi = Math.max(view.fit.dispersion, 1);
  // R then stores omega in the model's `$weights`, where summary.glm expects the working
  // weights, so every later standard error (trend test, prediction) uses Σ ω·((y − μ)/μ)²/df.
  return { view, phi, reportedDispersion: withWeights(view, omega), hasTrend };
}

/**
 * Fits the baseline for 1-based time point k and predicts it. Returns null where R gives
 * NA (no convergence with or without trend) or would stop with an error (the no-trend
 * refit failing after the trend was dropped).
 *
 * The standard error does not use φ: R passes `dispersion = phi` inside `newdata` rather
 * than to predict.glm, so it is ignored and summary.glm's dispersion is used instead.
 */
export function fitFarringtonModel(
  rows: FarringtonRows,
  k: number,
  offsets: { readonly rows: readonly number[]; readonly now: number } | undefined,
  o: FarringtonModelOptions,
): FarringtonPrediction | null {
  let model = fitOnce(rows, offsets?.rows, o.trend, o);
  if (model === null) return null;
  const now = offsets?.now ?? 0;
  let trendKept = false;
  if (model.hasTrend) {
    const t = trendT(model.view, model.reportedDispersion);
    const significant = studentTwoSidedP(t, model.view.fit.dfResidual) < o.pThresholdTrend;
    const predicted = predictAt(model.view, k, now, model.reportedDispersion).eta;
    let largest = -Infinity;
    for (const y of rows.response) largest = Math.max(largest, y);
    const noExtrapolation = Math.max(Math.exp(predicted), Number.EPSILON) <= largest;
    trendKept = o.b >= 3 && significant && noExtrapolation;
    if (!trendKept) model = fitOnce(rows, offsets?.rows, false, o);
    if (model === null) return null;
  }
  const { eta, se } = predictAt(model.view, k, now, model.reportedDispersion);
  return { eta, seEta: se, phi: model.phi, trendKept };
}
