import { describe, expect, it } from 'vitest';
import { farringtonRows } from '../../../processors/detect/algorithms/farrington-data.ts';
import { farringtonThreshold, noufailyThreshold } from '../../../processors/detect/algorithms/farrington-threshold.ts';
import { coefficientT, fitQuasiPoisson, glmHatValues, predictLink } from '../../../processors/detect/algorithms/glm-quasipoisson.ts';
import { studentTwoSidedP } from '../../../processors/detect/algorithms/special-functions.ts';

// Expected values printed by R surveillance 1.20.3 internals and stats::glm (digits = 17).

describe('farringtonRows = R blocks() minus pastWeeksNotIncluded', () => {
  it('k 300, b 3, w 3, 4 periods, 10 recent weeks left out, weekly', () => {
    const rows = farringtonRows(new Array<number>(300).fill(1), 300, {
      b: 3,
      w: 3,
      frequency: 52,
      noPeriods: 4,
      pastWeeksNotIncluded: 10,
    });
    // R: indices 141..289; groups 4×7, 1×15, 2×15, 3×15 per year, the last year cut at 289.
    const year = [...Array(7).fill(4), ...Array(15).fill(1), ...Array(15).fill(2), ...Array(15).fill(3)];
    expect(rows.wtime).toEqual(Array.from({ length: 149 }, (_, i) => 141 + i));
    expect(rows.group).toEqual([...year, ...year, ...year.slice(0, 45)]);
  });

  it('one period keeps only the windows, and pastWeeksNotIncluded 0 keeps k − w..k − 1', () => {
    const rows = farringtonRows(new Array<number>(120).fill(2), 110, {
      b: 2,
      w: 2,
      frequency: 52,
      noPeriods: 1,
      pastWeeksNotIncluded: 0,
    });
    expect(rows.wtime).toEqual([4, 5, 6, 7, 8, 56, 57, 58, 59, 60, 108, 109]);
    expect(rows.response.every((y) => y === 2)).toBe(true);
  });

  it('a reference window before the series start is an error naming range', () => {
    expect(() =>
      farringtonRows(new Array<number>(60).fill(1), 54, { b: 1, w: 3, frequency: 52, noPeriods: 1, pastWeeksNotIncluded: 3 }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'range' }) }));
  });
});

describe('thresholds = R algo.farrington.threshold.*', () => {
  // [label, computed, R's lower is not kept; upper, prob, score]
  it.each([
    ['delta 2/3', () => farringtonThreshold(5.3, 0.9, 2.1, '2/3', 0.05, 11), 11.902678334588195, 0.074544139508250035, 0.86328603502316537],
    [
      'delta 2/3, negative lower limit',
      () => farringtonThreshold(0.4, 0.6, 3.5, '2/3', 0.01, 2),
      6.0913023220812033,
      0.1921038187731901,
      0.28113073413659562,
    ],
    ['delta 1/2', () => farringtonThreshold(5.3, 0.9, 2.1, '1/2', 0.05, 11), 12.507459897348147, 0.088227228577655928, 0.79084727229591811],
    ['delta none', () => farringtonThreshold(5.3, 0.9, 2.1, 'none', 0.05, 11), 10.98367740480573, 0.049514702461303024, 1.0028718370223595],
    ['nbPlugin', () => noufailyThreshold(Math.log(5.3), 0.2, 2.1, 'nbPlugin', 0.05, 11), 12, 0.075385475166521901, 0.90321606417540579],
    [
      'muan, φ = 1 (Poisson)',
      () => noufailyThreshold(Math.log(5.3), 0.2, 1, 'muan', 0.05, 11),
      12,
      0.12640075747947846,
      0.90321606417540579,
    ],
  ])('%s', (_label, compute, upper, prob, score) => {
    const th = compute();
    expect(th.upper).toBeCloseTo(upper, 12);
    expect(th.prob).toBeCloseTo(prob, 12);
    expect(th.score).toBeCloseTo(score, 12);
  });
});

describe('fitQuasiPoisson = R glm(family = quasipoisson)', () => {
  const y = [3, 0, 5, 2, 8, 4, 1, 0, 6, 9, 2, 3];
  const x = y.map((_, i) => i + 1);
  const columns = [x.map(() => 1), x];

  it('coefficients, dispersion, hat values, prediction and trend p-value', () => {
    const fit = fitQuasiPoisson({ columns, y });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(1.0193913372613237, 9);
    expect(fit.coefficients[1]).toBeCloseTo(0.03818889347517497, 9);
    expect(fit.dispersion).toBeCloseTo(2.5515472160259938, 9);
    expect(glmHatValues(fit)[0]).toBeCloseTo(0.26824203017217102, 9);
    expect(glmHatValues(fit)[11]).toBeCloseTo(0.32205083878456209, 9);
    const { eta, se } = predictLink(fit, [1, 13]);
    expect(eta).toBeCloseTo(1.5158469524385982, 9);
    expect(se).toBeCloseTo(0.4932719186265988, 9);
    expect(studentTwoSidedP(coefficientT(fit, 1).t, fit.dfResidual)).toBeCloseTo(0.60211712964138975, 9);
  });

  it('prior weights', () => {
    const fit = fitQuasiPoisson({ columns, y, weights: [1, 2, 1, 0.5, 1, 1, 1, 3, 1, 1, 1, 1] });
    expect(fit.coefficients[0]).toBeCloseTo(0.73672760993084752, 9);
    expect(fit.coefficients[1]).toBeCloseTo(0.048378922739326487, 9);
    expect(fit.dispersion).toBeCloseTo(4.1954514675604111, 9);
  });

  it('an aliased (duplicate) column gets coefficient 0 and the fit is unchanged', () => {
    const fit = fitQuasiPoisson({ columns: [...columns, x.map((v) => 2 * v)], y });
    expect(fit.qr.rank).toBe(2);
    expect(fit.coefficients[2]).toBe(0);
    expect(fit.coefficients[1]).toBeCloseTo(0.03818889347517497, 9);
  });
});
