/**
 * Poisson GLR and LR charts of R surveillance 1.20.3 (`algo.glrnb` with alpha = 0; the C
 * routines glr_cusum, glr_cusum_window, lr_cusum and glr_epi_window of Höhle's
 * surveillance.c), re-implemented with the same loop order, start values and stopping
 * rules so statistics agree with R to rounding.
 *
 * Every chart runs over one segment x[0..lx−1] (counts, with in-control means mu0) until
 * its first alarm, like the C code; glrnb.ts restarts it after each alarm.
 */

/** The result of running a chart over a segment (R's res$N, res$val, res$cases). */
export interface ChartRun {
  /** 0-based index of the first alarm in the segment, or null (R: N = lx + 1). */
  readonly alarmAt: number | null;
  /** Statistic per position; 0 where the chart did not evaluate (before its start, after the alarm). */
  readonly value: Float64Array;
  /** With ret = "cases": cases needed at each position for an alarm there; else null. */
  readonly cases: Float64Array | null;
}

/** C's fmax: a NaN argument is ignored (Math.max would return NaN). */
export const fmax = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

/** max over k ≤ n of the Poisson GLR for an intercept change over k..n (C: glr / glr_window). */
function interceptGlr(n: number, x: ArrayLike<number>, mu0: ArrayLike<number>, dir: number, low: number, up: number) {
  let sumx = 0;
  let summu0 = 0;
  // Positions after `up` are in every window (glr_window needs at least Mtilde of them).
  for (let l = up + 1; l <= n; l++) {
    sumx += x[l] as number;
    summu0 += mu0[l] as number;
  }
  let max = -1e99;
  for (let k = up; k >= low; k--) {
    sumx += x[k] as number;
    summu0 += mu0[k] as number;
    const kappa = dir * fmax(0, dir * Math.log(sumx / summu0));
    const sum = kappa * sumx + (1 - Math.exp(kappa)) * summu0;
    if (sum > max) max = sum;
  }
  return max;
}

/** Smallest count at position n that makes the statistic reach cARL (for dir = −1: fall to it). */
function casesForAlarm(n: number, x: Int32Array, cARL: number, dir: number, statistic: () => number): number {
  const old = x[n] as number;
  let xNew = -1;
  let glrNew = cARL - dir;
  while (dir * glrNew < cARL * dir) {
    xNew += 1;
    x[n] = xNew;
    glrNew = statistic();
  }
  x[n] = old;
  return xNew;
}

export interface InterceptChartOptions {
  readonly cARL: number;
  /** +1 detects increases, −1 decreases. */
  readonly dir: 1 | -1;
  readonly Mtilde: number;
  /** Window: look back at most M positions; −1 = unlimited (C glr_cusum). */
  readonly M: number;
  readonly returnCases: boolean;
}

/** Poisson GLR intercept chart with estimated change κ (C: glr_cusum, or glr_cusum_window when M > 0). */
export function poissonInterceptGlr(x: Int32Array, mu0: ArrayLike<number>, o: InterceptChartOptions): ChartRun {
  const lx = x.length;
  const value = new Float64Array(lx);
  const cases = o.returnCases ? new Float64Array(lx) : null;
  const windowed = o.M > 0;
  // glr_cusum starts at n0 − 1 (n0 = Mtilde) and uses every k ≤ n; the window variant
  // starts at Mtilde and uses max(0, n − M) ≤ k ≤ n − Mtilde.
  const start = windowed ? o.Mtilde : Math.max(0, o.Mtilde - 1);
  const bounds = (n: number): [number, number] => (windowed ? [Math.max(0, n - o.M), n - o.Mtilde] : [0, n]);
  for (let n = start; n < lx; n++) {
    const [low, up] = bounds(n);
    value[n] = interceptGlr(n, x, mu0, o.dir, low, up);
    if (cases) cases[n] = casesForAlarm(n, x, o.cARL, o.dir, () => interceptGlr(n, x, mu0, o.dir, low, up));
    if ((value[n] as number) >= o.cARL) return { alarmAt: n, value, cases };
  }
  return { alarmAt: null, value, cases };
}

