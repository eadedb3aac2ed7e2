/**
 * Side-by-side of our farringtonFlexible and R's on the same simulated series: the backtest
 * measures from each one's alarms, and how many time points got the same alarm flag.
 */
import { farringtonFlexible } from '../processors/detect/algorithms/farrington-flexible.ts';
import { FARRINGTON_SETTINGS, WEEKLY_DETECTORS } from './detectors.ts';
import { addSeries, emptyTally, measures, type Measures } from './metrics.ts';
import type { SimulatedSeries } from './simulate.ts';
import type { RFarringtonRun } from './r-reference.ts';

export interface RComparison {
  readonly setting: keyof typeof FARRINGTON_SETTINGS;
  readonly label: string;
  readonly series: number;
  readonly ours: Measures;
  readonly r: Measures;
  /** Time points (over all series) with the same alarm flag, and in total. */
  readonly identicalAlarms: number;
  readonly timePoints: number;
  /** Largest relative upperbound difference where both are numbers. */
  readonly maxRelativeUpperboundDiff: number;
  readonly rSeconds: number;
}

/** Compares on `series` (all with the same evaluation range, as the weekly design makes them). */
export function compareWithR(series: readonly SimulatedSeries[], r: RFarringtonRun): RComparison[] {
  return (Object.keys(FARRINGTON_SETTINGS) as (keyof typeof FARRINGTON_SETTINGS)[]).map((setting) => {
    const detector = WEEKLY_DETECTORS.find((d) => d.id === (setting === 'noufaily' ? 'farrington-noufaily' : 'farrington-1996'));
    if (!detector) throw new Error(`no detector for ${setting}`);
    const ours = emptyTally();
    const theirs = emptyTally();
    let identical = 0;
    let total = 0;
    let maxDiff = 0;
    series.forEach((s, i) => {
      const range = [s.evaluationFrom, s.observed.length - 1] as const;
      const points = farringtonFlexible({ observed: s.observed, frequency: 52 }, { ...FARRINGTON_SETTINGS[setting], range });
      const a = points.map((p) => p.alarm === true);
      const b = r.alarms[setting]?.[i] ?? [];
      addSeries(ours, s, a);
      addSeries(theirs, s, b);
      a.forEach((flag, j) => {
        total += 1;
        if (flag === b[j]) identical += 1;
      });
      (r.upperbound[setting]?.[i] ?? []).forEach((u, j) => {
        const v = points[j]?.upperbound;
        if (u !== null && v !== null && v !== undefined && Math.max(Math.abs(u), Math.abs(v)) > 0) {
          maxDiff = Math.max(maxDiff, Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v)));
        }
      });
    });
    return {
      setting,
      label: detector.label,
      series: series.length,
      ours: measures(ours),
      r: measures(theirs),
      identicalAlarms: identical,
      timePoints: total,
      maxRelativeUpperboundDiff: maxDiff,
      rSeconds: r.seconds[setting] ?? Number.NaN,
    };
  });
}
