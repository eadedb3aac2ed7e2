/**
 * Which past time points farringtonFlexible fits its GLM on, for one time point k, as R
 * surveillance 1.20.3 (`algo.farrington.data.glm` and `blocks`) builds them for series
 * without dates: the windows k − i·frequency ± w (i = 1..b) plus the current window
 * k − w..k, all in seasonal group `noPeriods`; with noPeriods > 1 the gaps between windows
 * are cut into noPeriods − 1 blocks, groups 1..noPeriods − 1; then k − pastWeeksNotIncluded..k
 * are dropped. All indices in this file are R's: 1-based.
 */
import { invalidField } from './errors.ts';

/** The GLM rows for one time point: parallel arrays, one entry per included time point. */
export interface FarringtonRows {
  /** 1-based time index of each row; also the GLM's `wtime` covariate. */
  readonly wtime: readonly number[];
  readonly response: readonly number[];
  /** Seasonal group 1..noPeriods (noPeriods is the group of the windows around k). */
  readonly group: readonly number[];
}

export interface FarringtonWindow {
  readonly b: number;
  readonly w: number;
  readonly frequency: number;
  readonly noPeriods: number;
  readonly pastWeeksNotIncluded: number;
}

/**
 * R's `x[from:to] <- value` on a 1-based vector stored 0-based with length n + 1: `from:to`
 * runs downwards when from > to (R's colon), index 0 is silently skipped, and negative
 * indices mixed with positive ones are an error in R, so they are one here too.
 */
function assign(x: number[], from: number, to: number, value: number, what: string): void {
  const step = from <= to ? 1 : -1;
  if (Math.min(from, to) < 0 && Math.max(from, to) > 0) {
    throw invalidField('range', `${what} reaches before the start of the series (index ${Math.min(from, to)})`);
  }
  for (let i = from; step > 0 ? i <= to : i >= to; i += step) if (i > 0 && i < x.length) x[i] = value;
}

/** Seasonal group of every time point 1..n (NaN = not used), before dropping recent weeks. */
function blocks(n: number, k: number, o: FarringtonWindow): number[] {
  const { b, w, frequency, noPeriods: p } = o;
  const factors = new Array<number>(n + 1).fill(Number.NaN);
  assign(factors, k - w, k, p, 'the current window');
  for (let i = 1; i <= b; i++) {
    const refWeek = k - i * frequency;
    assign(factors, refWeek - w, refWeek + w, p, `reference window ${i}`);
    if (p === 1) continue;
    // The gap between this window and the next later one, cut into p − 1 blocks whose
    // lengths differ by at most one (the first `rest` blocks are one longer).
    const period = frequency - 2 * w - 1;
    if (period < p - (2 * w + 1)) throw invalidField('noPeriods', 'number of factors too big for frequency and w');
    const length = Math.floor(period / (p - 1));
    const rest = period - length * (p - 1);
    let start = refWeek + w + 1;
    for (let j = 1; j <= p - 1; j++) {
      const len = length + (j <= rest ? 1 : 0);
      assign(factors, start, start + len - 1, j, `seasonal block ${j}`);
      start += len;
    }
  }
  return factors;
}

/** The GLM rows farringtonFlexible uses at 1-based time point k. */
export function farringtonRows(observed: readonly number[], k: number, o: FarringtonWindow): FarringtonRows {
  const oldest = k - o.b * o.frequency;
  if (oldest < 1) {
    throw invalidField('range', `time point ${k} has no reference ${o.b} years back; decrease b or postpone range`);
  }
  const factors = blocks(observed.length, k, o);
  assign(factors, k - o.pastWeeksNotIncluded, k, Number.NaN, 'pastWeeksNotIncluded');
  const wtime: number[] = [];
  const response: number[] = [];
  const group: number[] = [];
  for (let t = 1; t < factors.length; t++) {
    const g = factors[t] as number;
    if (Number.isNaN(g)) continue;
    wtime.push(t);
    response.push(observed[t - 1] as number);
    group.push(g);
  }
  return { wtime, response, group };
}
