import { describe, expect, it } from 'vitest';
import { anscombeNegBin, hypergeometric2F1Table } from '../../../processors/detect/algorithms/anscombe-nb.ts';
import { cusum } from '../../../processors/detect/algorithms/cusum.ts';

describe('cusum by hand', () => {
  // m = 4 (mean of the first four), standard transform z = (x − 4)/2, k = 1, h = 2.
  const observed = [4, 4, 4, 4, 8, 8, 4, 0, 10];
  const points = cusum({ observed, frequency: 52 }, { k: 1, h: 2, range: [4, 8] });

  it.each([
    // index, S_t, alarm, upperbound = ceil(√m (h + k − S_{t−1}) + m); upperbound and alarm
    // as R prints them for cusum(sts(observed), control = list(k = 1, h = 2, range = 5:9)).
    [4, 1, false, 10],
    [5, 2, true, 8],
    [6, 1, false, 6],
    [7, 0, false, 8],
    [8, 2, true, 10],
  ])('t = %i: S = %d, alarm %s, upperbound %d', (index, s, alarm, upper) => {
    const p = points.find((q) => q.index === index);
    expect(p?.score).toBeCloseTo(s, 12);
    expect(p?.alarm).toBe(alarm);
    expect(p?.upperbound).toBe(upper);
    expect(p?.expected).toBe(4);
  });

  it('does not reset after an alarm (R), and a larger k removes the alarms (negative control)', () => {
    expect(points.filter((p) => p.alarm).map((p) => p.index)).toEqual([5, 8]);
    const lax = cusum({ observed, frequency: 52 }, { k: 2, h: 2, range: [4, 8] });
    expect(lax.some((p) => p.alarm)).toBe(false);
  });

  it('m = 0 makes the standardisation undefined: alarm null, upperbound 0 (R: NA)', () => {
    const p = cusum({ observed: [0, 0, 0, 3], frequency: 52 }, { m: 0, range: [1, 3] });
    expect(p.map((q) => q.alarm)).toEqual([null, null, null]);
    expect(p.map((q) => q.upperbound)).toEqual([0, 0, 0]);
  });
});

describe('anscombeNegBin against R', () => {
  // R: surveillance:::surveillance.gvar.hyp at z = −0.5, −3, −10, −59 (10 significant digits).
  it.each([
    [-0.5, 0.9442458781],
    [-3, 0.7997297572],
    [-10, 0.6484697206],
    [-59, 0.4248619495],
    [-0.503, 0.9442458781], // nearest grid point, no interpolation
    [-37.4, 0.47830585896], // linear interpolation below −10
  ])('hypgeom2F1special(%d)', (x, want) => {
    expect(Math.abs(hypergeometric2F1Table(x) - want)).toBeLessThan(2e-10);
  });

  it('anscombeNB(12, mu = 6, alpha = 0.3)', () => {
    expect(anscombeNegBin(12, 6, 0.3)).toBeCloseTo(1.18437857616201, 9);
  });

  it('below −100 R has no table value (NaN)', () => {
    expect(hypergeometric2F1Table(-100.5)).toBeNaN();
  });
});
