/**
 * Standard normal quantile and tail. Thresholds are `mean + qnorm(1 - alpha)·sd`, so the
 * quantile must agree with R's to the last few bits: it is Wichura's AS 241 (PPND16),
 * the algorithm R's `qnorm` uses.
 */
// AS 241's coefficients are kept with every digit Wichura published (as R's qnorm.c has them);
// the double they round to is the one R uses, which is the point.
/* eslint-disable no-loss-of-precision */
import { gammaQ } from './special-functions.ts';

function ratio(r: number, num: readonly number[], den: readonly number[]): number {
  // Horner evaluation of two degree-7 polynomials, highest coefficient first.
  let n = 0;
  let d = 0;
  for (const c of num) n = n * r + c;
  for (const c of den) d = d * r + c;
  return n / d;
}

const CENTRAL_NUM = [
  2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
  133.14166789178437745, 3.387132872796366608,
];
const CENTRAL_DEN = [
  5226.495278852545925, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867, 5394.1960214247511077, 687.1870074920579083,
  42.313330701600911252, 1,
];
const NEAR_NUM = [
  7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258, 3.64784832476320460504,
  5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734,
];
const NEAR_DEN = [
  1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459, 0.68976733498510000455,
  1.6763848301838038494, 2.05319162663775882187, 1,
];
const FAR_NUM = [
  2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093, 0.29656057182850489123,
  1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772,
];
const FAR_DEN = [
  2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4, 0.0148753612908506148525,
  0.13692988092273580531, 0.59983220655588793769, 1,
];

/** Standard normal quantile Φ⁻¹(p) (R: `qnorm(p)`); ±Infinity at 0 and 1, NaN outside [0, 1]. */
export function qnorm(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) return q * ratio(0.180625 - q * q, CENTRAL_NUM, CENTRAL_DEN);
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const value = r <= 5 ? ratio(r - 1.6, NEAR_NUM, NEAR_DEN) : ratio(r - 5, FAR_NUM, FAR_DEN);
  return q < 0 ? -value : value;
}

/** Upper tail 1 − Φ(z) (R: `pnorm(z, lower.tail = FALSE)`), accurate far into the tail. */
export function pnormUpper(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  // 1 − Φ(z) = erfc(z/√2)/2 and erfc(u) = Q(1/2, u²) for u ≥ 0.
  const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}
