/**
 * Poisson and negative binomial CDFs and quantiles, for the Noufaily thresholds of
 * farringtonFlexible (R: qpois, qnbinom, ppois, pnbinom with size/prob).
 *
 * The CDF is a running sum of the pmf from 0 (pmf(k+1) = pmf(k)·ratio), kept in a scaled
 * form so that a tiny pmf(0) (large mean) neither underflows nor loses the sum. Counts in
 * surveillance are modest (thousands at most), so the linear walk is cheap.
 */

// R shifts p down by this relative fuzz so a CDF that equals p up to rounding still counts
// as reaching it (left continuity of the quantile).
const QUANTILE_FUZZ = 1 - 64 * Number.EPSILON;
const RESCALE_ABOVE = 1e250;

/**
 * Walks the pmf from 0 and returns the first x with CDF(x) ≥ target, or, when `stopAt` is
 * given, CDF(stopAt). `logPmf0` is log pmf(0); `ratio(k)` = pmf(k+1)/pmf(k).
 */
function walk(logPmf0: number, ratio: (k: number) => number, target: number, stopAt?: number): number {
  // term and sum are scaled by exp(-logScale); start at scale log pmf(0) so term = 1.
  let logScale = logPmf0;
  let term = 1;
  let sum = 1;
  const cdf = (): number => sum * Math.exp(logScale);
  for (let k = 0; ; k++) {
    if (stopAt !== undefined && k === stopAt) return Math.min(1, cdf());
    if (stopAt === undefined && cdf() >= target) return k;
    term *= ratio(k);
    sum += term;
    if (sum > RESCALE_ABOVE) {
      logScale += Math.log(RESCALE_ABOVE);
      term /= RESCALE_ABOVE;
      sum /= RESCALE_ABOVE;
    }
    // Past the mode the terms vanish; the CDF is then 1 to working precision.
    if (term === 0 || k > 1e7) return stopAt === undefined ? k + 1 : 1;
  }
}

/** Poisson quantile: smallest x with P(X ≤ x) ≥ p (R: `qpois(p, lambda)`). */
export function qpois(p: number, lambda: number): number {
  if (!(lambda >= 0) || !(p >= 0 && p < 1)) return Number.NaN;
  if (lambda === 0) return 0;
  return walk(-lambda, (k) => lambda / (k + 1), p * QUANTILE_FUZZ);
}

/** P(X ≥ y) for X ~ Poisson(lambda) (R: `ppois(y - 1, lambda, lower.tail = FALSE)`). */
export function ppoisAtLeast(y: number, lambda: number): number {
  if (y <= 0) return 1;
  if (lambda === 0) return 0;
  return Math.max(0, 1 - walk(-lambda, (k) => lambda / (k + 1), 0, y - 1));
}

/** Negative binomial quantile, `size` successes with probability `prob` (R: `qnbinom(p, size, prob)`). */
export function qnbinom(p: number, size: number, prob: number): number {
  if (!(size > 0) || !(prob > 0 && prob <= 1) || !(p >= 0 && p < 1)) return Number.NaN;
  if (prob === 1) return 0;
  return walk(size * Math.log(prob), (k) => ((k + size) / (k + 1)) * (1 - prob), p * QUANTILE_FUZZ);
}

/** P(X ≥ y) for X ~ NB(size, prob) (R: `pnbinom(y - 1, size, prob, lower.tail = FALSE)`). */
export function pnbinomAtLeast(y: number, size: number, prob: number): number {
  if (y <= 0) return 1;
  if (prob === 1) return 0;
  return Math.max(0, 1 - walk(size * Math.log(prob), (k) => ((k + size) / (k + 1)) * (1 - prob), 0, y - 1));
}