/** Poisson LR CUSUM for a known intercept change κ = theta (C: lr_cusum). */
export function poissonLrCusum(x: Int32Array, mu0: ArrayLike<number>, kappa: number, cARL: number, returnCases: boolean): ChartRun {
  const lx = x.length;
  const value = new Float64Array(lx);
  const cases = returnCases ? new Float64Array(lx) : null;
  for (let n = 0; n < lx; n++) {
    const m = mu0[n] as number;
    const previous = n === 0 ? 0 : (value[n - 1] as number);
    value[n] = fmax(0, previous + (kappa * (x[n] as number) + (1 - Math.exp(kappa)) * m));
    if (cases) cases[n] = (cARL - previous + m * (Math.exp(kappa) - 1)) / kappa;
    if ((value[n] as number) > cARL) return { alarmAt: n, value, cases };
  }
  return { alarmAt: null, value, cases };
}

/** x_{t−1} for each position: xm10 (the count before the segment) at 0. */
export function laggedCounts(x: Int32Array, xm10: number): Float64Array {
  const xm1 = new Float64Array(x.length);
  if (x.length > 0) xm1[0] = xm10;
  for (let i = 1; i < x.length; i++) xm1[i] = x[i - 1] as number;
  return xm1;
}

/** GLR statistic of the epidemic Poisson chart at n (Held et al. 2005; C: glr_epi_window). */
function epidemicGlr(n: number, x: Int32Array, xm1: Float64Array, mu0: ArrayLike<number>, Mtilde: number, M: number) {
  let max = -1e99;
  let lambda = 0.5;
  const low = M === -1 ? 0 : Math.max(0, n - M);
  const up = n - (Mtilde - 1);
  for (let k = low; k <= up; k++) {
    // Newton–Raphson for φ = log λ, warm-started at the previous k's estimate.
    let phiOld = 2.0;
    let phiNew = Math.log(lambda);
    for (let iter = 0; phiNew > -18 && Math.abs(Math.exp(phiNew) - Math.exp(phiOld)) > 1e-6 && iter < 1000; iter++) {
      phiOld = phiNew;
      const e = Math.exp(phiOld);
      let s = 0;
      let f = 0;
      for (let i = k; i <= n; i++) {
        const xi = x[i] as number;
        const lag = xm1[i] as number;
        const denom = e * lag + (mu0[i] as number);
        s += (xi * lag) / denom - lag;
        f += (xi * (lag * lag)) / (denom * denom);
      }
      const score = e * s;
      phiNew = phiOld + score / (-score + Math.exp(2.0 * phiOld) * f);
    }
    lambda = Math.exp(phiNew);
    let lnk = 0;
    for (let i = k; i <= n; i++) {
      const lag = xm1[i] as number;
      lnk += (x[i] as number) * Math.log((lambda * lag) / (mu0[i] as number) + 1.0) - lambda * lag;
    }
    if (lnk > max) max = lnk;
  }
  return max;
}

/** Epidemic Poisson GLR chart, alarm when the statistic exceeds cARL (C: glr_epi_window). */
export function poissonEpidemicGlr(
  x: Int32Array,
  mu0: ArrayLike<number>,
  o: { readonly Mtilde: number; readonly M: number; readonly cARL: number; readonly xm10: number },
): ChartRun {
  const value = new Float64Array(x.length);
  const xm1 = laggedCounts(x, o.xm10);
  for (let n = Math.max(o.Mtilde - 1, 0); n < x.length; n++) {
    value[n] = epidemicGlr(n, x, xm1, mu0, o.Mtilde, o.M);
    if ((value[n] as number) > o.cARL) return { alarmAt: n, value, cases: null };
  }
  return { alarmAt: null, value, cases: null };
}
