// One worker of `ews bench detect`: makes its slice of the synthetic national series, says
// it is ready, and on "go" evaluates the latest time point of each (farringtonFlexible with
// Noufaily's settings on weekly series; EARS C1–C3 and the ESSENCE switch on daily series).
import { parentPort, workerData } from 'node:worker_threads';
import { FARRINGTON_SETTINGS } from '../backtest/detectors.ts';
import { earsC } from '../processors/detect/algorithms/ears.ts';
import { createTQuantileTable } from '../processors/detect/algorithms/essence-common.ts';
import { essenceSwitch } from '../processors/detect/algorithms/essence-switch.ts';
import { farringtonFlexible } from '../processors/detect/algorithms/farrington-flexible.ts';
import { benchSeries } from './detect-data.ts';

export interface WorkerTask {
  readonly unit: 'week' | 'day';
  readonly from: number;
  readonly to: number;
}

export interface WorkerResult {
  readonly evaluated: number;
  readonly alarms: number;
  /** Wall seconds of this worker's detection loop. */
  readonly seconds: number;
}

function evaluate(series: readonly number[][], unit: 'week' | 'day'): { alarms: number } {
  let alarms = 0;
  if (unit === 'week') {
    for (const observed of series) {
      const last = observed.length - 1;
      const [p] = farringtonFlexible({ observed, frequency: 52 }, { ...FARRINGTON_SETTINGS.noufaily, range: [last, last] });
      if (p?.alarm) alarms += 1;
    }
    return { alarms };
  }
  const quantiles = createTQuantileTable();
  for (const observed of series) {
    const last = observed.length - 1;
    for (const method of ['C1', 'C2', 'C3'] as const) if (earsC(observed, { method, range: [last, last] })[0]?.alarm) alarms += 1;
    // Day 0 of the synthetic series is a Monday.
    if (essenceSwitch(observed, { startWeekday: 1, range: [last, last], quantiles })[0]?.alarm) alarms += 1;
  }
  return { alarms };
}

const task = workerData as WorkerTask;
const series: number[][] = [];
for (let i = task.from; i < task.to; i++) series.push(benchSeries(i, task.unit));
parentPort?.on('message', () => {
  const started = performance.now();
  const { alarms } = evaluate(series, task.unit);
  const result: WorkerResult = { evaluated: series.length, alarms, seconds: (performance.now() - started) / 1000 };
  parentPort?.postMessage(result);
});
parentPort?.postMessage('ready');
