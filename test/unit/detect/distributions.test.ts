import { describe, expect, it } from 'vitest';
import { pnbinomAtLeast, ppoisAtLeast, qnbinom, qpois } from '../../../processors/detect/algorithms/discrete-distributions.ts';
import { qnorm, pnormUpper } from '../../../processors/detect/algorithms/normal.ts';
import { studentTwoSidedP } from '../../../processors/detect/algorithms/special-functions.ts';

// Expected values printed by R 4.2.2 (options(digits = 17)).
describe('discrete quantiles and tails against R', () => {
  it.each([
    [0.95, 2.5, 0.4, 10],
    [0.99, 40, 0.8, 19],
    [0.5, 0.3, 0.5, 0],
    [0.999, 1000, 0.97, 50],
  ])('qnbinom(%d, size %d, prob %d) = %d', (p, size, prob, want) => {
    expect(qnbinom(p, size, prob)).toBe(want);
  });

  it.each([
    [0.95, 0.2, 1],
    [0.99, 7.5, 15],
    [0.5, 100, 100],
    [0.999, 1000, 1099],
  ])('qpois(%d, %d) = %d', (p, lambda, want) => {
    expect(qpois(p, lambda)).toBe(want);
  });

  it.each([
    [3, 2.5, 0.4, 0.58763899311404311],
    [10, 40, 0.8, 0.52829578567338642],
    [0, 0.3, 0.5, 1],
    [50, 1000, 0.97, 0.0011708963269499713],
  ])('P(NB ≥ %d | size %d, prob %d)', (y, size, prob, want) => {
    expect(pnbinomAtLeast(y, size, prob)).toBeCloseTo(want, 13);
  });

  it.each([
    [1, 0.2, 0.18126924692201815],
    [12, 7.5, 0.07924130947478919],
    [100, 100, 0.51329879827914882],
    [1100, 1000, 0.00096263040586655729],
  ])('P(Pois ≥ %d | %d)', (y, lambda, want) => {
    expect(ppoisAtLeast(y, lambda)).toBeCloseTo(want, 12);
  });
});

describe('continuous distributions against R', () => {
  it.each([
    [0.999, 3.0902323061678132],
    [0.975, 1.9599639845400536],
    [0.95, 1.6448536269514715],
    [0.3, -0.52440051270804067],
    [1e-10, -6.3613409024040557],
  ])('qnorm(%d)', (p, want) => {
    expect(Math.abs(qnorm(p) - want)).toBeLessThan(4e-15 * Math.abs(want));
  });

  it.each([
    [1.3, 0.096800484585610344],
    [8, 6.2209605742717849e-16],
    [-1, 0.84134474606854293],
  ])('pnorm(%d, lower = FALSE)', (z, want) => {
    expect(pnormUpper(z) / want).toBeCloseTo(1, 12);
  });

  it.each([
    [0.5, 3, 0.65144796484815104],
    [2.1, 10, 0.062077244202218468],
    [1.96, 200, 0.051384840845813358],
    [4, 5, 0.010323415480831452],
  ])('2·pt(−|%d|, df %d)', (t, df, want) => {
    expect(studentTwoSidedP(t, df)).toBeCloseTo(want, 12);
  });
});
