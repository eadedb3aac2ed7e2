/**
 * Backtest measures (Noufaily et al. 2013): false-positive rate = alarms on evaluation
 * time units without outbreak cases / such units; probability of detection = share of
 * evaluation outbreaks with at least one alarm while their cases occur; delay = units from
 * the outbreak's start to its first such alarm (0 = at once).
 */
import type { SimulatedSeries } from './simulate.ts';

/** Counts from one or more series, additive so replicates and scenarios can be pooled. */
export interface Tally {
  quietUnits: number;
  falseAlarms: number;
  outbreaks: number;
  detected: number;
  delays: number[];
  /** Outbreaks and detections by the outbreak's size factor k. */
  byK: Map<number, { outbreaks: number; detected: number }>;
}

export const emptyTally = (): Tally => ({ quietUnits: 0, falseAlarms: 0, outbreaks: 0, detected: 0, delays: [], byK: new Map() });

/** Adds one series' alarms (over its evaluation part) to `tally`. */
export function addSeries(tally: Tally, series: SimulatedSeries, alarms: readonly boolean[]): void {
  const from = series.evaluationFrom;
  alarms.forEach((alarm, i) => {
    if (series.outbreakCases[from + i]) return;
    tally.quietUnits += 1;
    if (alarm) tally.falseAlarms += 1;
  });
  const { start, k, cases } = series.outbreak;
  // An outbreak drawn with no cases is not an outbreak anyone could detect.
  if (cases.size === 0) return;
  const byK = tally.byK.get(k) ?? { outbreaks: 0, detected: 0 };
  tally.byK.set(k, byK);
  tally.outbreaks += 1;
  byK.outbreaks += 1;
  const first = [...cases.keys()].filter((t) => alarms[t - from] === true).sort((a, b) => a - b)[0];
  if (first === undefined) return;
  tally.detected += 1;
  byK.detected += 1;
  tally.delays.push(first - start);
}

export function mergeTally(into: Tally, from: Tally): void {
  into.quietUnits += from.quietUnits;
  into.falseAlarms += from.falseAlarms;
  into.outbreaks += from.outbreaks;
  into.detected += from.detected;
  into.delays.push(...from.delays);
  for (const [k, v] of from.byK) {
    const t = into.byK.get(k) ?? { outbreaks: 0, detected: 0 };
    into.byK.set(k, { outbreaks: t.outbreaks + v.outbreaks, detected: t.detected + v.detected });
  }
}

export interface Measures {
  /** False-positive rate on outbreak-free units, or null without such units. */
  readonly fpr: number | null;
  /** Probability of detection, or null without outbreaks. */
  readonly pod: number | null;
  readonly podByK: Readonly<Record<string, number | null>>;
  /** Median delay in time units among detected outbreaks, or null. */
  readonly medianDelay: number | null;
  readonly quietUnits: number;
  readonly falseAlarms: number;
  readonly outbreaks: number;
  readonly detected: number;
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function measures(t: Tally): Measures {
  const podByK: Record<string, number | null> = {};
  for (const [k, v] of [...t.byK].sort((a, b) => a[0] - b[0])) podByK[String(k)] = v.outbreaks > 0 ? v.detected / v.outbreaks : null;
  return {
    fpr: t.quietUnits > 0 ? t.falseAlarms / t.quietUnits : null,
    pod: t.outbreaks > 0 ? t.detected / t.outbreaks : null,
    podByK,
    medianDelay: median(t.delays),
    quietUnits: t.quietUnits,
    falseAlarms: t.falseAlarms,
    outbreaks: t.outbreaks,
    detected: t.detected,
  };
}
