/**
 * The detectors the backtest compares, each as "series in, alarm flags over the evaluation
 * part out", with the settings it is known by. Weekly: farringtonFlexible with Noufaily's and
 * with Farrington's (1996) settings (as in surveillance's farringtonFlexible example, b = 5,
 * α = 0.05), EARS C1–C3, GLR-NB and CUSUM; daily: EARS C1–C3 and the ESSENCE detectors
 * (alarm = red, p < 0.01).
 */
import { cusum } from '../processors/detect/algorithms/cusum.ts';
import { earsC } from '../processors/detect/algorithms/ears.ts';
import { essenceEwma } from '../processors/detect/algorithms/essence-ewma.ts';
import { essenceRegression } from '../processors/detect/algorithms/essence-regression.ts';
import { essenceSwitch } from '../processors/detect/algorithms/essence-switch.ts';
import { farringtonFlexible, type FarringtonControl } from '../processors/detect/algorithms/farrington-flexible.ts';
import { glrnb } from '../processors/detect/algorithms/glrnb.ts';
import type { DetectorPoint, IndexRange } from '../processors/detect/algorithms/types.ts';

export interface BacktestDetector {
  readonly id: string;
  readonly label: string;
  readonly unit: 'week' | 'day';
  /** Alarm per time unit of `range` (null counts as no alarm). */
  run(observed: readonly number[], range: IndexRange): boolean[];
}

/** farringtonFlexible controls of the two named settings (R: surveillance 1.20.3 names). */
export const FARRINGTON_SETTINGS: Readonly<Record<'noufaily' | 'f1996', FarringtonControl>> = {
  noufaily: {
    b: 5,
    w: 3,
    noPeriods: 10,
    weightsThreshold: 2.58,
    pastWeeksNotIncluded: 26,
    pThresholdTrend: 1,
    thresholdMethod: 'nbPlugin',
    alpha: 0.05,
  },
  f1996: {
    b: 5,
    w: 3,
    noPeriods: 1,
    weightsThreshold: 1,
    pastWeeksNotIncluded: 3,
    pThresholdTrend: 0.05,
    thresholdMethod: 'delta',
    alpha: 0.05,
  },
};

const flags = (points: readonly DetectorPoint[]): boolean[] => points.map((p) => p.alarm === true);

const ears = (method: 'C1' | 'C2' | 'C3', unit: 'week' | 'day'): BacktestDetector => ({
  id: `ears-${method.toLowerCase()}`,
  label: `EARS ${method}`,
  unit,
  run: (observed, range) => flags(earsC(observed, { method, range })),
});

export const WEEKLY_DETECTORS: readonly BacktestDetector[] = [
  {
    id: 'farrington-noufaily',
    label: 'farringtonFlexible, Noufaily (2013)',
    unit: 'week',
    run: (observed, range) => flags(farringtonFlexible({ observed, frequency: 52 }, { ...FARRINGTON_SETTINGS.noufaily, range })),
  },
  {
    id: 'farrington-1996',
    label: 'farringtonFlexible, Farrington (1996)',
    unit: 'week',
    run: (observed, range) => flags(farringtonFlexible({ observed, frequency: 52 }, { ...FARRINGTON_SETTINGS.f1996, range })),
  },
  ears('C1', 'week'),
  ears('C2', 'week'),
  ears('C3', 'week'),
  {
    id: 'glrnb',
    label: 'GLR-NB (c.ARL 5, harmonic + trend baseline)',
    unit: 'week',
    run: (observed, range) => flags(glrnb({ observed, frequency: 52 }, { cARL: 5, mu0: { S: 1, trend: true }, range })),
  },
  {
    id: 'cusum',
    label: 'CUSUM (Rossi, m = "glm")',
    unit: 'week',
    run: (observed, range) => flags(cusum({ observed, frequency: 52 }, { m: 'glm', trans: 'rossi', range })),
  },
];

/** ISO weekday of day 0 in the simulated daily series (day 1 is a Monday). */
const START_WEEKDAY = 1;

export const DAILY_DETECTORS: readonly BacktestDetector[] = [
  ears('C1', 'day'),
  ears('C2', 'day'),
  ears('C3', 'day'),
  {
    id: 'essence-regression',
    label: 'ESSENCE adaptive regression (red)',
    unit: 'day',
    run: (observed, range) => flags(essenceRegression(observed, { startWeekday: START_WEEKDAY, range })),
  },
  {
    id: 'essence-ewma',
    label: 'ESSENCE EWMA (red)',
    unit: 'day',
    run: (observed, range) => flags(essenceEwma(observed, { range })),
  },
  {
    id: 'essence-switch',
    label: 'ESSENCE regression/EWMA switch (red)',
    unit: 'day',
    run: (observed, range) => flags(essenceSwitch(observed, { startWeekday: START_WEEKDAY, range })),
  },
];
