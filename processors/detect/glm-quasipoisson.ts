/**
 * Quasi-Poisson GLM with log link, fitted by IRLS the way R's `glm.fit` does it, because
 * farringtonFlexible's thresholds depend on where R stops iterating: start at μ = y + 0.1,
 * stop when |dev − dev_old| / (|dev| + 0.1) < 1e-8 (at most 25 iterations), keep the
 * working weights and QR of the last iteration (so hat values, dispersion and standard
 * errors are R's), and clamp μ at machine epsilon as R's log link does.
 */
import { hatValues, qrDecompose, qrSolve, quadraticForm, type QrFactorisation } from './householder-qr.ts';
import { GLM_EPSILON, GLM_MAX_ITERATIONS, logLinkInverse } from './glm-control.ts';

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


function deviance(y: readonly number[], mu: readonly number[], w: readonly number[]): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number;
    const mi = mu[i] as number;
    dev += 2 * (w[i] as number) * (yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi);
  }
  return dev;
}

const linearPredictor = (columns: GlmInput['columns'], beta: readonly number[], offset: readonly number[]) =>
  offset.map((o, i) => columns.reduce((s, c, j) => s + (c[i] as number) * (beta[j] as number), o));

/** Fits y ~ columns by quasi-Poisson IRLS; throws only on inputs R would also reject. */
export function fitQuasiPoisson(input: GlmInput): GlmFit {
  const { columns, y } = input;
  const n = y.length;
  const p = columns.length;
  const prior = input.weights ?? new Array<number>(n).fill(1);
  const offset = input.offset ?? new Array<number>(n).fill(0);
  let mu = y.map((v) => v + 0.1);
  let eta = mu.map(Math.log);
  let devOld = deviance(y, mu, prior);
  let coefOld: number[] | null = null;
  let converged = false;
  let beta = new Array<number>(p).fill(0);
  let qr: QrFactorisation | null = null;
  let working: number[] = [];
  for (let iter = 0; iter < GLM_MAX_ITERATIONS; iter++) {
    // Log link: dμ/dη = μ (clamped like μ) and Var(μ) = μ, so the working weight is prior·μ.
    const muEta = eta.map(logLinkInverse);
    const sqrtW = muEta.map((m, i) => Math.sqrt(((prior[i] as number) * m * m) / (mu[i] as number)));
    const z = eta.map(
      (e, i) => e - (offset[i] as number) + ((y[i] as number) - (mu[i] as number)) / (muEta[i] as number),
    );
    qr = qrDecompose(
      columns.map((c) => c.map((x, i) => x * (sqrtW[i] as number))),
      Math.min(1e-7, GLM_EPSILON / 1000),
    );
    const next = qrSolve(qr, z.map((v, i) => v * (sqrtW[i] as number)), p);
    working = sqrtW.map((s) => s * s);
    if (next.some((b) => !Number.isFinite(b))) break;
    beta = next;
    eta = linearPredictor(columns, beta, offset);
    mu = eta.map(logLinkInverse);
    let dev = deviance(y, mu, prior);
    // Step halving towards the previous coefficients when the step diverged (glm.fit).
    for (let halvings = 0; !Number.isFinite(dev) && coefOld !== null && halvings < GLM_MAX_ITERATIONS; halvings++) {
      const previous: number[] = coefOld;
      beta = beta.map((b, j) => (b + (previous[j] as number)) / 2);
      eta = linearPredictor(columns, beta, offset);
      mu = eta.map(logLinkInverse);
      dev = deviance(y, mu, prior);
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < GLM_EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
  }
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
export function predictLink(
  fit: GlmFit,
  x: readonly number[],
  offset = 0,
  dispersion = fit.dispersion,
): { eta: number; se: number } {
  const eta = x.reduce((s, v, j) => s + v * (fit.coefficients[j] as number), offset);
  return { eta, se: Math.sqrt(dispersion * quadraticForm(fit.qr, x)) };
}

/**
 * Pearson-type dispersion Σ wᵢ((yᵢ − μᵢ)/μᵢ)² / df with caller-chosen weights wᵢ in place of
 * the working weights: what summary.glm reports once a model's `$weights` were replaced.
 */
export function dispersionWithWeights(fit: GlmFit, weights: readonly number[]): number {
  let sum = 0;
  fit.y.forEach((y, i) => {
    const w = weights[i] as number;
    const mu = Math.max(fit.mu[i] as number, Number.EPSILON);
    if (w > 0) sum += w * ((y - mu) / mu) ** 2;
  });
  return fit.dfResidual > 0 ? sum / fit.dfResidual : Number.NaN;
}

/** Coefficient j with its standard error and Student t statistic (R's summary.glm table). */
export function coefficientT(
  fit: GlmFit,
  j: number,
  dispersion = fit.dispersion,
): { estimate: number; se: number; t: number } {
  const unit = fit.coefficients.map((_, i) => (i === j ? 1 : 0));
  const se = Math.sqrt(dispersion * quadraticForm(fit.qr, unit));
  const estimate = fit.coefficients[j] as number;
  return { estimate, se, t: estimate / se };
}
