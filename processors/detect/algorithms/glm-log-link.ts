/**
 * Poisson and negative binomial (fixed θ) GLMs with log link, fitted by IRLS exactly as R's
 * `glm.fit` does for `poisson()` and MASS's `negative.binomial(theta)`: the family's own
 * starting values (μ = y + 0.1, resp. y + (y = 0)/6) or a given η, the same convergence
 * rule |dev − dev_old| / (|dev| + 0.1) < 1e-8 within 25 iterations, μ clamped at machine
 * epsilon, and step halving when the deviance is not finite. GLR-NB estimates its baseline
 * with these (and with glm-nb.ts, which alternates them with θ); the IRLS loop itself
 * ({@link irlsLogLink}) also fits farringtonFlexible's quasi-Poisson QR model
 * (glm-quasipoisson.ts), with prior weights and an offset.
 */
import { qrDecompose, qrSolve, type QrFactorisation } from './householder-qr.ts';
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

/** η = offset + Σⱼ βⱼ·columnⱼ, accumulated column by column (offset 0 when absent). */
function linearPredictor(
  columns: LogLinkGlmInput['columns'],
  beta: readonly number[],
  n: number,
  offset: readonly number[] | undefined,
): number[] {
  const eta = offset ? [...offset] : new Array<number>(n).fill(0);
  columns.forEach((c, j) => {
    const b = beta[j] as number;
    for (let i = 0; i < n; i++) eta[i] = (eta[i] as number) + (c[i] as number) * b;
  });
  return eta;
}

/** Σ wᵢ·d(yᵢ, μᵢ) with prior weights w (all 1 when absent). */
function deviance(family: LogLinkFamily, y: readonly number[], mu: readonly number[], prior: readonly number[] | undefined): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const d = family.unitDeviance(y[i] as number, mu[i] as number);
    dev += prior ? (prior[i] as number) * d : d;
  }
  return dev;
}

/** Inputs of {@link irlsLogLink}: design, response, family, start and optional weights/offset. */
export interface IrlsInput {
  readonly columns: LogLinkGlmInput['columns'];
  readonly y: readonly number[];
  readonly family: LogLinkFamily;
  /** Starting η and μ (from the family's mustart, or from etastart), used as given. */
  readonly eta: readonly number[];
  readonly mu: readonly number[];
  /** Prior weights; absent = 1. */
  readonly weights?: readonly number[] | undefined;
  /** Offset on the link scale; absent = 0. */
  readonly offset?: readonly number[] | undefined;
}

/** What the IRLS loop ends with: coefficients, η, μ, deviance, and the last WLS step. */
export interface IrlsResult {
  readonly converged: boolean;
  readonly coefficients: number[];
  readonly eta: number[];
  readonly mu: number[];
  readonly deviance: number;
  /** QR of the last weighted design (null only when no iteration ran). */
  readonly qr: QrFactorisation | null;
  /** Working weights of the last iteration (R's fit$weights); empty if no iteration ran. */
  readonly working: number[];
}

/**
 * R's glm.fit IRLS loop for a log link: working weights w·(dμ/dη)²/Var(μ), Householder QR
 * of the weighted design, step halving towards the previous coefficients when the deviance
 * is not finite, and stop when |dev − devOld| / (|dev| + 0.1) < {@link GLM_EPSILON}.
 */
export function irlsLogLink(input: IrlsInput): IrlsResult {
  const { columns, y, family, weights: prior, offset } = input;
  const n = y.length;
  const p = columns.length;
  let eta = [...input.eta];
  let mu = [...input.mu];
  let devOld = deviance(family, y, mu, prior);
  let dev = devOld;
  let beta = new Array<number>(p).fill(0);
  let coefOld: number[] | null = null;
  let qr: QrFactorisation | null = null;
  let working: number[] = [];
  let converged = false;
  for (let iter = 0; iter < GLM_MAX_ITERATIONS; iter++) {
    // Log link: dμ/dη = μ (clamped like μ), working weight prior·(dμ/dη)²/Var(μ).
    const muEta = eta.map(logLinkInverse);
    const sqrtW = muEta.map((m, i) => {
      const w = prior ? (prior[i] as number) : 1;
      return Math.sqrt((w * m * m) / family.variance(mu[i] as number));
    });
    const z = eta.map((e, i) => (offset ? e - (offset[i] as number) : e) + ((y[i] as number) - (mu[i] as number)) / (muEta[i] as number));
    qr = qrDecompose(
      columns.map((c) => c.map((x, i) => x * (sqrtW[i] as number))),
      Math.min(1e-7, GLM_EPSILON / 1000),
    );
    const next = qrSolve(
      qr,
      z.map((v, i) => v * (sqrtW[i] as number)),
      p,
    );
    working = sqrtW.map((s) => s * s);
    if (next.some((b) => !Number.isFinite(b))) break;
    beta = next;
    eta = linearPredictor(columns, beta, n, offset);
    mu = eta.map(logLinkInverse);
    dev = deviance(family, y, mu, prior);
    // Step halving towards the previous coefficients when the step diverged (glm.fit).
    for (let halvings = 0; !Number.isFinite(dev) && coefOld !== null && halvings < GLM_MAX_ITERATIONS; halvings++) {
      const previous: number[] = coefOld;
      beta = beta.map((b, j) => (b + (previous[j] as number)) / 2);
      eta = linearPredictor(columns, beta, n, offset);
      mu = eta.map(logLinkInverse);
      dev = deviance(family, y, mu, prior);
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < GLM_EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
  }
  return { converged, coefficients: beta, eta, mu, deviance: dev, qr, working };
}

/** Fits y ~ columns with log link by IRLS, as `glm.fit(x, y, family = …, etastart = …)`. */
export function fitLogLinkGlm(input: LogLinkGlmInput): LogLinkGlmFit {
  const { columns, y, family } = input;
  const eta = input.etastart ? [...input.etastart] : y.map((v) => Math.log(family.mustart(v)));
  const fit = irlsLogLink({ columns, y, family, eta, mu: eta.map(logLinkInverse) });
  const rank = fit.qr ? fit.qr.rank : 0;
  return {
    converged: fit.converged,
    coefficients: fit.coefficients,
    mu: fit.mu,
    eta: fit.eta,
    deviance: fit.deviance,
    rank,
    dfResidual: y.length - rank,
  };
}

/** exp(x·β) for a new row x (R's predict.glm, type = "response", clamped like linkinv). */
export function predictResponse(fit: LogLinkGlmFit, x: readonly number[]): number {
  let eta = 0;
  x.forEach((v, j) => (eta += v * (fit.coefficients[j] as number)));
  return logLinkInverse(eta);
}
