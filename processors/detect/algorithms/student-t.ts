/**
 * Student t upper tail and quantile (R: `pt(t, df, lower.tail = FALSE)`, `qt(p, df)`), for
 * the ESSENCE detectors' p-values and thresholds. Built on the regularised incomplete beta
 * function (special-functions.ts), accurate to ~1e-14.
 */
import { incompleteBeta, logGamma } from './special-functions.ts';

/** P(T > t) for T ~ t(df), df > 0. */
export function ptUpper(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const half = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? half : 1 - half;
}

/** Density of t(df) at t. */
function dt(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Quantile: the t with P(T ≤ t) = p, for 0 < p < 1 (Newton's method on the upper tail, bracketed). */
export function qt(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (p === 0.5) return 0;
  const upper = 1 - p;
  let lo = -1e6;
  let hi = 1e6;
  let t = 0;
  for (let i = 0; i < 200; i++) {
    const f = ptUpper(t, df) - upper; // decreasing in t
    if (f === 0) return t;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / dt(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
