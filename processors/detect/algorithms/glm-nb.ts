/**
 * Negative binomial GLM with unknown θ, as MASS 7.3 `glm.nb` fits it: a Poisson fit, then
 * alternate θ by Newton's method on the profile score (`theta.ml`, from the previous means)
 * with an IRLS refit at fixed θ (started at the previous η), until the log-likelihood and
 * θ settle. GLR-NB uses it when neither mu0 nor alpha is given.
 */
import { invalidField } from './errors.ts';
import { fitLogLinkGlm, negativeBinomialFamily, poissonFamily, type LogLinkGlmFit } from './glm-log-link.ts';
import { digamma, logGamma, trigamma } from './special-functions.ts';
import { GLM_EPSILON, GLM_MAX_ITERATIONS } from './glm-control.ts';

export interface GlmNbFit extends LogLinkGlmFit {
  /** Estimated θ (R's `$theta`); the NB variance is μ + μ²/θ. */
  readonly theta: number;
}

const THETA_EPS = Number.EPSILON ** 0.25;

/** MASS `theta.ml(y, mu, limit = 25)` with unit weights; NaN where R stops with an error. */
export function thetaMl(y: readonly number[], mu: readonly number[], limit = GLM_MAX_ITERATIONS): number {
  const n = y.length;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((y[i] as number) / (mu[i] as number) - 1) ** 2;
  let t0 = n / squares;
  let del = 1;
  for (let it = 1; it < limit && Math.abs(del) > THETA_EPS; it++) {
    t0 = Math.abs(t0);
    let score = 0;
    let info = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i] as number;
      const mi = mu[i] as number;
      score += digamma(t0 + yi) - digamma(t0) + Math.log(t0) + 1 - Math.log(t0 + mi) - (yi + t0) / (mi + t0);
      info += -trigamma(t0 + yi) + trigamma(t0) - 1 / t0 + 2 / (mi + t0) - (yi + t0) / (mi + t0) ** 2;
    }
    del = score / info;
    t0 += del;
  }
  return t0 < 0 ? 0 : t0;
}

function logLik(theta: number, mu: readonly number[], y: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number;
    const mi = mu[i] as number;
    sum +=
      logGamma(theta + yi) -
      logGamma(theta) -
      logGamma(yi + 1) +
      theta * Math.log(theta) +
      yi * Math.log(mi + (yi === 0 ? 1 : 0)) -
      (theta + yi) * Math.log(theta + mi);
  }
  return sum;
}

/** `glm.nb(y ~ columns)` with log link and unit weights. */
export function fitGlmNb(columns: readonly (readonly number[])[], y: readonly number[]): GlmNbFit {
  let fit = fitLogLinkGlm({ columns, y, family: poissonFamily });
  let mu = fit.mu;
  let theta = thetaMl(y, mu);
  if (!(theta > 0)) throw invalidField('observed', 'glm.nb: theta estimate is not positive (no overdispersion to fit)');
  const d1 = Math.sqrt(2 * Math.max(1, fit.dfResidual));
  const d2 = 1;
  let del = 1;
  let lm = logLik(theta, mu, y);
  let lm0 = lm + 2 * d1;
  for (let iter = 1; iter <= GLM_MAX_ITERATIONS && Math.abs(lm0 - lm) / d1 + Math.abs(del) / d2 > GLM_EPSILON; iter++) {
    const eta = mu.map(Math.log);
    fit = fitLogLinkGlm({ columns, y, family: negativeBinomialFamily(theta), etastart: eta });
    const t0 = theta;
    // As MASS: θ is updated from the means *before* this refit.
    theta = thetaMl(y, mu);
    mu = fit.mu;
    del = t0 - theta;
    lm0 = lm;
    lm = logLik(theta, mu, y);
  }
  return { ...fit, theta };
}
