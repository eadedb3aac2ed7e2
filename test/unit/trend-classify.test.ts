import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { classifyTrend, erfc, fitBinomialSlope, normalCdf, TREND_WINDOW_DAYS } from '../../dashboards/trend-classify.ts';

interface RCase {
  name: string;
  counts: number[];
  visits: number[];
  slope?: number;
  statistic?: number;
  p_value?: number;
  classification: 'increasing' | 'stable' | 'decreasing' | null;
}
// R's stats::glm on the same windows (scripts/reference/trend-classify.R).
const R = JSON.parse(readFileSync(new URL('../fixtures/trend/rnssp-glm.json', import.meta.url), 'utf8')) as {
  window: number;
  cases: RCase[];
};

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
    // logit p0 = a, logit p1 = a + b is saturated: b = logit(y1/n1) − logit(y0/n0); to glm's tolerance.
    const fit = fitBinomialSlope([10, 30], [100, 100])!;
    expect(fit.slope).toBeCloseTo(logit(0.3) - logit(0.1), 6);
    expect(fit.intercept).toBeCloseTo(logit(0.1), 6);
    expect(fit.se).toBeCloseTo(Math.sqrt(1 / 10 + 1 / 90 + 1 / 30 + 1 / 70), 6);
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

  it('not estimable: one day with visits', () => expect(fitBinomialSlope([5], [50])).toBeNull());

  // R: glm(cbind(y, n - y) ~ t, binomial) on these gives the intercept ±26.11838 with se ~1e4–1e5 and p = 1.
  it.each([
    ['no count at all', [0, 0, 0, 0], [10, 10, 10, 10], -26.11838],
    ['every visit a count', [10, 10, 10], [10, 10, 10], 26.11838],
  ])('separated (%s): as R, a huge standard error and z ≈ 0', (_name, y, n, intercept) => {
    const fit = fitBinomialSlope(y, n)!;
    expect(fit.intercept).toBeCloseTo(intercept, 4);
    expect(fit.se).toBeGreaterThan(1e4);
    expect(Math.abs(fit.slope / fit.se)).toBeLessThan(1e-6);
  });
});

describe('erfc against R (2 * pnorm(-x * sqrt(2)))', () => {
  it.each([
    [0.5, 0.47950012218695348],
    [1, 0.15729920705028513],
    [2.5, 0.00040695201744495865],
    [2.9, 4.1097878099458858e-5],
    [3.1, 1.164865736719958e-5],
    [5, 1.5374597944280319e-12],
    [10, 2.088487583762529e-45],
  ])('erfc(%f)', (x, want) => expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-12));
});

describe('classifyTrend matches R glm as Rnssp classify_trend calls it (B = 12, > 10 counts)', () => {
  it('uses the window R used', () => expect(TREND_WINDOW_DAYS).toBe(R.window));
  it.each(R.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = classifyTrend(c.counts, c.visits);
    expect(r.classification).toBe(c.classification);
    if (c.classification === null) return;
    if (r.slope === null) {
      // Not estimable here (separated); R reports a slope with p ≈ 1, i.e. stable.
      expect(c.p_value).toBeGreaterThan(0.5);
      return;
    }
    // The same iterations as glm.fit: agreement to rounding, not to glm's convergence tolerance.
    expect(Math.abs(r.slope - c.slope!)).toBeLessThan(1e-10 * Math.max(1, Math.abs(c.slope!)));
    expect(Math.abs(r.p_value! - c.p_value!)).toBeLessThan(1e-9 * Math.max(c.p_value!, 1e-12));
  });
  it('negative control: the 28-day window of the first implementation disagrees with R on some case', () => {
    const disagree = R.cases.filter((c) => classifyTrend(c.counts, c.visits, 28).classification !== c.classification);
    expect(disagree.length).toBeGreaterThan(0);
  });
});

describe('classifyTrend (p < 0.01)', () => {
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
        28,
      ).classification,
    ).toBe(want);
  });

  it('only the trailing window counts: an old rise followed by 28 flat days is stable', () => {
    const counts = [...days(28, (t) => 2 + t), ...days(28, () => 30)];
    const visits = days(56, () => 200);
    expect(classifyTrend(counts, visits, 28).classification).toBe('stable');
    expect(classifyTrend(counts, visits, 56).classification).toBe('increasing');
  });

  it('no visits, or 10 counts or fewer, in the window → null (insufficient data, as Rnssp)', () => {
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
    ).toEqual({ classification: null, slope: null, p_value: null });
    expect(
      classifyTrend(
        [...days(11, () => 0), 10],
        days(12, () => 50),
      ).classification,
    ).toBeNull();
    expect(
      classifyTrend(
        [...days(11, () => 0), 11],
        days(12, () => 50),
      ).classification,
    ).not.toBeNull();
  });

  it('reports the slope and a p-value that is small exactly when the class is not stable', () => {
    const r = classifyTrend(
      days(28, (t) => 4 + t),
      days(28, () => 200),
      28,
    );
    expect(r.classification).toBe('increasing');
    expect(r.slope).toBeGreaterThan(0);
    expect(r.p_value).toBeLessThan(0.01);
  });
});
