import { describe, expect, it } from 'vitest';
import { fitLogLinkGlm, negativeBinomialFamily } from '../../../processors/detect/algorithms/glm-log-link.ts';
import { fitGlmNb, thetaMl } from '../../../processors/detect/algorithms/glm-nb.ts';
import { nbInterceptGlr } from '../../../processors/detect/algorithms/glr-negbin.ts';
import { poissonInterceptGlr, poissonLrCusum } from '../../../processors/detect/algorithms/glr-poisson.ts';
import { glrnb } from '../../../processors/detect/algorithms/glrnb.ts';

// Expected numbers printed by R 4.2 (MASS 7.3-58, options(digits = 17)).
const y = [3, 0, 7, 12, 5, 1, 0, 9, 4, 4, 15, 2, 6, 8, 0, 3, 11, 5, 2, 7];
const t = y.map((_, i) => i + 1);
const harmonics = [t.map(() => 1), t.map((v) => Math.cos(((2 * Math.PI) / 10) * v)), t.map((v) => Math.sin(((2 * Math.PI) / 10) * v))];
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('GLMs behind the estimated baseline, against R', () => {
  it('glm.nb: θ and coefficients', () => {
    const fit = fitGlmNb(harmonics, y);
    expect(rel(fit.theta, 1.7362718614973678)).toBeLessThan(1e-9);
    [1.642604746930862669, 0.081744181410244074, 0.139268520754450981].forEach((b, j) =>
      expect(rel(fit.coefficients[j] as number, b)).toBeLessThan(1e-9),
    );
  });

  it('glm with negative.binomial(2.5): coefficients', () => {
    const fit = fitLogLinkGlm({ columns: [t.map(() => 1), t], y, family: negativeBinomialFamily(2.5) });
    expect(rel(fit.coefficients[0] as number, 1.513775455849626805)).toBeLessThan(1e-10);
    expect(rel(fit.coefficients[1] as number, 0.012609294444126095)).toBeLessThan(1e-9);
  });

  it('theta.ml at a constant mean', () => {
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    expect(
      rel(
        thetaMl(
          y,
          y.map(() => mean),
        ),
        1.6927670665035688,
      ),
    ).toBeLessThan(1e-12);
  });
});

describe('GLR charts: statistics by hand', () => {
  const mu0 = [5, 5, 5, 5];
  it.each([
    // One point x = 10 at μ₀ = 5: κ̂ = log 2, GLR = 10·log 2 − 5.
    ['single excess', [10], 10 * Math.log(2) - 5],
    // Counts at or below the mean: κ̂ truncated at 0, statistic 0.
    ['no excess', [5], 0],
    ['deficit (inc chart)', [1], 0],
  ])('Poisson intercept GLR, %s', (_l, x, want) => {
    const run = poissonInterceptGlr(Int32Array.from(x), mu0, { cARL: 5, dir: 1, Mtilde: 1, M: -1, returnCases: false });
    expect(run.value[0]).toBeCloseTo(want, 12);
  });

  it('the chart stops at its first alarm (statistic ≥ cARL) and reports where', () => {
    const run = poissonInterceptGlr(Int32Array.from([5, 12, 14, 5]), mu0, { cARL: 5, dir: 1, Mtilde: 1, M: -1, returnCases: false });
    expect(run.alarmAt).toBe(2);
    expect(run.value[3]).toBe(0);
    // Negative control: a higher threshold moves or removes the alarm.
    const strict = poissonInterceptGlr(Int32Array.from([5, 12, 14, 5]), mu0, { cARL: 50, dir: 1, Mtilde: 1, M: -1, returnCases: false });
    expect(strict.alarmAt).toBeNull();
  });

  it('LR CUSUM with known κ: z = κx + (1 − e^κ)μ₀, accumulated and floored at 0', () => {
    const kappa = 0.5;
    const run = poissonLrCusum(Int32Array.from([9, 2]), [5, 5], kappa, 100, true);
    const z1 = kappa * 9 + (1 - Math.exp(kappa)) * 5;
    expect(run.value[0]).toBeCloseTo(z1, 12);
    expect(run.value[1]).toBeCloseTo(Math.max(0, z1 + kappa * 2 + (1 - Math.exp(kappa)) * 5), 12);
    // cases: the count that takes the statistic exactly to cARL.
    expect(run.cases?.[0]).toBeCloseTo((100 + 5 * (Math.exp(kappa) - 1)) / kappa, 10);
  });

  it('NB chart with tiny α approaches the Poisson chart', () => {
    const x = Int32Array.from([4, 9, 11, 6]);
    const pois = poissonInterceptGlr(x, mu0, { cARL: 1e9, dir: 1, Mtilde: 1, M: -1, returnCases: false });
    const nb = nbInterceptGlr(x, mu0, { alpha: 1e-9, Mtilde: 1, M: -1, cARL: 1e9, dir: 1 });
    for (let i = 0; i < 4; i++) expect(nb.value[i]).toBeCloseTo(pois.value[i] as number, 5);
    // Negative control: real overdispersion lowers the evidence.
    const wide = nbInterceptGlr(x, mu0, { alpha: 0.5, Mtilde: 1, M: -1, cARL: 1e9, dir: 1 });
    expect(wide.value[3]).toBeLessThan((pois.value[3] as number) - 0.5);
  });
});

describe('glrnb driver', () => {
  const flat = new Array<number>(40).fill(5);
  const mu0 = new Array<number>(20).fill(5);

  it('restarts after an alarm: the statistic right after it starts from scratch', () => {
    const observed = [...flat.slice(0, 20), 5, 5, 25, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const points = glrnb({ observed, frequency: 52 }, { mu0, alpha: 0, cARL: 5, range: [20, 39] });
    expect(points.map((p) => p.alarm).indexOf(true)).toBe(2);
    expect(points[3]?.score).toBe(0);
    expect(points.filter((p) => p.alarm)).toHaveLength(1);
  });

  it('dir "dec" alarms on a drop that "inc" ignores', () => {
    // A drop to 1, not 0: at zero counts R's dec chart computes −∞·0 = NaN and never alarms.
    const observed = [...flat.slice(0, 20), ...new Array<number>(20).fill(1)];
    const dec = glrnb({ observed, frequency: 52 }, { mu0, alpha: 0, dir: 'dec', range: [20, 39] });
    const inc = glrnb({ observed, frequency: 52 }, { mu0, alpha: 0, dir: 'inc', range: [20, 39] });
    expect(dec.some((p) => p.alarm)).toBe(true);
    expect(inc.some((p) => p.alarm)).toBe(false);
  });

  it.each([
    [{ mu0: [1, 2] }, 'mu0'],
    [{ mu0, theta: 1 }, 'theta'],
    [{ mu0, change: 'epi' as const, ret: 'cases' as const }, 'ret'],
    [{ mu0, range: [30, 20] as const }, 'range'],
  ])('rejects %o naming %s', (control, field) => {
    expect(() => glrnb({ observed: flat, frequency: 52 }, { range: [20, 39], ...control })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field }) }),
    );
  });
});
