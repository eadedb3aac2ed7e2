import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { farringtonFlexible, type FarringtonControl } from '../../../processors/detect/algorithms/farrington-flexible.ts';
import { parseReferenceCase } from '../../../processors/detect/r-reference/reference-case.ts';

const fixture = (name: string) => {
  const c = parseReferenceCase(JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/surveillance', name), 'utf8')));
  if (c.algorithm !== 'farringtonFlexible') throw new Error(`${name} is not a farringtonFlexible case`);
  return c;
};

// R's control$pvalue, control$score and control$expected for the first five time points
// of two fixtures (farringtonFlexible with range = range[1] + 0:4), digits = 17.
const extras: [string, number[], number[], (number | null)[]][] = [
  [
    'ff-muan-seasonal.json',
    [0.53475778033976007, 1, 1, 0.82075469593088202, 0.70239402142032281],
    [0.232936179278036, -0.11315262722006669, -0.11421362349613196, 0.065914552144517177, 0.14568415933754367],
    [3.5500000000000416, 4.150000000000011, null, 3.3999999999999857, 3.6500000000000061],
  ],
  [
    'ff-f1996-trend.json',
    [0.18293063384211949, 0.008656864684453135, 0.13226242899494406, 0.35120515948066605, 0.045329670847009909],
    [0.5294818645466588, 1.4989599972283556, 0.65857374059175, 0.21642240294604209, 1.031123723642366],
    [8.2109046686656875, 7.5062253637165162, 6.0529107414692849, 6.9515036307900688, 6.9800401466603663],
  ],
];

describe('farringtonFlexible pValue, score and expected = R control$pvalue/score/expected', () => {
  it.each(extras)('%s', (name, pValue, score, expected) => {
    const c = fixture(name);
    const from = c.range[0] - 1;
    const points = farringtonFlexible({ observed: c.observed, frequency: c.frequency }, { ...c.control, range: [from, from + 4] });
    points.forEach((p, i) => {
      expect(p.pValue).toBeCloseTo(pValue[i] as number, 9);
      expect(p.score).toBeCloseTo(score[i] as number, 9);
      const e = expected[i];
      if (e === null || e === undefined) expect(p.expected).toBeNull();
      else expect(p.expected).toBeCloseTo(e, 9);
    });
  });
});

describe('farringtonFlexible defaults and validation', () => {
  const observed = Array.from({ length: 300 }, (_, i) => 3 + (i % 5));

  it('default range starts at frequency·b + w (R: freq·b + w + 1, 1-based)', () => {
    const points = farringtonFlexible({ observed, frequency: 52 });
    expect(points[0]?.index).toBe(52 * 5 + 3);
    expect(points.at(-1)?.index).toBe(299);
  });

  it.each([
    [{ b: 0 }, 'b'],
    [{ w: -1 }, 'w'],
    [{ alpha: 0 }, 'alpha'],
    [{ limit54: [5, 0] }, 'limit54'],
    [{ noPeriods: 0 }, 'noPeriods'],
    [{ thresholdMethod: 'exact' }, 'thresholdMethod'],
    [{ powertrans: '1/3' }, 'powertrans'],
    [{ populationOffset: true }, 'population'],
    [{ range: [0, 299] }, 'range'],
    [{ noPeriods: 53 }, 'noPeriods'],
  ] as [FarringtonControl, string][])('%o → %s', (control, field) => {
    expect(() => farringtonFlexible({ observed, frequency: 52 }, { b: 3, ...control })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ field }) }),
    );
  });
});
