/**
 * The baseline model of farringtonFlexible for one time point, as R surveillance 1.20.3
 * (`algo.farrington.fitGLM.flexible`, `algo.farrington.glm`): a quasi-Poisson GLM of the
 * reference counts on an intercept, optionally a linear trend, and seasonal groups;
 * refitted once with weights that down-weight large Anscombe residuals (past outbreaks);
 * the trend kept only when significant, b ≥ 3 and not extrapolating beyond the data.
 */
import type { FarringtonRows } from './farrington-data.ts';
import {
  coefficientT,
  dispersionWithWeights,
  fitQuasiPoisson,
  glmHatValues,
  predictLink,
  type GlmFit,
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

interface Fitted {
  readonly fit: GlmFit;
  readonly phi: number;
  /** Dispersion R's summary.glm and predict.glm see for this model (see fitOnce). */
  readonly reportedDispersion: number;
  readonly hasTrend: boolean;
  readonly levels: readonly number[];
}

/** Design columns in R's order: intercept, wtime, treatment dummies of groups 2..L. */
function design(rows: FarringtonRows, withTrend: boolean, levels: readonly number[]): number[][] {
  const columns = [rows.wtime.map(() => 1)];
  if (withTrend) columns.push([...rows.wtime]);
  for (const level of levels.slice(1)) columns.push(rows.group.map((g) => (g === level ? 1 : 0)));
  return columns;
}

/** The same row for time point k in seasonal group noPeriods, for prediction. */
function predictionRow(k: number, withTrend: boolean, levels: readonly number[], noPeriods: number): number[] {
  return [1, ...(withTrend ? [k] : []), ...levels.slice(1).map((level) => (level === noPeriods ? 1 : 0))];
}

/** Anscombe residuals of a Poisson-type fit, standardised by φ and leverage. */
function anscombeResiduals(fit: GlmFit, phi: number): number[] {
  const hat = glmHatValues(fit);
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
  const factors = o.noPeriods !== 1;
  const levels = factors ? [...new Set(rows.group)].sort((a, b) => a - b) : [];
  const glm = (trend: boolean, weights?: readonly number[]): GlmFit =>
    fitQuasiPoisson({
      columns: design(rows, trend, levels),
      y: rows.response,
      ...(offset ? { offset } : {}),
      ...(weights ? { weights } : {}),
    });
  let hasTrend = withTrend;
  let fit = glm(hasTrend);
  if (!fit.converged && hasTrend) {
    hasTrend = false;
    fit = glm(false);
  }
  if (!fit.converged) return null;
  let phi = Math.max(fit.dispersion, 1);
  if (!o.reweight) return { fit, phi, reportedDispersion: fit.dispersion, hasTrend, levels };
  // R does not check convergence of the reweighted fit; neither do we.
  const omega = residualWeights(anscombeResiduals(fit, phi), o.weightsThreshold);
  fit = glm(hasTrend, omega);
  phi = Math.max(fit.dispersion, 1);
  // R then stores omega in the model's `$weights`, where summary.glm expects the working
  // weights, so every later standard error (trend test, prediction) uses Σ ω·((y − μ)/μ)²/df.
  return { fit, phi, reportedDispersion: dispersionWithWeights(fit, omega), hasTrend, levels };
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
  const predict = (m: Fitted) =>
    predictLink(m.fit, predictionRow(k, m.hasTrend, m.levels, o.noPeriods), offsets?.now ?? 0, m.reportedDispersion);
  let trendKept = false;
  if (model.hasTrend) {
    const { t } = coefficientT(model.fit, 1, model.reportedDispersion);
    const significant = studentTwoSidedP(t, model.fit.dfResidual) < o.pThresholdTrend;
    const noExtrapolation = Math.max(Math.exp(predict(model).eta), Number.EPSILON) <= Math.max(...rows.response);
    trendKept = o.b >= 3 && significant && noExtrapolation;
    if (!trendKept) model = fitOnce(rows, offsets?.rows, false, o);
    if (model === null) return null;
  }
  const { eta, se } = predict(model);
  return { eta, seEta: se, phi: model.phi, trendKept };
}
