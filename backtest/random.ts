/**
 * Random variates for the backtest's simulated series, on the seeded uniform generator of
 * the detect core (so a seed reproduces every series): normal (Box–Muller), gamma
 * (Marsaglia–Tsang), Poisson (inversion below 30, Hörmann's PTRS above) and the negative
 * binomial as a gamma–Poisson mixture.
 */
import { seededRandom, type UniformRandom } from '../processors/detect/algorithms/seeded-random.ts';
import { logGamma } from '../processors/detect/algorithms/special-functions.ts';

export interface Variates {
  readonly uniform: UniformRandom;
  normal(): number;
  gamma(shape: number, scale: number): number;
  poisson(lambda: number): number;
  /** Mean μ and variance φ·μ (φ ≥ 1; φ = 1 is Poisson), Noufaily et al.'s parametrisation. */
  negativeBinomial(mu: number, phi: number): number;
  /** Integer in [0, n). */
  integer(n: number): number;
}

export function createVariates(seed: number): Variates {
  const uniform = seededRandom(seed);
  // (0, 1]: keeps log() finite.
  const open = (): number => 1 - uniform();
  const normal = (): number => Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * uniform());

  function gamma(shape: number, scale: number): number {
    if (shape < 1) return gamma(shape + 1, scale) * open() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = open();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }

  function poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = open();
      while (p > limit) {
        k += 1;
        p *= open();
      }
      return k;
    }
    // PTRS (Hörmann 1993): transformed rejection with squeeze.
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = uniform() - 0.5;
      const v = open();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
    }
  }

  return {
    uniform,
    normal,
    gamma,
    poisson,
    negativeBinomial: (mu, phi) => (phi <= 1 ? poisson(mu) : poisson(gamma(mu / (phi - 1), phi - 1))),
    integer: (n) => Math.floor(uniform() * n),
  };
}
