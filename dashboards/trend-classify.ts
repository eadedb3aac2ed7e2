/**
 * Trend classification as CDC's Rnssp `classify_trend` does it: a binomial GLM (logit link)
 * of the syndrome's counts out of all visits, `cbind(count, visits − count) ~ t`, over the
 * trailing B = 12 days, fitted only when the window holds more than 10 counts (else
 * "insufficient data"); a slope with Wald p < 0.01 is a significant increase or decrease,
 * anything else is stable. Pure: no I/O. Fitted by iteratively reweighted least squares, as
 * R's glm does; checked against R's glm on test/fixtures/trend/rnssp-glm.json
 * (scripts/reference/trend-classify.R).
 */

export type TrendClass = 'increasing' | 'stable' | 'decreasing';

export interface TrendResult {
  /** null when the window holds no visits (nothing to fit). */
  classification: TrendClass | null;
  /** Slope of the log-odds per day; null when not estimable. */
  slope: number | null;
  /** Two-sided Wald p-value of the slope; null when not estimable. */
  p_value: number | null;
}

/** Rnssp's B: the days each model is fitted to. */
export const TREND_WINDOW_DAYS = 12;
export const TREND_ALPHA = 0.01;
/** Rnssp fits a model only when the window holds more than this many counts. */
export const TREND_MIN_COUNTS = 10;

/**
 * The complementary error function to ~1e-13 relative: the Maclaurin series of erf below 2
 * (its largest term is ~6 there, so 1 − erf keeps ~13 digits of erfc ≥ 0.005), Lentz's
 * continued fraction of erfc above (a few hundred steps at most for x ≥ 2). R's pnorm is exact to double
 * precision; p-values near α must agree with it, not only to the 1e-7 of a textbook formula.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF through erfc (accurate in both tails). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Binomial deviance of proportions y (out of n) at fitted probabilities mu, as R's binomial()$dev.resids. */
function deviance(pts: readonly { y: number; n: number }[], mus: readonly number[]): number {
  let d = 0;
  pts.forEach(({ y, n }, i) => {
    const p = y / n;
    const mu = mus[i]!;
    const a = p > 0 ? p * Math.log(p / mu) : 0;
    const b = p < 1 ? (1 - p) * Math.log((1 - p) / (1 - mu)) : 0;
    d += 2 * n * (a + b);
  });
  return d;
}

const expit = (eta: number) => 1 / (1 + Math.exp(-eta));

/**
 * Fits logit(p_t) = a + b·t to counts y_t out of n_t (t = 0, 1, …) exactly as R's glm.fit
 * does for `cbind(y, n − y) ~ t, family = binomial`: the same start (mustart = (y + 0.5) / (n + 1)),
 * the same iteratively reweighted least squares steps, the same stop (relative change of the
 * deviance below 1e-8, at most 25 iterations), and the standard error from the weights of the
 * last step, as summary.glm takes them. Matching R's stopping rule, not only its optimum, is
 * what makes the estimates agree to ~1e-10 instead of ~1e-5. Returns null when the data cannot
 * identify a slope (fewer than two time points with visits, or a singular system).
 */
export function fitBinomialSlope(
  counts: readonly number[],
  totals: readonly number[],
): { intercept: number; slope: number; se: number; iterations: number } | null {
  const pts: { t: number; y: number; n: number }[] = [];
  for (let t = 0; t < counts.length; t++) {
    const n = totals[t] ?? 0;
    if (n > 0) pts.push({ t, y: Math.min(counts[t] ?? 0, n), n });
  }
  if (pts.length < 2) return null;
  let mus = pts.map(({ y, n }) => (y + 0.5) / (n + 1));
  let etas = mus.map((m) => Math.log(m / (1 - m)));
  let devOld = deviance(pts, mus);
  let a = 0;
  let b = 0;
  for (let it = 1; it <= 25; it++) {
    // Weighted least squares of the working response z = η + (y/n − μ)/(μ(1 − μ)) on (1, t), weights nμ(1 − μ).
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    let g0 = 0;
    let g1 = 0;
    pts.forEach(({ t, y, n }, i) => {
      const mu = mus[i]!;
      const v = mu * (1 - mu);
      const w = n * v;
      const z = etas[i]! + (y / n - mu) / v;
      s00 += w;
      s01 += w * t;
      s11 += w * t * t;
      g0 += w * z;
      g1 += w * z * t;
    });
    const det = s00 * s11 - s01 * s01;
    if (!(det > 1e-300)) return null;
    a = (s11 * g0 - s01 * g1) / det;
    b = (s00 * g1 - s01 * g0) / det;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
    etas = pts.map(({ t }) => a + b * t);
    mus = etas.map(expit);
    const dev = deviance(pts, mus);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-8) {
      // summary.glm: (X'WX)⁻¹ from the weights this last step used.
      const se = Math.sqrt(s00 / det);
      // A separated fit (all or none of the visits) ends, as in R, with fitted probabilities
      // near 0 or 1 and a huge standard error: z ≈ 0, p ≈ 1, so it classifies as stable.
      if (!Number.isFinite(se)) return null;
      return { intercept: a, slope: b, se, iterations: it };
    }
    devOld = dev;
  }
  return null;
}

/**
 * Classifies the trend of daily counts out of daily visits over their last `window` days
 * (default 12, Rnssp's B): increasing / decreasing when the GLM slope's p < 0.01, else
 * stable. With 10 counts or fewer in the window the classification is null ("insufficient
 * data", as Rnssp). When the slope cannot be estimated although there are counts it is stable.
 */
export function classifyTrend(counts: readonly number[], visits: readonly number[], window = TREND_WINDOW_DAYS): TrendResult {
  const c = counts.slice(-window);
  const v = visits.slice(-window);
  if (v.reduce((s, x) => s + x, 0) === 0 || c.reduce((s, x) => s + x, 0) <= TREND_MIN_COUNTS)
    return { classification: null, slope: null, p_value: null };
  const fit = fitBinomialSlope(c, v);
  if (!fit) return { classification: 'stable', slope: null, p_value: null };
  const z = fit.slope / fit.se;
  const p = erfc(Math.abs(z) / Math.SQRT2);
  const classification: TrendClass = p < TREND_ALPHA ? (fit.slope > 0 ? 'increasing' : 'decreasing') : 'stable';
  return { classification, slope: fit.slope, p_value: p };
}
