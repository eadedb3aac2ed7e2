/**
 * Negative binomial GLR and LR charts of R surveillance 1.20.3 (`algo.glrnb` with
 * alpha > 0; C routines glr_nb_window, lr_cusum_nb and glr_nbgeneral_window, Höhle & Paul
 * 2008), with R's loop order and Newton start values. NB(μ, α): Var = μ + αμ².
 */
import { fmax, laggedCounts, type ChartRun } from './glr-poisson.ts';

/** Newton step κ ← κ + score/Fisher for the intercept change κ over k..n (C: nbScore/nbFisher). */
function newtonKappa(kappaStart: number, x: Int32Array, mu0: ArrayLike<number>, alpha: number, k: number, n: number) {
  let kappaOld = 0.4;
  let kappaNew = kappaStart;
  for (let iter = 0; kappaNew > -18 && Math.abs(kappaNew - kappaOld) > 1e-6 && iter < 1000; iter++) {
    kappaOld = kappaNew;
    const e = Math.exp(kappaOld);
    let score = 0;
    let fisher = 0;
    for (let i = k; i <= n; i++) {
      const xi = x[i] as number;
      const m = mu0[i] as number;
      const d = 1 + alpha * e * m;
      score += (xi - e * m) / d;
      fisher += (m * (alpha * xi + 1)) / (d * d);
    }
    kappaNew = kappaOld + score / (e * fisher);
  }
  return kappaNew;
}

/** Σ_{i=k..n} log-likelihood ratio of an intercept change κ (C: nblnk). */
function interceptLnk(kappa: number, x: Int32Array, mu0: ArrayLike<number>, alpha: number, k: number, n: number) {
  let lnk = 0;
  for (let i = k; i <= n; i++) {
    const xi = x[i] as number;
    const m = mu0[i] as number;
    lnk += kappa * xi + (xi + 1 / alpha) * Math.log((1 + alpha * m) / (1 + alpha * m * Math.exp(kappa)));
  }
  return lnk;
}

export interface NbWindowOptions {
  readonly alpha: number;
  readonly Mtilde: number;
  /** Look back at most M positions; −1 = unlimited. */
  readonly M: number;
  readonly cARL: number;
  readonly dir: 1 | -1;
}

/** The NB intercept GLR statistic at position n (one iteration of C glr_nb_window's loop). */
export function nbInterceptGlrAt(n: number, x: Int32Array, mu0: ArrayLike<number>, o: NbWindowOptions): number {
  let max = -1e99;
  let kappaMl = 0.5;
  const low = o.M === -1 ? 0 : Math.max(0, n - o.M);
  const up = n - (o.Mtilde - 1);
  for (let k = low; k <= up; k++) {
    // The MLE for this k starts from the previous k's (truncated) estimate, as in R.
    kappaMl = o.dir * fmax(0, o.dir * newtonKappa(kappaMl, x, mu0, o.alpha, k, n));
    const lnk = interceptLnk(kappaMl, x, mu0, o.alpha, k, n);
    if (lnk > max) max = lnk;
  }
  return max;
}

/** NB GLR intercept chart with estimated κ; alarm when the statistic reaches cARL (C: glr_nb_window). */
export function nbInterceptGlr(x: Int32Array, mu0: ArrayLike<number>, o: NbWindowOptions): ChartRun {
  const value = new Float64Array(x.length);
  for (let n = Math.max(o.Mtilde - 1, 0); n < x.length; n++) {
    value[n] = nbInterceptGlrAt(n, x, mu0, o);
    if ((value[n] as number) >= o.cARL) return { alarmAt: n, value, cases: null };
  }
  return { alarmAt: null, value, cases: null };
}

/** NB LR CUSUM for a known intercept change κ = theta (C: lr_cusum_nb). */
export function nbLrCusum(
  x: Int32Array,
  mu0: ArrayLike<number>,
  o: { readonly alpha: number; readonly kappa: number; readonly cARL: number; readonly returnCases: boolean },
): ChartRun {
  const { alpha, kappa, cARL } = o;
  const value = new Float64Array(x.length);
  const cases = o.returnCases ? new Float64Array(x.length) : null;
  for (let n = 0; n < x.length; n++) {
    const xn = x[n] as number;
    const m = mu0[n] as number;
    const logRatio = Math.log((1 + alpha * m) / (1 + alpha * m * Math.exp(kappa)));
    const previous = n === 0 ? 0 : (value[n - 1] as number);
    value[n] = fmax(0, previous + (kappa * xn + (xn + 1 / alpha) * logRatio));
    // Counts that take the statistic to cARL, solved from the recursion (R's backcalc).
    if (cases) cases[n] = -(previous * alpha + logRatio - cARL * alpha) / alpha / (kappa + logRatio);
    if ((value[n] as number) > cARL) return { alarmAt: n, value, cases };
  }
  return { alarmAt: null, value, cases };
}

/**
 * NB epidemic chart (C: glr_nbgeneral_window), alternative μ₁ = μ₀ + e^θ·x_{t−1}. As in R,
 * θ is found with the intercept chart's Newton step and not truncated, and dir is ignored.
 */
export function nbEpidemicGlr(
  x: Int32Array,
  mu0: ArrayLike<number>,
  o: { readonly alpha: number; readonly Mtilde: number; readonly M: number; readonly cARL: number; readonly xm10: number },
): ChartRun {
  const { alpha } = o;
  const value = new Float64Array(x.length);
  const xm1 = laggedCounts(x, o.xm10);
  for (let n = Math.max(o.Mtilde - 1, 0); n < x.length; n++) {
    let max = -1e99;
    let thetaMl = 0.5;
    const low = o.M === -1 ? 0 : Math.max(0, n - o.M);
    for (let k = low; k <= n - (o.Mtilde - 1); k++) {
      thetaMl = newtonKappa(thetaMl, x, mu0, alpha, k, n);
      let lnk = 0;
      for (let i = k; i <= n; i++) {
        const m0 = mu0[i] as number;
        const m1 = m0 + Math.exp(thetaMl) * (xm1[i] as number);
        // Term order as in C (nbGeneralLnk), so rounding matches.
        const l0 = Math.log(1 + alpha * m0);
        const l1 = Math.log(1 + alpha * m1);
        lnk += (x[i] as number) * (Math.log(m1) - Math.log(m0) + l0 - l1) + (1 / alpha) * (l0 - l1);
      }
      if (lnk > max) max = lnk;
    }
    value[n] = max;
    if (max >= o.cARL) return { alarmAt: n, value, cases: null };
  }
  return { alarmAt: null, value, cases: null };
}
