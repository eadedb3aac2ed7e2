import { describe, expect, it } from 'vitest';
import { buildDetectors, earsDetector, farringtonDetector } from '../../processors/detect/series-detectors.ts';
import { earsC } from '../../processors/detect/algorithms/ears.ts';

const base = {
  ears: { method: 'C2' as const, baseline: 7, alpha: 0.001, minSigma: 1 },
  farringtonB: 5,
  farringtonAlpha: 0.01,
  yellowP: 0.01,
  knownSyndromes: ['ili', 'dengue'],
};

describe('detector configuration (EWS_DETECTORS)', () => {
  it('builds the documented default', () => {
    const ds = buildDetectors({ ...base, spec: 'ears@day/commune,noufaily@week/province' });
    expect(ds.map((d) => [d.id, d.granularity, d.area])).toEqual([
      ['ears_c2@day/commune', 'day', 'commune'],
      ['farrington_noufaily@week/province', 'week', 'province'],
    ]);
  });
  it('restricts a detector to some syndromes', () => {
    const [d] = buildDetectors({ ...base, spec: 'farrington@week/commune:dengue+ili' });
    expect(d!.syndromes).toEqual(['dengue', 'ili']);
    expect(d!.id).toBe('farrington_farrington1996@week/commune:dengue+ili');
  });
  it.each([
    ['ears@month/commune', /not algorithm@/],
    ['cusum@day/commune', /unknown detector/],
    ['farrington@day/commune', /unknown detector/],
    ['ears@day/commune:plague', /unknown series 'plague'/],
    ['essence@week/commune', /unknown detector/],
  ])('refuses %s, naming it', (spec, message) => {
    expect(() => buildDetectors({ ...base, spec })).toThrow(message);
  });
});

describe('detectors on pipeline series', () => {
  const series = [2, 1, 3, 2, 2, 1, 2, 3, 2, 1, 2, 12];
  it('EARS evaluates exactly as earsC at the same index, and nothing before a full baseline', () => {
    const d = earsDetector(base.ears, 'day', 'commune', 0.01);
    const [early, last] = d.evaluate(series, [3, 11], 0);
    expect(early).toEqual({ expected: null, upperbound: null, pValue: null, score: null, alarm: null });
    const ref = earsC(series, { ...base.ears, range: [11, 11] })[0]!;
    expect(last).toMatchObject({ expected: ref.expected, upperbound: ref.upperbound, alarm: true });
  });
  it('farringtonFlexible lowers b to the years available and skips weeks without a year of history', () => {
    const d = farringtonDetector('farrington1996', 5, 0.01, 'province', 0.01);
    const weekly = Array.from({ length: 60 }, (_, i) => 3 + (i % 4));
    weekly[59] = 30;
    const [tooEarly, last] = d.evaluate(weekly, [40, 59], 0);
    expect(tooEarly!.alarm).toBeNull();
    expect(last!.alarm).toBe(true);
    expect(last!.upperbound!).toBeLessThan(30);
  });
});

describe('ESSENCE in the pipeline', () => {
  it('evaluates the switch on the day asked, knowing the weekday of the first day', async () => {
    const { essenceSwitch } = await import('../../processors/detect/algorithms/essence-switch.ts');
    const [d] = buildDetectors({ ...base, spec: 'essence@day/commune' });
    expect(d!.id).toBe('essence_switch@day/commune');
    // A strong weekly pattern, so the switch trusts the regression and its weekday terms.
    const series = Array.from({ length: 70 }, (_, i) => [20, 14, 12, 11, 10, 4, 3][i % 7]! + (i % 3));
    series[69] = 45;
    // Day number 20424 is 2025-12-02, a Tuesday (ISO 2).
    const [p] = d!.evaluate(series, [69], 20424);
    const ref = essenceSwitch(series, { startWeekday: 2, baseline: 28, guard: 2, range: [69, 69] })[0]!;
    expect(ref.detector).toBe('regression');
    expect(p).toMatchObject({ expected: ref.expected, upperbound: ref.upperbound, pValue: ref.pValue, alarm: true });
    expect(d!.evaluate(series, [10], 20424)[0]!.alarm).toBeNull();
  });
});
