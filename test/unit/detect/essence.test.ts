import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineWindow, type EssencePoint } from '../../../processors/detect/algorithms/essence-common.ts';
import { essenceEwma } from '../../../processors/detect/algorithms/essence-ewma.ts';
import { essenceRegression } from '../../../processors/detect/algorithms/essence-regression.ts';
import { essenceSwitch } from '../../../processors/detect/algorithms/essence-switch.ts';

/** A case written by scripts/reference/make-essence-cases.R (Rnssp 0.3.0 formulas in base R). */
interface EssenceCase {
  name: string;
  detector: 'regression' | 'ewma' | 'switch';
  startWeekday: number;
  B: number;
  g: number;
  w1: number;
  w2: number;
  observed: number[];
  expected: {
    index: number[];
    expected: (number | null)[];
    statistic: (number | null)[];
    pValue: (number | null)[];
    level: (string | null)[];
    detector: string[];
    adjustedR2?: (number | null)[] | null;
  };
}

const DIR = join(import.meta.dirname, '../../fixtures/essence');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (f: string): EssenceCase => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as EssenceCase;

function run(c: EssenceCase): EssencePoint[] {
  const options = { startWeekday: c.startWeekday, baseline: c.B, guard: c.g, w1: c.w1, w2: c.w2 };
  if (c.detector === 'regression') return essenceRegression(c.observed, options);
  if (c.detector === 'ewma') return essenceEwma(c.observed, options);
  return essenceSwitch(c.observed, options);
}

/** Relative difference, with an absolute floor for values near 0 (p-values of 1e-17 and 0). */
const off = (a: number | null | undefined, b: number | null): number =>
  a === null || a === undefined || b === null ? ((a ?? null) === b ? 0 : Infinity) : Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);

/** Worst disagreement of a run with R's case: numbers (relative), labels (count). */
function compare(c: EssenceCase, points: EssencePoint[]) {
  const e = c.expected;
  let worst = 0;
  let labels = 0;
  e.index.forEach((index, k) => {
    const p = points[k];
    if (p?.index !== index) {
      labels++;
      return;
    }
    worst = Math.max(
      worst,
      off(p.expected, e.expected[k] ?? null),
      off(p.score, e.statistic[k] ?? null),
      off(p.pValue, e.pValue[k] ?? null),
    );
    // On a flat baseline R's adjusted R² is rounding noise (0/0); ours is Rnssp's 0 for NaN.
    const { from, length } = baselineWindow(index, c.g, c.B);
    const flat = c.observed.slice(from, from + length).every((v) => v === c.observed[from]);
    if (e.adjustedR2 && !flat) worst = Math.max(worst, off(p.adjustedR2, e.adjustedR2[k] ?? null));
    if (e.adjustedR2 && flat && p.adjustedR2 !== 0) labels++;
    if (p.level !== e.level[k] || p.detector !== e.detector[k]) labels++;
  });
  return { worst, labels, length: points.length === e.index.length };
}

describe('ESSENCE detectors against the R reference (Rnssp 0.3.0 formulas)', () => {
  it('has cases for the three detectors', () => {
    for (const d of ['regression', 'ewma', 'switch']) expect(files.some((f) => f.startsWith(d))).toBe(true);
  });

  it.each(files)('%s: expected, statistic, p-value, adjusted R² within 1e-6; levels and detector identical', (f) => {
    const c = load(f);
    const r = compare(c, run(c));
    expect(r).toEqual({ worst: expect.any(Number), labels: 0, length: true });
    expect(r.worst).toBeLessThan(1e-6);
  });
});

describe('negative controls: the comparison catches a broken detector', () => {
  const c = load('switch-weekly.json');
  const good = run(c);
  it.each([
    ['a statistic off by 1e-5', (ps: EssencePoint[]) => ps.map((p, k) => (k === 20 ? { ...p, score: (p.score ?? 0) * (1 + 1e-5) } : p))],
    [
      'one level changed',
      (ps: EssencePoint[]) => ps.map((p, k) => (k === 20 ? { ...p, level: p.level === 'red' ? ('blue' as const) : ('red' as const) } : p)),
    ],
    [
      'the other detector on one day',
      (ps: EssencePoint[]) =>
        ps.map((p, k) => (k === 20 ? { ...p, detector: p.detector === 'ewma' ? ('regression' as const) : ('ewma' as const) } : p)),
    ],
  ])('%s', (_label, breakIt) => {
    expect(compare(c, good).labels).toBe(0);
    const broken = compare(c, breakIt(good));
    expect(broken.worst >= 1e-6 || broken.labels > 0).toBe(true);
  });

  it('the switch really switches in these cases (both detectors appear)', () => {
    const used = new Set(good.map((p) => p.detector));
    expect([...used].sort()).toEqual(['ewma', 'regression']);
  });
});
