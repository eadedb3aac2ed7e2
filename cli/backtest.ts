import { parseArgs } from 'node:util';
import { compareWithR, type RComparison } from '../backtest/compare-r.ts';
import { FARRINGTON_SETTINGS } from '../backtest/detectors.ts';
import type { Measures } from '../backtest/metrics.ts';
import { rSurveillanceAvailable, runRFarrington } from '../backtest/r-reference.ts';
import { QUICK, runBacktest, type BacktestOptions, type BacktestResult } from '../backtest/run.ts';

const HELP = `ews backtest — detectors on simulated outbreaks (Noufaily et al. 2013 style) / đánh giá thuật toán trên ổ dịch mô phỏng

Usage / Cách dùng: ews backtest [--quick] [--json] [options]

Simulates negative binomial series with trend and seasonality (6 weekly, 3 daily
scenarios), injects outbreaks of Poisson(k × baseline sd) cases spread by a log-normal
delay, runs every detector and reports, per detector: false-positive rate on outbreak-free
weeks/days, probability of detection (overall and by k) and median delay. When Rscript with
surveillance is installed, R's farringtonFlexible runs on the same weekly series, side by side.

Options:
  --quick              2 weekly + 1 daily scenario × 2 replicates, no R (seconds)
  --replicates N       series per scenario (default 20)
  --seed N             seed of the simulation (default 1)
  --k 2,3,5,10         outbreak size factors, cycled over replicates
  --scenarios a,b      scenario names (default all); --detectors id,…
  --by-scenario        also print each scenario's rows
  --json               one JSON document instead of tables
  --no-r               skip R; --r-series N: weekly series given to R (default 12)`;

const pct = (x: number | null): string => (x === null ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const num = (x: number | null): string => (x === null ? '  –' : x.toFixed(1).padStart(4));

function row(unit: string, label: string, m: Measures, ks: readonly number[]): string {
  const byK = ks.map((k) => pct(m.podByK[String(k)] ?? null)).join(' ');
  return `${unit.padEnd(5)} ${label.padEnd(44)} ${pct(m.fpr)} ${pct(m.pod)}  ${byK}  ${num(m.medianDelay)}   ${String(m.detected).padStart(3)}/${String(m.outbreaks).padEnd(3)}`;
}

function table(result: BacktestResult, byScenario: boolean): string {
  const { ks } = result;
  const head = `unit  ${'detector'.padEnd(44)}   FPR     POD  ${ks.map((k) => `k=${k}`.padStart(6)).join(' ')}  delay  detected`;
  const lines = [head, '-'.repeat(head.length)];
  for (const r of result.results) {
    lines.push(row(r.unit, r.label, r.overall, ks));
    if (byScenario) for (const [name, m] of Object.entries(r.byScenario)) lines.push(row('', `  ${name}`, m, ks));
  }
  return lines.join('\n');
}

function rTable(rows: readonly RComparison[]): string {
  const lines = [
    `${'setting'.padEnd(38)}     FPR ours / R      POD ours / R   delay ours / R   same alarm flags   max rel. upperbound diff   R seconds`,
  ];
  for (const c of rows) {
    lines.push(
      `${c.label.padEnd(38)} ${pct(c.ours.fpr)} / ${pct(c.r.fpr)}   ${pct(c.ours.pod)} / ${pct(c.r.pod)}   ${num(c.ours.medianDelay)} / ${num(c.r.medianDelay)}      ${c.identicalAlarms}/${c.timePoints}          ${c.maxRelativeUpperboundDiff.toExponential(1)}              ${c.rSeconds.toFixed(1)}`,
    );
  }
  return lines.join('\n');
}

const list = (s: string | undefined): string[] | undefined =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

export function runBacktestCommand(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      replicates: { type: 'string' },
      seed: { type: 'string' },
      k: { type: 'string' },
      scenarios: { type: 'string' },
      detectors: { type: 'string' },
      'by-scenario': { type: 'boolean' },
      'no-r': { type: 'boolean' },
      'r-series': { type: 'string', default: '12' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const base: BacktestOptions = values.quick ? QUICK : {};
  const scenarios = list(values.scenarios) ?? base.scenarios;
  const detectors = list(values.detectors);
  const ks = list(values.k)?.map(Number);
  const options: BacktestOptions = {
    ...base,
    ...(values.replicates ? { replicates: Number(values.replicates) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(ks ? { ks } : {}),
    ...(scenarios ? { scenarios } : {}),
    ...(detectors ? { detectors } : {}),
  };
  const result = runBacktest(options);
  let comparison: RComparison[] | null = null;
  const rSeries = result.weeklySeries.slice(0, Number(values['r-series']));
  const wantR = !values.quick && !values['no-r'] && rSeries.length > 0;
  if (wantR && rSurveillanceAvailable()) {
    const first = rSeries[0];
    if (first) {
      const run = runRFarrington(
        rSeries.map((s) => s.observed),
        [first.evaluationFrom, first.observed.length - 1],
        FARRINGTON_SETTINGS,
      );
      comparison = compareWithR(rSeries, run);
    }
  }
  const { weeklySeries: _series, ...summary } = result;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, r: comparison }, null, 2)}\n`);
    return 0;
  }
  const weekly = result.scenarios.filter((s) => s.unit === 'week').length;
  const daily = result.scenarios.length - weekly;
  process.stdout.write(
    `Backtest: ${weekly} weekly + ${daily} daily scenarios × ${result.replicates} replicates, seed ${result.seed}; evaluation outbreak k ∈ {${result.ks.join(', ')}};\n` +
      `FPR on outbreak-free evaluation weeks/days, POD = outbreaks with an alarm while their cases occur, delay in weeks/days.\n\n${table(result, values['by-scenario'] === true)}\n`,
  );
  if (comparison) {
    process.stdout.write(
      `\nR surveillance farringtonFlexible on the first ${rSeries.length} weekly series (same series, same settings):\n${rTable(comparison)}\n`,
    );
  } else if (wantR) {
    process.stdout.write('\n(R comparison skipped: Rscript with surveillance and jsonlite not found)\n');
  }
  return 0;
}
