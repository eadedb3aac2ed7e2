/**
 * Poisson and negative binomial (fixed θ) GLMs with log link, fitted by IRLS exactly as R's
 * `glm.fit` does for `poisson()` and MASS's `negative.binomial(theta)`: the family's own
 * starting values (μ = y + 0.1, resp. y + (y = 0)/6) or a given η, the same convergence
 * rule |dev − dev_old| / (|dev| + 0.1) < 1e-8 within 25 iterations, μ clamped at machine
 * epsilon, and step halving when the deviance is not finite. GLR-NB estimates its baseline
 * with these (and with glm-nb.ts, which alternates them with θ).
 */
import { qrDecompose, qrSolve } from './householder-qr.ts';
import { GLM_EPSILON, GLM_MAX_ITERATIONS, logLinkInverse } from './glm-control.ts';

/** The parts of an R family object IRLS uses (variance function, deviance, start). */
export interface LogLinkFamily {
  readonly name: 'poisson' | 'negative.binomial';
  /** Var(Y) as a function of μ. */
  readonly variance: (mu: number) => number;
  /** Unit deviance d(y, μ) (R's dev.resids with weight 1). */
  readonly unitDeviance: (y: number, mu: number) => number;
  /** R's `initialize`: starting μ from y. */
  readonly mustart: (y: number) => number;
}

export const poissonFamily: LogLinkFamily = {
  name: 'poisson',
  variance: (mu) => mu,
  unitDeviance: (y, mu) => 2 * (y > 0 ? y * Math.log(y / mu) - (y - mu) : mu),
  mustart: (y) => y + 0.1,
};

/** MASS `negative.binomial(theta)`: Var = μ + μ²/θ, θ > 0 (size of the NB). */
export function negativeBinomialFamily(theta: number): LogLinkFamily {
  return {
    name: 'negative.binomial',
    variance: (mu) => mu + (mu * mu) / theta,
    unitDeviance: (y, mu) => 2 * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    mustart: (y) => y + (y === 0 ? 1 / 6 : 0),
  };
}

export interface LogLinkGlmInput {
  /** Design columns, each of length n (R's model matrix, column by column). */
  readonly columns: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly family: LogLinkFamily;
  /** Starting linear predictor (R's `etastart`); default log of the family's mustart. */
  readonly etastart?: readonly number[];
}

export interface LogLinkGlmFit {
  readonly converged: boolean;
  /** Per design column; 0 for aliased columns (R reports NA). */
  readonly coefficients: readonly number[];
  readonly mu: readonly number[];
  readonly eta: readonly number[];
  readonly deviance: number;
  readonly rank: number;
  readonly dfResidual: number;
}


function linearPredictor(columns: LogLinkGlmInput['columns'], beta: readonly number[], n: number): number[] {
  const eta = new Array<number>(n).fill(0);
  columns.forEach((c, j) => {
    const b = beta[j] as number;
    for (let i = 0; i < n; i++) eta[i] = (eta[i] as number) + (c[i] as number) * b;
  });
  return eta;
}

function deviance(family: LogLinkFamily, y: readonly number[], mu: readonly number[]): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) dev += family.unitDeviance(y[i] as number, mu[i] as number);
  return dev;
}

/** Fits y ~ columns with log link by IRLS, as `glm.fit(x, y, family = …, etastart = …)`. */
export function fitLogLinkGlm(input: LogLinkGlmInput): LogLinkGlmFit {
  const { columns, y, family } = input;
  const n = y.length;
  const p = columns.length;
  let eta = input.etastart ? [...input.etastart] : y.map((v) => Math.log(family.mustart(v)));
  let mu = eta.map(logLinkInverse);
  let devOld = deviance(family, y, mu);
  let dev = devOld;
  let beta = new Array<number>(p).fill(0);
  let coefOld: number[] | null = null;
  let rank = 0;
  let converged = false;
  for (let iter = 0; iter < GLM_MAX_ITERATIONS; iter++) {
    // Log link: dμ/dη = μ (clamped like μ), working weight (dμ/dη)²/Var(μ).
    const muEta = eta.map(logLinkInverse);
    const sqrtW = muEta.map((m, i) => Math.sqrt((m * m) / family.variance(mu[i] as number)));
    const z = eta.map((e, i) => e + ((y[i] as number) - (mu[i] as number)) / (muEta[i] as number));
    const qr = qrDecompose(
      columns.map((c) => c.map((x, i) => x * (sqrtW[i] as number))),
      Math.min(1e-7, GLM_EPSILON / 1000),
    );
    rank = qr.rank;
    const next = qrSolve(qr, z.map((v, i) => v * (sqrtW[i] as number)), p);
    if (next.some((b) => !Number.isFinite(b))) break;
    beta = next;
    eta = linearPredictor(columns, beta, n);
    mu = eta.map(logLinkInverse);
    dev = deviance(family, y, mu);
    for (let halvings = 0; !Number.isFinite(dev) && coefOld !== null && halvings < GLM_MAX_ITERATIONS; halvings++) {
      const previous: number[] = coefOld;
      beta = beta.map((b, j) => (b + (previous[j] as number)) / 2);
      eta = linearPredictor(columns, beta, n);
      mu = eta.map(logLinkInverse);
      dev = deviance(family, y, mu);
    }
    if (Math.abs(dev - devOld) / (0.1 + Math.abs(dev)) < GLM_EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
  }
  return { converged, coefficients: beta, mu, eta, deviance: dev, rank, dfResidual: n - rank };
}

/** exp(x·β) for a new row x (R's predict.glm, type = "response", clamped like linkinv). */
export function predictResponse(fit: LogLinkGlmFit, x: readonly number[]): number {
  let eta = 0;
  x.forEach((v, j) => (eta += v * (fit.coefficients[j] as number)));
  return logLinkInverse(eta);
}
