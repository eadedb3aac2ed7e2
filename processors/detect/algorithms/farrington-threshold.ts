/**
 * The two threshold rules of farringtonFlexible, as R surveillance 1.20.3 computes them:
 * Farrington et al. (1996) ("delta": delta method on a power-transformed scale) and
 * Noufaily et al. (2013) ("nbPlugin", "muan": quantile of a negative binomial whose mean is
 * the plug-in or the upper confidence limit of the prediction).
 */
import { pnbinomAtLeast, ppoisAtLeast, qnbinom, qpois } from './discrete-distributions.ts';
import { pnormUpper, qnorm } from './normal.ts';

/** Power transformation that symmetrises the count distribution for the delta method. */
export type PowerTransform = '2/3' | '1/2' | 'none';

/** Upper threshold, exceedance probability and score; NaN where R gives NA. */
export interface Threshold {
  readonly upper: number;
  /** P(Y ≥ y) under the fitted baseline (R's `pvalue`). */
  readonly prob: number;
  /** (y − fit)/(upper − fit): > 1 means above the threshold (R's `score`). */
  readonly score: number;
}

const EXPONENT: Readonly<Record<PowerTransform, number>> = { '2/3': 2 / 3, '1/2': 1 / 2, none: 1 };

/**
 * Farrington (1996): with μ₀ the predicted mean, its standard error s and dispersion φ,
 * τ = φ + s²/μ₀ and the upper bound is (μ₀^e + z·σ_e)^(1/e), where σ_e is the delta-method
 * sd of Y^e. A negative lower limit raised to 1/e is NaN, as in R; only the upper one is kept.
 */
export function farringtonThreshold(
  mu0: number,
  seMu0: number,
  phi: number,
  transform: PowerTransform,
  alpha: number,
  y: number,
): Threshold {
  const tau = phi + (seMu0 * seMu0) / mu0;
  const e = EXPONENT[transform];
  // sd of Y^e by the delta method: e·μ₀^(e−1)·√(μ₀τ).
  const sd =
    transform === 'none' ? Math.sqrt(mu0 * tau) : transform === '1/2' ? Math.sqrt(tau / 4) : Math.sqrt((4 / 9) * mu0 ** (1 / 3) * tau);
  const z = qnorm(1 - alpha);
  const a = (mu0 ** e - z * sd) ** (1 / e);
  const b = (mu0 ** e + z * sd) ** (1 / e);
  // R sorts the pair with NaN first and takes the second entry as the upper bound.
  const upper = Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
  const prob = pnormUpper((y ** e - mu0 ** e) / sd);
  return { upper, prob, score: (y - mu0) / (upper - mu0) };
}

/**
 * Noufaily (2013): the (1 − alpha) quantile of NB(mean μ, size μ/(φ − 1)) — Poisson when
 * φ = 1 — where μ = exp(η) ("nbPlugin") or exp(η + z·se(η)) ("muan"). As in R, the score is
 * taken against the link-scale prediction η, not μ.
 */
export function noufailyThreshold(
  eta: number,
  seEta: number,
  phi: number,
  method: 'nbPlugin' | 'muan',
  alpha: number,
  y: number,
): Threshold {
  const mu = Math.exp(method === 'nbPlugin' ? eta : eta + seEta * qnorm(1 - alpha));
  if (mu === Infinity || Number.isNaN(mu)) return { upper: Number.NaN, prob: Number.NaN, score: Number.NaN };
  const size = mu / (phi - 1);
  const upper = phi > 1 ? qnbinom(1 - alpha, size, 1 / phi) : qpois(1 - alpha, mu);
  const prob = phi !== 1 ? pnbinomAtLeast(y, size, 1 / phi) : ppoisAtLeast(y, mu);
  return { upper, prob, score: (y - eta) / (upper - eta) };
}
