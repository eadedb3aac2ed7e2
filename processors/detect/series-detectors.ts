import { earsC } from './algorithms/ears.ts';
import { farringtonFlexible, type FarringtonControl } from './algorithms/farrington-flexible.ts';
import type { DetectorPoint } from './algorithms/types.ts';
import type { Granularity } from './periods.ts';
import { createTQuantileTable } from './algorithms/essence-common.ts';
import { essenceEwma } from './algorithms/essence-ewma.ts';
import { essenceRegression } from './algorithms/essence-regression.ts';
import { essenceSwitch } from './algorithms/essence-switch.ts';

export type AreaLevel = 'commune' | 'province';

/** One evaluated period, as the detection service stores it. */
export interface DetectorOutput {
  expected: number | null;
  upperbound: number | null;
  pValue: number | null;
  score: number | null;
  alarm: boolean | null;
}

/** A detector bound to the series it runs on (granularity and area level) and its parameters. */
export interface SeriesDetector {
  /** `algorithm@granularity/area`, e.g. `ears_c2@day/commune`. */
  id: string;
  algorithm: string;
  granularity: Granularity;
  area: AreaLevel;
  params: Record<string, unknown>;
  /** Series ids this detector runs on; undefined = every detected series. */
  syndromes?: readonly string[] | undefined;
  /** Periods of history needed before an evaluated period. */
  history: number;
  /** Periods after a change whose evaluation the change can alter. */
  influence: number;
  /** p-value under which a non-alarm is still worth a yellow signal. */
  yellowP: number;
  /**
   * Evaluates `series` (consecutive periods, the first being period `firstPeriod`: a day
   * number or week number) at the given indices.
   */
  evaluate(series: readonly number[], indices: readonly number[], firstPeriod: number): DetectorOutput[];
}

export interface EarsOptions {
  method: 'C1' | 'C2' | 'C3';
  baseline: number;
  alpha: number;
  minSigma: number;
}

const out = (p: DetectorPoint | undefined): DetectorOutput => ({
  expected: p?.expected ?? null,
  upperbound: p?.upperbound ?? null,
  pValue: p?.pValue ?? null,
  score: p?.score ?? null,
  alarm: p?.alarm ?? null,
});
const none: DetectorOutput = { expected: null, upperbound: null, pValue: null, score: null, alarm: null };

/** Periods EARS needs before t: C1 the baseline; C2 two more (guard band); C3 two more again. */
const earsLookBack = (o: EarsOptions): number => o.baseline + (o.method === 'C1' ? 0 : o.method === 'C2' ? 2 : 4);

/**
 * EARS (R earsC semantics) on a daily or weekly series. C1 uses the `baseline` periods before
 * t; C2 skips a two-period guard band; C3 also needs the C2 values of the two previous
 * periods, so it looks back baseline + 4.
 */
