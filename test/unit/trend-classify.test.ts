import { describe, expect, it } from 'vitest';
import { classifyTrend, fitBinomialSlope, normalCdf } from '../../dashboards/trend-classify.ts';

const logit = (p: number) => Math.log(p / (1 - p));
const days = (n: number, f: (t: number) => number) => Array.from({ length: n }, (_, t) => f(t));

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1.959964, 0.025],
    [2.575829, 0.995],
    [3.290527, 0.9995],
  ])('Φ(%f) = %f', (z, want) => expect(normalCdf(z)).toBeCloseTo(want, 6));
});

describe('fitBinomialSlope', () => {
  it('two time points: the slope is the difference of the empirical log-odds, its se the closed form', () => {
    // logit p0 = a, logit p1 = a + b is saturated: b = logit(y1/n1) − logit(y0/n0).
    const fit = fitBinomialSlope([10, 30], [100, 100])!;
    expect(fit.slope).toBeCloseTo(logit(0.3) - logit(0.1), 9);
    expect(fit.intercept).toBeCloseTo(logit(0.1), 9);
    expect(fit.se).toBeCloseTo(Math.sqrt(1 / 10 + 1 / 90 + 1 / 30 + 1 / 70), 9);
  });

  it('the estimate solves the score equations Σ(y − nμ) = 0 and Σ t(y − nμ) = 0', () => {
    const y = [3, 5, 2, 8, 7, 9, 12, 10, 15, 11];
    const n = [100, 120, 90, 130, 110, 100, 140, 100, 150, 105];
    const fit = fitBinomialSlope(y, n)!;
    let s0 = 0;
    let s1 = 0;
    y.forEach((yi, t) => {
      const mu = 1 / (1 + Math.exp(-(fit.intercept + fit.slope * t)));
      s0 += yi - n[t]! * mu;
      s1 += t * (yi - n[t]! * mu);
    });
    expect(Math.abs(s0)).toBeLessThan(1e-6);
    expect(Math.abs(s1)).toBeLessThan(1e-6);
    expect(fit.slope).toBeGreaterThan(0);
  });

  it('days without visits are left out (not counted as zero of zero)', () => {
    const a = fitBinomialSlope([10, 0, 30], [100, 0, 100])!;
    // t = 0 and t = 2: the slope per day is half the log-odds difference.
    expect(a.slope).toBeCloseTo((logit(0.3) - logit(0.1)) / 2, 9);
  });

  it.each([
    ['one day with visits', [5], [50]],
    ['no count at all (separated)', [0, 0, 0, 0], [10, 10, 10, 10]],
    ['every visit a count (separated)', [10, 10, 10], [10, 10, 10]],
  ])('not estimable: %s', (_name, y, n) => expect(fitBinomialSlope(y, n)).toBeNull());
});

describe('classifyTrend (28-day window, p < 0.01)', () => {
  it.each([
    ['a rising share 2% → 8% of 200 visits a day', days(28, (t) => Math.round(200 * (0.02 + (0.06 * t) / 27))), 200, 'increasing'],
    ['a falling share 8% → 2%', days(28, (t) => Math.round(200 * (0.08 - (0.06 * t) / 27))), 200, 'decreasing'],
    ['a flat share of 5%', days(28, () => 10), 200, 'stable'],
    ['noise around 5% without direction', days(28, (t) => [8, 12, 9, 11, 10, 13, 7][t % 7]!), 200, 'stable'],
    ['a slight rise too small for p < 0.01 on few visits', days(28, (t) => (t < 14 ? 1 : 2)), 40, 'stable'],
  ] as const)('%s', (_name, counts, perDay, want) => {
    expect(
      classifyTrend(
        counts,
        days(28, () => perDay),
      ).classification,
    ).toBe(want);
  });

  it('only the trailing window counts: an old rise followed by 28 flat days is stable', () => {
    const counts = [...days(28, (t) => 2 + t), ...days(28, () => 30)];
    const visits = days(56, () => 200);
    expect(classifyTrend(counts, visits).classification).toBe('stable');
    expect(classifyTrend(counts, visits, 56).classification).toBe('increasing');
  });

  it('no visits in the window → null; no count in it → stable (not estimable)', () => {
    expect(
      classifyTrend(
        days(28, () => 0),
        days(28, () => 0),
      ),
    ).toEqual({ classification: null, slope: null, p_value: null });
    expect(
      classifyTrend(
        days(28, () => 0),
        days(28, () => 50),
      ),
    ).toEqual({ classification: 'stable', slope: null, p_value: null });
  });

  it('reports the slope and a p-value that is small exactly when the class is not stable', () => {
    const r = classifyTrend(
      days(28, (t) => 4 + t),
      days(28, () => 200),
    );
    expect(r.classification).toBe('increasing');
    expect(r.slope).toBeGreaterThan(0);
    expect(r.p_value).toBeLessThan(0.01);
  });
});
