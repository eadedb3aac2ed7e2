/**
 * Seeded pseudo-random numbers for Monte Carlo tests inside pure cores (the scan's
 * permutations): sfc32 seeded through splitmix32, so a seed always gives the same stream.
 * Not cryptographic.
 */

/** Uniform numbers in [0, 1) with 32 random bits each. */
export type UniformRandom = () => number;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for `seed` (any integer; its low 32 bits are used). */
export function seededRandom(seed: number): UniformRandom {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  // Discard the first outputs, as sfc32's authors recommend.
  for (let i = 0; i < 12; i++) next();
  return next;
}
