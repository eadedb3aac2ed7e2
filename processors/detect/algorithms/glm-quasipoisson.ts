/**
 * Quasi-Poisson GLM with log link, fitted by IRLS the way R's `glm.fit` does it, because
 * farringtonFlexible's thresholds depend on where R stops iterating: start at μ = y + 0.1,
 * stop when |dev − dev_old| / (|dev| + 0.1) < 1e-8 (at most 25 iterations), keep the
 * working weights and QR of the last iteration (so hat values, dispersion and standard
 * errors are R's), and clamp μ at machine epsilon as R's log link does. The loop is the
 * Poisson-family {@link irlsLogLink} of glm-log-link.ts, with prior weights and offset.
 */
import { hatValues, quadraticForm, type QrFactorisation } from './householder-qr.ts';
import { pearsonDispersion } from './glm-control.ts';
import { irlsLogLink, poissonFamily } from './glm-log-link.ts';

/** Inputs of {@link fitQuasiPoisson}: design columns (each of length n) and the response. */
export interface GlmInput {
  readonly columns: readonly (readonly number[])[];
  readonly y: readonly number[];
  /** Prior weights, > 0. Default 1. */
  readonly weights?: readonly number[];
  /** Offset on the link scale. Default 0. */
  readonly offset?: readonly number[];
}

export interface GlmFit {
  readonly converged: boolean;
  /** Per design column; 0 for aliased columns. */
  readonly coefficients: readonly number[];
  readonly mu: readonly number[];
  readonly y: readonly number[];
  readonly qr: QrFactorisation;
  readonly dfResidual: number;
  /** R's summary.glm dispersion: Σ w·((y − μ)/μ)² / df, with the last IRLS working weights w. */
  readonly dispersion: number;
}

/** Fits y ~ columns by quasi-Poisson IRLS; throws only on inputs R would also reject. */
export function fitQuasiPoisson(input: GlmInput): GlmFit {
  const { columns, y } = input;
  const n = y.length;
  const prior = input.weights ?? new Array<number>(n).fill(1);
  // Start at μ = y + 0.1 (poisson()$initialize) and η = log μ; μ is used as is, not
  // recomputed as linkinv(η) the way fitLogLinkGlm starts.
  const mustart = y.map((v) => v + 0.1);
  const fit = irlsLogLink({
    columns,
    y,
    family: poissonFamily,
    eta: mustart.map(Math.log),
    mu: mustart,
    weights: input.weights,
    offset: input.offset,
  });
  const { converged, coefficients: beta, mu, qr, working } = fit;
  if (qr === null) throw new Error('fitQuasiPoisson: no columns or no iterations');
  // Rows with prior weight 0 carry no information and no residual degree of freedom.
  const dfResidual = prior.filter((v) => v > 0).length - qr.rank;
  let pearson = 0;
  for (let i = 0; i < n; i++) {
    if (!((prior[i] as number) > 0)) continue;
    const m = mu[i] as number;
    pearson += (working[i] as number) * (((y[i] as number) - m) / Math.max(m, Number.EPSILON)) ** 2;
  }
  const dispersion = dfResidual > 0 ? pearson / dfResidual : Number.NaN;
  return { converged, coefficients: beta, mu, y, qr, dfResidual, dispersion };
}

/** Hat values of the final weighted least-squares step (R's `hatvalues(glm)`). */
export const glmHatValues = (fit: GlmFit): number[] => hatValues(fit.qr);

/**
 * Linear predictor at a new row `x` (plus `offset`) and its standard error
 * √(dispersion · xᵀ(RᵀR)⁻¹x), as R's predict.glm(se.fit = TRUE, type = "link"). `dispersion`
 * defaults to the fit's own (summary.glm's).
 */
export function predictLink(fit: GlmFit, x: readonly number[], offset = 0, dispersion = fit.dispersion): { eta: number; se: number } {
  const eta = x.reduce((s, v, j) => s + v * (fit.coefficients[j] as number), offset);
  return { eta, se: Math.sqrt(dispersion * quadraticForm(fit.qr, x)) };
}

/**
 * Pearson-type dispersion Σ wᵢ((yᵢ − μᵢ)/μᵢ)² / df with caller-chosen weights wᵢ in place of
 * the working weights: what summary.glm reports once a model's `$weights` were replaced.
 */
export function dispersionWithWeights(fit: GlmFit, weights: readonly number[]): number {
  return pearsonDispersion(fit.y, fit.mu, weights, fit.dfResidual);
}

/** Coefficient j with its standard error and Student t statistic (R's summary.glm table). */
export function coefficientT(fit: GlmFit, j: number, dispersion = fit.dispersion): { estimate: number; se: number; t: number } {
  const unit = fit.coefficients.map((_, i) => (i === j ? 1 : 0));
  const se = Math.sqrt(dispersion * quadraticForm(fit.qr, unit));
  const estimate = fit.coefficients[j] as number;
  return { estimate, se, t: estimate / se };
}
