/**
 * Trend classification as CDC's Rnssp `classify_trend` does it: a binomial GLM (logit link)
 * of the syndrome's counts out of all visits, `cbind(count, visits − count) ~ t`, over a
 * trailing window (28 days here); a slope with Wald p < 0.01 is a significant increase or
 * decrease, anything else is stable. Pure: no I/O. Fitted by iteratively reweighted least
 * squares, as R's glm does.
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

export const TREND_WINDOW_DAYS = 28;
export const TREND_ALPHA = 0.01;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 through erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Fits logit(p_t) = a + b·t to counts y_t out of n_t (t = 0, 1, …) and returns b, its
 * standard error and the iterations used; null when the data cannot identify a slope (fewer
 * than two time points with visits, or a separated fit whose estimate runs off to ±∞).
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
  let a = 0;
  let b = 0;
  for (let it = 1; it <= 50; it++) {
    // Normal equations of the weighted least squares step (X'WX) δ = X'(y − nμ).
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    let g0 = 0;
    let g1 = 0;
    for (const { t, y, n } of pts) {
      const mu = 1 / (1 + Math.exp(-(a + b * t)));
      const w = n * mu * (1 - mu);
      s00 += w;
      s01 += w * t;
      s11 += w * t * t;
      g0 += y - n * mu;
      g1 += (y - n * mu) * t;
    }
    const det = s00 * s11 - s01 * s01;
    if (!(det > 1e-300)) return null;
    const da = (s11 * g0 - s01 * g1) / det;
    const db = (s00 * g1 - s01 * g0) / det;
    a += da;
    b += db;
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(b) > 50) return null;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) {
      // Standard error from the information at the estimate.
      let t00 = 0;
      let t01 = 0;
      let t11 = 0;
      for (const { t, n } of pts) {
        const mu = 1 / (1 + Math.exp(-(a + b * t)));
        const w = n * mu * (1 - mu);
        t00 += w;
        t01 += w * t;
        t11 += w * t * t;
      }
      const d = t00 * t11 - t01 * t01;
      if (!(d > 1e-300)) return null;
      const se = Math.sqrt(t00 / d);
      // A separated fit (all or none of the visits) converges to a huge se: not identifiable.
      if (!Number.isFinite(se) || se > 1e6) return null;
      return { intercept: a, slope: b, se, iterations: it };
    }
  }
  return null;
}

/**
 * Classifies the trend of daily counts out of daily visits over their last `window` days
 * (default 28): increasing / decreasing when the GLM slope's p < 0.01, else stable. With no
 * visits in the window the classification is null; when the slope cannot be estimated (e.g.
 * no count at all, or every visit a count) it is stable, as Rnssp reports a failed fit.
 */
export function classifyTrend(counts: readonly number[], visits: readonly number[], window = TREND_WINDOW_DAYS): TrendResult {
  const c = counts.slice(-window);
  const v = visits.slice(-window);
  if (v.reduce((s, x) => s + x, 0) === 0) return { classification: null, slope: null, p_value: null };
  const fit = fitBinomialSlope(c, v);
  if (!fit) return { classification: 'stable', slope: null, p_value: null };
  const z = fit.slope / fit.se;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  const classification: TrendClass = p < TREND_ALPHA ? (fit.slope > 0 ? 'increasing' : 'decreasing') : 'stable';
  return { classification, slope: fit.slope, p_value: p };
}
