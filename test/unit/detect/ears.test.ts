import { describe, expect, it } from 'vitest';
import { earsC, type EarsControl } from '../../../processors/detect/algorithms/ears.ts';
import { pnormUpper } from '../../../processors/detect/algorithms/normal.ts';

const Z999 = 3.0902323061678132; // qnorm(0.999) in R

// [label, series, control (0-based range), R's upperbound, R's alarm] — values printed by
// R surveillance 1.20.3 earsC on sts(series, frequency = 365) with range shifted by one.
const cases: [string, number[], EarsControl, (number | null)[], (boolean | null)[]][] = [
  ['C1 mean 2, sd 1', [1, 2, 3, 10], { method: 'C1', baseline: 3, range: [3, 3] }, [2 + Z999], [true]],
  ['C1 flat baseline: sd 0', [2, 2, 2, 2, 3], { method: 'C1', baseline: 3, range: [3, 4] }, [2, 2], [false, true]],
  ['C1 minSigma floors sd', [2, 2, 2, 3], { method: 'C1', baseline: 3, minSigma: 1, range: [3, 3] }, [2 + Z999], [false]],
  [
    'C2 guard band of two days',
    [1, 3, 2, 4, 2, 9, 8, 1, 0, 2, 3, 1],
    { method: 'C2', baseline: 3, range: [5, 11] },
    [
      5.0902323061678132, 6.0902323061678132, 6.2349595743155959, 16.141991032983384, 18.03276402263868, 19.47001033465014,
      16.47001033465014,
    ],
    [true, true, false, false, false, false, false],
  ],
  [
    'C3 all zeros: 0/0 gives NA',
    Array(12).fill(0),
    { method: 'C3', baseline: 3, range: [7, 11] },
    [null, null, null, null, null],
    [null, null, null, null, null],
  ],
  [
    'C3 single spike, default alpha 0.025',
    [0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0],
    { method: 'C3', baseline: 3, range: [7, 11] },
    [null, null, null, 5.6579286703808576, 0],
    [null, null, null, false, false],
  ],
  [
    'C3 threshold built on y_t (R quirk), clipped at 0',
    [1, 3, 2, 4, 2, 9, 8, 1, 0, 2, 3, 1],
    { method: 'C3', baseline: 3, alpha: 0.001, range: [7, 11] },
    [0, 0, 13.699430689305347, 16.470010334650141, 14.470010334650141],
    [true, false, false, false, false],
  ],
];

describe('earsC against R', () => {
  it.each(cases)('%s', (_label, series, control, upperbound, alarm) => {
    const points = earsC(series, control);
    expect(points.map((p) => p.alarm)).toEqual(alarm);
    points.forEach((p, i) => {
      const expected = upperbound[i];
      if (expected === null || expected === undefined) expect(p.upperbound).toBeNull();
      else expect(p.upperbound).toBeCloseTo(expected, 12);
    });
  });
});

describe('earsC p-values and scores', () => {
  it('C1/C2: pValue = 1 − Φ((y − mean)/sd), alarm ⇔ pValue < alpha', () => {
    const [p] = earsC([1, 2, 3, 10], { method: 'C1', baseline: 3, range: [3, 3] });
    expect(p).toMatchObject({ index: 3, observed: 10, expected: 2, score: 8 });
    expect(p?.pValue).toBeCloseTo(pnormUpper(8), 20);
  });

  it.each([
    [3, 0],
    [2, 1],
    [1, 1],
  ])('sd 0: count %d over a flat baseline of 2 has pValue %d and no score', (y, pValue) => {
    const [p] = earsC([2, 2, 2, y], { method: 'C1', baseline: 3 });
    expect(p).toMatchObject({ pValue, score: null });
  });

  it('C3: score is the textbook C2_t + Σ max(0, C2_{t−i} − 1)', () => {
    const series = [1, 3, 2, 4, 2, 9, 8, 1, 0, 2, 3, 1];
    const c2 = earsC(series, { method: 'C2', baseline: 3, range: [7, 9] }).map((p) => p.score as number);
    const [c3] = earsC(series, { method: 'C3', baseline: 3, range: [9, 9] });
    const want = (c2[2] as number) + Math.max(0, (c2[1] as number) - 1) + Math.max(0, (c2[0] as number) - 1);
    expect(c3?.score).toBeCloseTo(want, 12);
    expect(c3?.pValue).toBeCloseTo(pnormUpper(want), 12);
  });
});

describe('earsC control validation names the field', () => {
  it.each<[EarsControl, string]>([
    [{ method: 'C4' } as unknown as EarsControl, 'method'],
    [{ method: 'C1', baseline: 2 }, 'baseline'],
    [{ method: 'C1', alpha: 1 }, 'alpha'],
    [{ method: 'C1', minSigma: -1 }, 'minSigma'],
    [{ method: 'C2', range: [8, 9] }, 'range'],
    [{ method: 'C1', range: [7, 10] }, 'range'],
  ])('%o → %s', (control, field) => {
    expect(() => earsC([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], control)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ field }) }),
    );
  });
});

describe('earsC rejects series a NaN would silently un-alarm', () => {
  it('names the index', () => {
    expect(() => earsC([1, 2, Number.NaN, 4, 5], { method: 'C1', baseline: 3 })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'observed[2]' }) }),
    );
  });
});
