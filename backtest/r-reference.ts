/**
 * Runs R's farringtonFlexible (surveillance) on the backtest's weekly series through
 * scripts/reference/backtest-farrington.R, when Rscript and the package are installed.
 * The only I/O of the backtest: a temporary JSON file each way and one child process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FarringtonControl } from '../processors/detect/algorithms/farrington-flexible.ts';

/** True when `Rscript` runs and loads surveillance. */
export function rSurveillanceAvailable(): boolean {
  try {
    execFileSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(surveillance)); library(jsonlite)'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    return true;
  } catch {
    return false;
  }
}

export interface RFarringtonRun {
  /** Alarm flags per setting, per series, per time point of the range. */
  readonly alarms: Readonly<Record<string, boolean[][]>>;
  readonly upperbound: Readonly<Record<string, (number | null)[][]>>;
  /** R's elapsed seconds per setting. */
  readonly seconds: Readonly<Record<string, number>>;
}

/** Our control in R's names (identical names; the range is passed separately, 1-based). */
function rControl(c: FarringtonControl): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'range'));
}

/** R farringtonFlexible over `range` (0-based, inclusive) of each series, per named setting. */
export function runRFarrington(
  series: readonly (readonly number[])[],
  range: readonly [number, number],
  controls: Readonly<Record<string, FarringtonControl>>,
): RFarringtonRun {
  const dir = mkdtempSync(join(tmpdir(), 'ews-backtest-r-'));
  try {
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    const rControls = Object.fromEntries(Object.entries(controls).map(([k, c]) => [k, rControl(c)]));
    writeFileSync(input, JSON.stringify({ series, range: [range[0] + 1, range[1] + 1], controls: rControls }));
    const script = new URL('../scripts/reference/backtest-farrington.R', import.meta.url).pathname;
    execFileSync('Rscript', [script, input, output], { stdio: ['ignore', 'ignore', 'inherit'] });
    const raw = JSON.parse(readFileSync(output, 'utf8')) as {
      alarms: Record<string, (number | null)[][]>;
      upperbound: Record<string, (number | null)[][]>;
      seconds: Record<string, number>;
    };
    const alarms = Object.fromEntries(Object.entries(raw.alarms).map(([k, v]) => [k, v.map((s) => s.map((a) => a === 1))]));
    return { alarms, upperbound: raw.upperbound, seconds: raw.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
