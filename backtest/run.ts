/**
 * Runs the backtest: simulates series per scenario and replicate, runs every detector on
 * each, and pools the measures per detector (overall and per scenario). Pure and seeded: the
 * same options give the same numbers. R's farringtonFlexible is run by the caller on the
 * returned weekly series (r-reference.ts).
 */
import { DAILY_DETECTORS, WEEKLY_DETECTORS, type BacktestDetector } from './detectors.ts';
import { addSeries, emptyTally, measures, mergeTally, type Measures, type Tally } from './metrics.ts';
import { createVariates } from './random.ts';
import { DAILY_SCENARIOS, WEEKLY_SCENARIOS, type Scenario } from './scenarios.ts';
import { simulateSeries, type SimulatedSeries, type SimulationDesign } from './simulate.ts';

export interface BacktestOptions {
  /** Seed of every simulated series. Default 1. */
  readonly seed?: number;
  /** Series per scenario. Default 20. */
  readonly replicates?: number;
  /** Size factors k of the evaluation outbreaks, cycled over replicates. Default [2, 3, 5, 10]. */
  readonly ks?: readonly number[];
  /** Scenario names to run (default all weekly and daily scenarios). */
  readonly scenarios?: readonly string[];
  /** Detector ids to run (default all). */
  readonly detectors?: readonly string[];
}

/** Noufaily's design for weekly series; two years of days, the last 13 weeks evaluated. */
export const DESIGNS: Readonly<Record<Scenario['unit'], SimulationDesign>> = {
  week: { length: 624, evaluation: 49 },
  day: { length: 730, evaluation: 91 },
};

/** A small, fast configuration for tests and smoke runs. */
export const QUICK: BacktestOptions = {
  replicates: 2,
  ks: [3, 10],
  scenarios: ['w-low-seasonal', 'w-mid-trend-seasonal', 'd-mid-seasonal'],
};

export interface DetectorResult {
  readonly detector: string;
  readonly label: string;
  readonly unit: 'week' | 'day';
  readonly overall: Measures;
  readonly byScenario: Readonly<Record<string, Measures>>;
}

export interface BacktestResult {
  readonly seed: number;
  readonly replicates: number;
  readonly ks: readonly number[];
  readonly scenarios: readonly Scenario[];
  readonly results: readonly DetectorResult[];
  /** The simulated weekly series, in scenario then replicate order (for the R comparison). */
  readonly weeklySeries: readonly SimulatedSeries[];
}

/** Seed of one series, mixed from the run's seed, scenario index and replicate. */
const seriesSeed = (seed: number, scenario: number, replicate: number): number =>
  (Math.imul(seed, 0x9e3779b1) + Math.imul(scenario + 1, 0x85ebca6b) + Math.imul(replicate + 1, 0xc2b2ae35)) >>> 0;

export function runBacktest(options: BacktestOptions = {}): BacktestResult {
  const seed = options.seed ?? 1;
  const replicates = options.replicates ?? 20;
  const ks = options.ks ?? [2, 3, 5, 10];
  const all = [...WEEKLY_SCENARIOS, ...DAILY_SCENARIOS];
  const scenarios = options.scenarios ? all.filter((s) => options.scenarios?.includes(s.name)) : all;
  const unknown = options.scenarios?.filter((n) => !all.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`);
  const detectors = [...WEEKLY_DETECTORS, ...DAILY_DETECTORS].filter(
    (d) => !options.detectors || options.detectors.includes(`${d.unit}:${d.id}`) || options.detectors.includes(d.id),
  );
  const tallies = new Map<BacktestDetector, Map<string, Tally>>(detectors.map((d) => [d, new Map()]));
  const weeklySeries: SimulatedSeries[] = [];
  scenarios.forEach((scenario) => {
    const index = all.indexOf(scenario);
    for (let r = 0; r < replicates; r++) {
      const series = simulateSeries(
        scenario,
        DESIGNS[scenario.unit],
        ks[r % ks.length] as number,
        createVariates(seriesSeed(seed, index, r)),
      );
      if (scenario.unit === 'week') weeklySeries.push(series);
      const range = [series.evaluationFrom, series.observed.length - 1] as const;
      for (const d of detectors) {
        if (d.unit !== scenario.unit) continue;
        const byScenario = tallies.get(d) as Map<string, Tally>;
        const tally = byScenario.get(scenario.name) ?? emptyTally();
        byScenario.set(scenario.name, tally);
        addSeries(tally, series, d.run(series.observed, range));
      }
    }
  });
  const results = detectors
    .filter((d) => (tallies.get(d)?.size ?? 0) > 0)
    .map((d) => {
      const byScenario = tallies.get(d) as Map<string, Tally>;
      const overall = emptyTally();
      for (const t of byScenario.values()) mergeTally(overall, t);
      return {
        detector: d.id,
        label: d.label,
        unit: d.unit,
        overall: measures(overall),
        byScenario: Object.fromEntries([...byScenario].map(([name, t]) => [name, measures(t)])),
      };
    });
  return { seed, replicates, ks, scenarios, results, weeklySeries };
}
