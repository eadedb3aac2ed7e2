import { afterEach, describe, expect, it, vi } from 'vitest';
import { addSeries, emptyTally, measures } from '../../../backtest/metrics.ts';
import { createVariates } from '../../../backtest/random.ts';
import { QUICK, runBacktest } from '../../../backtest/run.ts';
import { WEEKLY_SCENARIOS } from '../../../backtest/scenarios.ts';
import { simulateSeries, type SimulatedSeries } from '../../../backtest/simulate.ts';
import { runBacktestCommand } from '../../../cli/backtest.ts';

/** Ten evaluation weeks (from index 5), an outbreak starting at 7 with cases at 7 and 8. */
const series: SimulatedSeries = {
  scenario: 'test',
  observed: new Array<number>(15).fill(3),
  evaluationFrom: 5,
  outbreak: {
    start: 7,
    k: 3,
    cases: new Map([
      [7, 2],
      [8, 1],
    ]),
  },
  outbreakCases: Array.from({ length: 15 }, (_, i) => i === 7 || i === 8),
};
const at = (...weeks: number[]): boolean[] => Array.from({ length: 10 }, (_, i) => weeks.includes(i + 5));

describe('backtest measures', () => {
  it.each([
    // label, alarms, FPR, POD, median delay
    ['no alarm', at(), 0, 0, null],
    ['alarm every week', at(5, 6, 7, 8, 9, 10, 11, 12, 13, 14), 1, 1, 0],
    ['alarm in the second outbreak week', at(8), 0, 1, 1],
    ['negative control: alarm just before the outbreak', at(6), 1 / 8, 0, null],
    ['negative control: alarm just after it', at(9), 1 / 8, 0, null],
  ])('%s', (_label, alarms, fpr, pod, delay) => {
    const t = emptyTally();
    addSeries(t, series, alarms);
    const m = measures(t);
    expect(m.fpr).toBeCloseTo(fpr, 12);
    expect(m.pod).toBe(pod);
    expect(m.medianDelay).toBe(delay);
    expect(m.podByK).toEqual({ '3': pod });
  });
});

describe('simulation in the manner of Noufaily et al. (2013)', () => {
  const scenario = WEEKLY_SCENARIOS.find((s) => s.name === 'w-mid-biannual');
  if (!scenario) throw new Error('scenario missing');

  it('outbreak sizes average k × baseline sd, half of the cases in the first week', () => {
    let total = 0;
    let expected = 0;
    let firstWeek = 0;
    for (let i = 0; i < 300; i++) {
      const s = simulateSeries(scenario, { length: 624, evaluation: 49 }, 5, createVariates(i));
      const { start, cases } = s.outbreak;
      const mu = Math.exp(
        scenario.theta +
          0.3 *
            (Math.cos((2 * Math.PI * (start + 1)) / 52) +
              Math.sin((2 * Math.PI * (start + 1)) / 52) +
              Math.cos((4 * Math.PI * (start + 1)) / 52) +
              Math.sin((4 * Math.PI * (start + 1)) / 52)),
      );
      expected += 5 * Math.sqrt(scenario.phi * mu);
      for (const [t, n] of cases) {
        total += n;
        if (t === start) firstWeek += n;
      }
    }
    expect(total / expected).toBeGreaterThan(0.9);
    expect(total / expected).toBeLessThan(1.05);
    // log-normal(0, 0.5) delay: P(X ≤ 1) = 0.5 (a little less after truncation at the series end).
    expect(firstWeek / total).toBeGreaterThan(0.45);
    expect(firstWeek / total).toBeLessThan(0.55);
  });

  it('baseline mean and dispersion follow the scenario (mean of a flat Poisson scenario)', () => {
    const flat = WEEKLY_SCENARIOS.find((s) => s.name === 'w-low-flat-poisson');
    if (!flat) throw new Error('scenario missing');
    const s = simulateSeries(flat, { length: 624, evaluation: 49 }, 2, createVariates(9));
    const quiet = s.observed.filter((_, i) => !s.outbreakCases[i]);
    const mean = quiet.reduce((a, b) => a + b, 0) / quiet.length;
    expect(mean).toBeGreaterThan(Math.exp(0.5) * 0.9);
    expect(mean).toBeLessThan(Math.exp(0.5) * 1.1);
  });
});

describe('runBacktest (quick preset)', () => {
  const a = runBacktest({ ...QUICK, replicates: 1 });

  it('reports every detector of both units with rates in [0, 1]', () => {
    expect(a.results.map((r) => `${r.unit}:${r.detector}`)).toEqual(
      expect.arrayContaining(['week:farrington-noufaily', 'week:glrnb', 'week:cusum', 'day:essence-switch', 'day:ears-c2']),
    );
    for (const r of a.results) {
      expect(r.overall.fpr).toBeGreaterThanOrEqual(0);
      expect(r.overall.fpr).toBeLessThanOrEqual(1);
      expect(r.overall.outbreaks).toBeGreaterThan(0);
    }
  });

  it('is reproducible for a seed, and another seed gives other series (negative control)', () => {
    const again = runBacktest({ ...QUICK, replicates: 1 });
    expect(again.results).toEqual(a.results);
    const other = runBacktest({ ...QUICK, replicates: 1, seed: 2 });
    expect(other.weeklySeries[0]?.observed).not.toEqual(a.weeklySeries[0]?.observed);
  });
});

describe('ews backtest --quick --json', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints one JSON document with results and no R comparison', () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    expect(runBacktestCommand(['--quick', '--json', '--replicates', '1'])).toBe(0);
    const doc = JSON.parse(out) as { results: unknown[]; r: unknown; seed: number };
    expect(doc.results.length).toBeGreaterThan(5);
    expect(doc.r).toBeNull();
    expect(doc.seed).toBe(1);
  });
});