export function earsDetector(o: EarsOptions, granularity: Granularity, area: AreaLevel, yellowP: number): SeriesDetector {
  const history = earsLookBack(o);
  const algorithm = `ears_${o.method.toLowerCase()}`;
  return {
    id: `${algorithm}@${granularity}/${area}`,
    algorithm,
    granularity,
    area,
    params: { ...o },
    history,
    influence: history,
    yellowP,
    evaluate: (series, indices) => indices.map((i) => (i < history ? none : out(earsC(series, { ...o, range: [i, i] })[0]))),
  };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number. */
const isoWeekday = (day: number): number => ((new Date(day * 86_400_000).getUTCDay() + 6) % 7) + 1;

/**
 * ESSENCE's daily detectors as CDC Rnssp defines them: the regression/EWMA switch
 * (`essence`), or either alone. Red (an alarm) at p < 0.01, yellow at p < 0.05. 28-day
 * baseline and 2-day guard band; the EWMA is recursive, so four more weeks are read to settle
 * it.
 */
export function essenceDetector(kind: 'essence' | 'regression' | 'ewma', area: AreaLevel): SeriesDetector {
  const baseline = 28;
  const guard = 2;
  const algorithm = kind === 'essence' ? 'essence_switch' : `essence_${kind}`;
  const history = baseline + guard + 28;
  const run = kind === 'essence' ? essenceSwitch : kind === 'regression' ? essenceRegression : essenceEwma;
  // One t-quantile table for the detector's lifetime: recomputing quantiles per call is
  // hundreds of times slower.
  const quantiles = createTQuantileTable();
  return {
    id: `${algorithm}@day/${area}`,
    algorithm,
    granularity: 'day',
    area,
    params: { baseline, guard, ...(kind !== 'regression' ? { w1: 0.4, w2: 0.9 } : {}), ...(kind === 'essence' ? { switchR2: 0.6 } : {}) },
    history,
    influence: baseline + guard,
    yellowP: 0.05,
    evaluate: (series, indices, firstPeriod) =>
      indices.map((i) => {
        if (i < baseline + guard) return none;
        const [p] = run(series.slice(0, i + 1), { startWeekday: isoWeekday(firstPeriod), baseline, guard, range: [i, i], quantiles });
        return out(p);
      }),
  };
}

/** farringtonFlexible presets: R's defaults (Farrington 1996) and Noufaily et al. (2013). */
export const FARRINGTON_PRESETS: Record<'farrington1996' | 'noufaily', FarringtonControl> = {
  farrington1996: {
    b: 5,
    w: 3,
    reweight: true,
    weightsThreshold: 1,
    trend: true,
    pThresholdTrend: 0.05,
    noPeriods: 1,
    pastWeeksNotIncluded: 0,
    thresholdMethod: 'delta',
    alpha: 0.05,
    powertrans: '2/3',
    limit54: [5, 4],
  },
  noufaily: {
    b: 5,
    w: 3,
    reweight: true,
    weightsThreshold: 2.58,
    trend: true,
    pThresholdTrend: 1,
    noPeriods: 10,
    pastWeeksNotIncluded: 26,
    thresholdMethod: 'nbPlugin',
    alpha: 0.05,
    powertrans: '2/3',
    limit54: [5, 4],
  },
};

/**
 * farringtonFlexible on weekly series (frequency 52). Surveillance that has just started has
 * fewer than `b` years of history, so `b` is lowered to the years available at each evaluated
 * week; with less than one year (plus the window) the week is not evaluated.
 */
export function farringtonDetector(
  preset: keyof typeof FARRINGTON_PRESETS,
  b: number,
  alpha: number,
  area: AreaLevel,
  yellowP: number,
): SeriesDetector {
  const control = { ...FARRINGTON_PRESETS[preset], b, alpha };
  const w = control.w ?? 3;
  return {
    id: `farrington_${preset}@week/${area}`,
    algorithm: `farrington_${preset}`,
    granularity: 'week',
    area,
    params: control,
    history: b * 52 + w,
    influence: b * 52 + w,
    yellowP,
    evaluate: (series, indices) =>
      indices.map((i) => {
        const years = Math.min(b, Math.floor((i - w) / 52));
        if (years < 1) return none;
        return out(farringtonFlexible({ observed: series.slice(0, i + 1), frequency: 52 }, { ...control, b: years, range: [i, i] })[0]);
      }),
  };
}

/** One parsed entry of EWS_DETECTORS: which algorithm runs on which series. */
export interface DetectorEntry {
  algorithm: 'ears' | 'essence' | 'regression' | 'ewma' | 'farrington' | 'noufaily';
  granularity: Granularity;
  area: AreaLevel;
  /** Series ids the entry is limited to; undefined = every detected series. */
  syndromes?: readonly string[] | undefined;
}

const DAILY_ONLY = ['essence', 'regression', 'ewma'];
const WEEKLY_ONLY = ['farrington', 'noufaily'];

/**
 * Parses `algorithm@granularity/area[:syndrome+…]` entries, comma-separated (pure; the config
 * loader runs it at start). Throws an Error saying which entry is wrong and why.
 */
export function parseDetectorSpec(spec: string, knownSyndromes: readonly string[]): DetectorEntry[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry): DetectorEntry => {
      const m = /^([a-z0-9]+)@(day|week)\/(commune|province)(?::([a-z0-9_+]+))?$/.exec(entry);
      if (!m) throw new Error(`'${entry}' is not algorithm@day|week/commune|province[:syndrome+…]`);
      const [, algo, granularity, area, only] = m as unknown as [string, string, Granularity, AreaLevel, string | undefined];
      const syndromes = only?.split('+');
      for (const s of syndromes ?? []) {
        if (!knownSyndromes.includes(s)) throw new Error(`'${entry}' names unknown series '${s}' (known: ${knownSyndromes.join(', ')})`);
      }
      const fits =
        algo === 'ears' || (DAILY_ONLY.includes(algo) && granularity === 'day') || (WEEKLY_ONLY.includes(algo) && granularity === 'week');
      if (!fits)
        throw new Error(`unknown detector '${entry}' (ears@day|week/…, essence|regression|ewma@day/…, farrington@week/…, noufaily@week/…)`);
      return { algorithm: algo as DetectorEntry['algorithm'], granularity, area, syndromes };
    });
  if (entries.length === 0) throw new Error('names no detector');
  return entries;
}

export interface DetectorSetOptions {
  /** Parsed entries (see `parseDetectorSpec`), or the comma-separated spec itself (see README). */
  spec: string | readonly DetectorEntry[];
  ears: EarsOptions;
  farringtonB: number;
  farringtonAlpha: number;
  yellowP: number;
  /** Known series ids, to check the syndrome lists of a string spec. */
  knownSyndromes: readonly string[];
}

/** Builds the configured detectors; a string spec is parsed first (an unknown entry throws, naming it). */
export function buildDetectors(o: DetectorSetOptions): SeriesDetector[] {
  const entries = typeof o.spec === 'string' ? parseDetectorSpec(o.spec, o.knownSyndromes) : o.spec;
  return entries.map(({ algorithm: algo, granularity: g, area, syndromes }) => {
    let d: SeriesDetector;
    if (algo === 'ears') d = earsDetector(o.ears, g, area, o.yellowP);
    else if (algo === 'essence' || algo === 'regression' || algo === 'ewma') d = essenceDetector(algo, area);
    else d = farringtonDetector(algo === 'farrington' ? 'farrington1996' : 'noufaily', o.farringtonB, o.farringtonAlpha, area, o.yellowP);
    return syndromes ? { ...d, id: `${d.id}:${syndromes.join('+')}`, syndromes } : d;
  });
}

/**
 * Expected value and EARS threshold over a whole daily series from `firstIndex` on, for the
 * dashboard chart (null where the baseline is not yet complete).
 */
export function earsThresholds(o: EarsOptions, series: readonly number[], firstIndex: number) {
  const history = earsLookBack(o);
  const from = Math.max(firstIndex, history);
  const points = from < series.length ? earsC(series, { ...o, range: [from, series.length - 1] }) : [];
  const pad = new Array<null>(Math.max(0, from - firstIndex)).fill(null);
  return {
    algorithm: `ears_${o.method.toLowerCase()}`,
    expected: [...pad, ...points.map((p) => p.expected)],
    upperbound: [...pad, ...points.map((p) => p.upperbound)],
  };
}
