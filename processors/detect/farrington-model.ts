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
} from './glm-factor-quasipoisson.ts';
import {
  coefficientT,
  dispersionWithWeights,
  fitQuasiPoisson,
  glmHatValues,
  predictLink,
} from './glm-quasipoisson.ts';
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
 * What the model needs from a GLM fit, whichever way it was computed: the fast factor-design
 * fit (glm-factor-quasipoisson.ts) or, should its normal equations be singular, the QR fit
 * that reproduces R's handling of aliased columns.
 */
interface GlmView {
  readonly converged: boolean;
  readonly y: readonly number[];
  readonly mu: ArrayLike<number>;
  readonly dispersion: number;
  readonly dfResidual: number;
  hatValues(): number[];
  dispersionWithWeights(weights: readonly number[]): number;
  /** η and se(η) at 1-based time k in seasonal group noPeriods. */
  predict(k: number, offset: number, dispersion: number): { eta: number; se: number };
  trendT(dispersion: number): number;
}

interface Fitted {
  readonly fit: GlmView;
  readonly phi: number;
  /** Dispersion R's summary.glm and predict.glm see for this model (see fitOnce). */
  readonly reportedDispersion: number;
  readonly hasTrend: boolean;
}

/** Levels of the seasonal factor in R's order (sorted), or none when noPeriods is 1. */
function factorLevels(rows: FarringtonRows, noPeriods: number): number[] {
  return noPeriods === 1 ? [] : [...new Set(rows.group)].sort((a, b) => a - b);
}

/** QR fit of the explicit design (intercept, wtime, treatment dummies), R's glm.fit exactly. */
function qrView(rows: FarringtonRows, trend: boolean, levels: readonly number[], noPeriods: number, offset?: readonly number[], weights?: readonly number[]): GlmView {
  const columns = [rows.wtime.map(() => 1)];
  if (trend) columns.push([...rows.wtime]);
  for (const level of levels.slice(1)) columns.push(rows.group.map((g) => (g === level ? 1 : 0)));
  const fit = fitQuasiPoisson({ columns, y: rows.response, ...(offset ? { offset } : {}), ...(weights ? { weights } : {}) });
  const row = (k: number): number[] => [1, ...(trend ? [k] : []), ...levels.slice(1).map((level) => (level === noPeriods ? 1 : 0))];
  return {
    converged: fit.converged,
    y: fit.y,
    mu: fit.mu,
    dispersion: fit.dispersion,
    dfResidual: fit.dfResidual,
    hatValues: () => glmHatValues(fit),
    dispersionWithWeights: (w) => dispersionWithWeights(fit, w),
    predict: (k, off, disp) => predictLink(fit, row(k), off, disp),
    trendT: (disp) => coefficientT(fit, 1, disp).t,
  };
}

/** The same model through the factor-design normal equations; null if they are singular. */
function factorView(rows: FarringtonRows, trend: boolean, levels: readonly number[], noPeriods: number, offset?: readonly number[], weights?: readonly number[]): GlmView | null {
  const index = new Map(levels.map((level, i) => [level, i]));
  const design = {
    trend: trend ? rows.wtime : null,
    group: levels.length > 0 ? rows.group.map((g) => index.get(g) as number) : rows.group.map(() => 0),
    levels: Math.max(1, levels.length),
  };
  const fit = fitFactorQuasiPoisson({ design, y: rows.response, ...(offset ? { offset } : {}), ...(weights ? { weights } : {}) });
  if (fit === null) return null;
  const current = index.get(noPeriods) ?? 0;
  return {
    converged: fit.converged,
    y: fit.y,
    mu: fit.mu,
    dispersion: fit.dispersion,
    dfResidual: fit.dfResidual,
    hatValues: () => factorHatValues(fit),
    dispersionWithWeights: (w) => factorDispersionWithWeights(fit, w),
    predict: (k, off, disp) => factorPredictLink(fit, k, current, off, disp),
    trendT: (disp) => factorTrendT(fit, disp).t,
  };
}

/** Anscombe residuals of a Poisson-type fit, standardised by φ and leverage. */
function anscombeResiduals(fit: GlmView, phi: number): number[] {
  const hat = fit.hatValues();
  return fit.y.map((y, i) => {
    const mu = fit.mu[i] as number;
    const a = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu));
    return a / Math.sqrt(phi * (1 - (hat[i] as number)));
  });
}

/** Weights ∝ s⁻² above the threshold and constant below, scaled to average 1 (R's γ). */
function residualWeights(s: readonly number[], threshold: number): number[] {
  const raw = s.map((si) => (si > threshold ? si ** -2 : 1));
  const gamma = s.length / raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => gamma * r);
}

/** R's fitGLM.flexible: fit (falling back to no trend), then refit with residual weights. */
function fitOnce(
  rows: FarringtonRows,
  offset: readonly number[] | undefined,
  withTrend: boolean,
  o: FarringtonModelOptions,
): Fitted | null {
  const levels = factorLevels(rows, o.noPeriods);
  const glm = (trend: boolean, weights?: readonly number[]): GlmView =>
    factorView(rows, trend, levels, o.noPeriods, offset, weights) ?? qrView(rows, trend, levels, o.noPeriods, offset, weights);
  let hasTrend = withTrend;
  let fit = glm(hasTrend);
  if (!fit.converged && hasTrend) {
    hasTrend = false;
    fit = glm(false);
  }
  if (!fit.converged) return null;
  let phi = Math.max(fit.dispersion, 1);
  if (!o.reweight) return { fit, phi, reportedDispersion: fit.dispersion, hasTrend };
  // R does not check convergence of the reweighted fit; neither do we.
  const omega = residualWeights(anscombeResiduals(fit, phi), o.weightsThreshold);
  fit = glm(hasTrend, omega);
  phi = Math.max(fit.dispersion, 1);
  // R then stores omega in the model's `$weights`, where summary.glm expects the working
  // weights, so every later standard error (trend test, prediction) uses Σ ω·((y − μ)/μ)²/df.
  return { fit, phi, reportedDispersion: fit.dispersionWithWeights(omega), hasTrend };
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
  const predict = (m: Fitted) => m.fit.predict(k, offsets?.now ?? 0, m.reportedDispersion);
  let trendKept = false;
  if (model.hasTrend) {
    const t = model.fit.trendT(model.reportedDispersion);
    const significant = studentTwoSidedP(t, model.fit.dfResidual) < o.pThresholdTrend;
    const noExtrapolation = Math.max(Math.exp(predict(model).eta), Number.EPSILON) <= Math.max(...rows.response);
    trendKept = o.b >= 3 && significant && noExtrapolation;
    if (!trendKept) model = fitOnce(rows, offsets?.rows, false, o);
    if (model === null) return null;
  }
  const { eta, se } = predict(model);
  return { eta, seEta: se, phi: model.phi, trendKept };
}
