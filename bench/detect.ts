// `ews bench detect` (a benchmark, not a test): (a) national scale — 3,321 communes × 10
// syndromes, the latest week through farringtonFlexible (Noufaily) over 6 years of weekly
// history, and the latest day through EARS C1–C3 + the ESSENCE switch over 2 years of days,
// spread over worker threads; wall time (detection only, series made beforehand) and peak
// RSS. (b) If R with surveillance is installed, the same 200 series through R's
// farringtonFlexible and earsC and through ours on one thread: R's time / ours.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FARRINGTON_SETTINGS } from '../backtest/detectors.ts';
import { rSurveillanceAvailable } from '../backtest/r-reference.ts';
import { earsC } from '../processors/detect/algorithms/ears.ts';
import { farringtonFlexible } from '../processors/detect/algorithms/farrington-flexible.ts';
import { benchSeries, SERIES } from './detect-data.ts';
import type { WorkerResult, WorkerTask } from './detect-worker.ts';

export interface PhaseFigures {
  readonly series: number;
  readonly workers: number;
  /** Wall seconds from "go" until every worker finished (series generation excluded). */
  readonly seconds: number;
  readonly alarms: number;
  /** Slowest worker's own detection time, s. */
  readonly slowestWorkerSeconds: number;
}

export interface RFigures {
  readonly series: number;
  readonly farrington: { readonly rSeconds: number; readonly oursSeconds: number; readonly ratio: number; readonly sameAlarms: number };
  readonly ears: { readonly rSeconds: number; readonly oursSeconds: number; readonly ratio: number };
}

export interface DetectBenchFigures {
  readonly weekly: PhaseFigures;
  readonly daily: PhaseFigures;
  readonly peakRssMb: number;
  readonly loadAverage: readonly number[];
  readonly r: RFigures | null;
}

function startWorker(task: WorkerTask): Worker {
  // Workers do not inherit the tsx loader registered by bin/ews.mjs: register it first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./detect-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: task });
}

/** Splits the series over `workers` threads, waits until all made their data, then times detection. */
async function phase(unit: 'week' | 'day', series: number, workers: number): Promise<PhaseFigures> {
  const per = Math.ceil(series / workers);
  const pool = Array.from({ length: workers }, (_, w) => startWorker({ unit, from: w * per, to: Math.min(series, (w + 1) * per) }));
  const ready = pool.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      }),
  );
  await Promise.all(ready);
  const started = performance.now();
  const done = pool.map(
    (w) =>
      new Promise<WorkerResult>((resolve, reject) => {
        w.once('message', (m: WorkerResult) => resolve(m));
        w.once('error', reject);
        w.postMessage('go');
      }),
  );
  const results = await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pool.map((w) => w.terminate()));
  return {
    series: results.reduce((s, r) => s + r.evaluated, 0),
    workers,
    seconds,
    alarms: results.reduce((s, r) => s + r.alarms, 0),
    slowestWorkerSeconds: Math.max(...results.map((r) => r.seconds)),
  };
}

/**
 * Median of seven timings of `f` after one untimed run (which lets V8 optimise the code, as
 * it would be in a running pipeline), seconds. The median rather than the best, because the
 * machine may be shared and R gets a single run.
 */
function medianOf7(f: () => void): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    f();
    times.push((performance.now() - started) / 1000);
  }
  return times.sort((a, b) => a - b)[3] as number;
}

/** (b): 200 weekly and 200 daily series through R (timed inside R) and through ours (one thread). */
function againstR(n: number): RFigures {
  const weekly = Array.from({ length: n }, (_, i) => benchSeries(i, 'week'));
  const daily = Array.from({ length: n }, (_, i) => benchSeries(i, 'day'));
  const control = Object.fromEntries(Object.entries(FARRINGTON_SETTINGS.noufaily).filter(([k]) => k !== 'range'));
  const dir = mkdtempSync(join(tmpdir(), 'ews-bench-r-'));
  let r: { seconds: { farrington: number; ears: number }; farringtonAlarm: number[] };
  try {
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ weekly, daily, farrington: control }));
    const script = new URL('../scripts/reference/bench-detect.R', import.meta.url).pathname;
    execFileSync('Rscript', [script, join(dir, 'in.json'), join(dir, 'out.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
    r = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as typeof r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let ours: boolean[] = [];
  const ffSeconds = medianOf7(() => {
    ours = weekly.map((observed) => {
      const last = observed.length - 1;
      return farringtonFlexible({ observed, frequency: 52 }, { ...FARRINGTON_SETTINGS.noufaily, range: [last, last] })[0]?.alarm === true;
    });
  });
  // The same work as R: C1 and C2 on the last day, C3 on the last two.
  const earsSeconds = medianOf7(() => {
    for (const observed of daily) {
      const last = observed.length - 1;
      earsC(observed, { method: 'C1', range: [last, last] });
      earsC(observed, { method: 'C2', range: [last, last] });
      earsC(observed, { method: 'C3', range: [last - 1, last] });
    }
  });
  return {
    series: n,
    farrington: {
      rSeconds: r.seconds.farrington,
      oursSeconds: ffSeconds,
      ratio: r.seconds.farrington / ffSeconds,
      sameAlarms: ours.filter((a, i) => a === (r.farringtonAlarm[i] === 1)).length,
    },
    ears: { rSeconds: r.seconds.ears, oursSeconds: earsSeconds, ratio: r.seconds.ears / earsSeconds },
  };
}

export interface DetectBenchOptions {
  /** Worker threads. Default 2 (the target machine's cores). */
  readonly workers?: number;
  /** Series in (a). Default 3,321 × 10. */
  readonly series?: number;
  /** Series in (b); 0 skips R. Default 200. */
  readonly rSeries?: number;
}

export async function benchDetect(options: DetectBenchOptions = {}): Promise<DetectBenchFigures> {
  const workers = options.workers ?? 2;
  const series = options.series ?? SERIES;
  const rSeries = options.rSeries ?? 200;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  try {
    const weekly = await phase('week', series, workers);
    const daily = await phase('day', series, workers);
    const r = rSeries > 0 && rSurveillanceAvailable() ? againstR(rSeries) : null;
    peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
    const { loadavg } = await import('node:os');
    return { weekly, daily, peakRssMb: Math.round(peakRss / 2 ** 20), loadAverage: loadavg().map((x) => Math.round(x * 100) / 100), r };
  } finally {
    clearInterval(sampler);
  }
}
