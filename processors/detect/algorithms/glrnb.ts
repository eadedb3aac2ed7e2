/**
 * GLR detector for Poisson and negative binomial counts (Höhle & Paul 2008) exactly as
 * R surveillance 1.20.3 `glrnb`/`algo.glrnb`: the chart runs over the range until its first
 * alarm, then restarts just after it (the count at the alarm becomes x₀ of the epidemic
 * chart; with mu0 = {refit: true} the baseline is refitted on all data up to the alarm).
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import { nbEpidemicGlr, nbInterceptGlr, nbInterceptGlrAt, nbLrCusum, type NbWindowOptions } from './glr-negbin.ts';
import { poissonEpidemicGlr, poissonInterceptGlr, poissonLrCusum, type ChartRun } from './glr-poisson.ts';
import { estimateGlrnbBaseline, type GlrnbBaselineModel } from './glrnb-baseline.ts';
import type { DetectorPoint, IndexRange } from './types.ts';

/** Control of {@link glrnb}; names and defaults as R's `control` list (c.ARL → cARL). */
export interface GlrnbControl {
  /** Alarm threshold on the GLR statistic. Default 5. */
  readonly cARL?: number;
  /**
   * In-control means, one per time point in range; or the baseline model to fit on the
   * time points before range (default { S: 1, trend: false, refit: false }).
   */
  readonly mu0?: readonly number[] | GlrnbBaselineModel;
  /**
   * NB dispersion α (Var = μ + αμ²); 0 = Poisson. Default: estimated (1/θ of glm.nb) when
   * mu0 is fitted; 0 when mu0 is given (R stops with an error there instead).
   */
  readonly alpha?: number;
  /** Minimum number of time points in a change window. Default 1. */
  readonly Mtilde?: number;
  /** Look back at most M time points for the change; −1 = unlimited. Default −1. */
  readonly M?: number;
  /** Alternative: a shift of the intercept, or an epidemic term e^θ·x_{t−1}. Default "intercept". */
  readonly change?: 'intercept' | 'epi';
  /** Known intercept change κ (then an LR CUSUM instead of a GLR); must not be 1, as in R. */
  readonly theta?: number;
  /** Direction of the intercept change to detect. Default "inc". */
  readonly dir?: 'inc' | 'dec';
  /** upperbound = the statistic ("value") or the count that would alarm ("cases"). Default "value". */
  readonly ret?: 'value' | 'cases';
  /** Largest count tried when searching "cases" for the NB GLR. Default 10000. */
  readonly xMax?: number;
  /** Time points to evaluate, 0-based inclusive. Default: from index 2·frequency (or the last mu0.length) to the end. */
  readonly range?: IndexRange;
}

/** The series: counts oldest first and observations per year (the harmonics' period). */
export interface GlrnbSeries {
  readonly observed: readonly number[];
  readonly frequency: number;
}

interface Resolved {
  readonly from: number;
  readonly to: number;
  readonly cARL: number;
  readonly alpha: number | undefined;
  readonly Mtilde: number;
  readonly M: number;
  readonly change: 'intercept' | 'epi';
  readonly theta: number | undefined;
  readonly dir: 1 | -1;
  readonly cases: boolean;
  readonly xMax: number;
}

function integer(v: number, field: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw invalidField(field, `must be an integer ≥ ${min}`);
  return v;
}

function resolve(series: GlrnbSeries, c: GlrnbControl): Resolved {
  assertFiniteSeries(series.observed, 'observed');
  const n = series.observed.length;
  const given = Array.isArray(c.mu0) ? (c.mu0 as readonly number[]) : null;
  const [from, to] = c.range ?? (given ? [n - given.length, n - 1] : [2 * series.frequency, n - 1]);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to >= n) {
    throw invalidField('range', `must be integers with 0 ≤ from ≤ to < ${n}`);
  }
  if (given && given.length !== to - from + 1) throw invalidField('mu0', `must have ${to - from + 1} entries (range)`);
  if (given?.some((m) => !(m > 0))) throw invalidField('mu0', 'means must be positive');
  if (c.theta !== undefined && c.theta === 1) throw invalidField('theta', 'has to be larger than 1 (R)');
  const alpha = c.alpha ?? (given ? 0 : undefined);
  if (alpha !== undefined && !(alpha >= 0)) throw invalidField('alpha', 'must be ≥ 0');
  const change = c.change ?? 'intercept';
  if (change !== 'intercept' && change !== 'epi') throw invalidField('change', 'must be intercept or epi');
  const ret = c.ret ?? 'value';
  if (ret === 'cases' && change === 'epi') throw invalidField('ret', '"cases" exists only for change = "intercept"');
  return {
    from,
    to,
    cARL: c.cARL ?? 5,
    alpha,
    Mtilde: integer(c.Mtilde ?? 1, 'Mtilde', 1),
    M: integer(c.M ?? -1, 'M', -1),
    change,
    theta: c.theta,
    dir: (c.dir ?? 'inc') === 'inc' ? 1 : -1,
    cases: ret === 'cases',
    xMax: c.xMax ?? 10000,
  };
}

/** R's brute-force "cases" for the NB GLR: move x[pos] one at a time until the alarm at pos flips. */
function nbCases(x: Int32Array, mu0: ArrayLike<number>, run: ChartRun, o: NbWindowOptions, xMax: number): Float64Array {
  const cases = new Float64Array(x.length);
  const last = run.alarmAt === null ? x.length - 1 : run.alarmAt;
  const first = Math.max(o.Mtilde - 1, 0);
  const my = Int32Array.from(x);
  for (let pos = 0; pos <= last; pos++) {
    // Earlier positions are unchanged and did not alarm, so "alarm by pos" is the statistic at pos.
    const alarmsAt = (): boolean => pos >= first && nbInterceptGlrAt(pos, my, mu0, o) >= o.cARL;
    const gotAlarm = pos === run.alarmAt;
    const step = gotAlarm ? -1 : 1;
    let found: number | null = null;
    while (found === null && (my[pos] as number) <= xMax && (my[pos] as number) >= 1) {
      my[pos] = (my[pos] as number) + step;
      if (alarmsAt() !== gotAlarm) found = (my[pos] as number) + (gotAlarm ? 1 : 0);
    }
    // R: NA (shown as 0) when an alarm cannot be undone, 1e99 when none can be provoked
    // (including a zero count, which R's search never moves).
    cases[pos] = found ?? (gotAlarm ? 0 : 1e99);
    my[pos] = x[pos] as number;
  }
  return cases;
}

/** One R `.C` call on a segment, choosing the routine as algo.glrnb does. */
function runChart(x: Int32Array, mu0: readonly number[], alpha: number, xm10: number, o: Resolved): ChartRun {
  const window: NbWindowOptions = { alpha, Mtilde: o.Mtilde, M: o.M, cARL: o.cARL, dir: o.dir };
  let run: ChartRun;
  if (o.change === 'epi') {
    const epi = { Mtilde: o.Mtilde, M: o.M, cARL: o.cARL, xm10 };
    run = alpha === 0 ? poissonEpidemicGlr(x, mu0, epi) : nbEpidemicGlr(x, mu0, { ...epi, alpha });
  } else if (o.theta !== undefined) {
    run =
      alpha === 0
        ? poissonLrCusum(x, mu0, o.theta, o.cARL, o.cases)
        : nbLrCusum(x, mu0, { alpha, kappa: o.theta, cARL: o.cARL, returnCases: o.cases });
  } else if (alpha === 0) {
    run = poissonInterceptGlr(x, mu0, { cARL: o.cARL, dir: o.dir, Mtilde: o.Mtilde, M: o.M, returnCases: o.cases });
  } else {
    run = nbInterceptGlr(x, mu0, window);
    if (o.cases) run = { ...run, cases: nbCases(x, mu0, run, window, o.xMax) };
  }
  return run;
}

/**
 * GLR-NB over `control.range`, one {@link DetectorPoint} per time point. upperbound and
 * alarm equal R's (negative and NA upperbounds are 0, as R reports them). `expected` is the
 * in-control mean μ₀ in force at that time point, `score` the GLR (or LR) statistic, which
 * alarms when it reaches cARL (exceeds it for the LR CUSUM and the Poisson epidemic chart,
 * as in R); there is no p-value. Counts are truncated to integers, as R's `as.integer`.
 */
export function glrnb(series: GlrnbSeries, control: GlrnbControl = {}): DetectorPoint[] {
  const o = resolve(series, control);
  const { observed, frequency } = series;
  const length = o.to - o.from + 1;
  const x = Int32Array.from(observed.slice(o.from, o.to + 1), Math.trunc);
  const model = Array.isArray(control.mu0) ? null : ((control.mu0 ?? {}) as GlrnbBaselineModel);
  let alpha = o.alpha;
  let mu0: number[];
  if (model === null) {
    mu0 = [...(control.mu0 as readonly number[])];
  } else {
    const fitted = estimateGlrnbBaseline(observed, frequency, o.from, o.to, model, alpha);
    mu0 = fitted.mu0;
    alpha = fitted.alpha;
  }
  const usedAlpha = alpha ?? 0;
  const upper = new Float64Array(length);
  const statistic = new Float64Array(length);
  const expected = new Float64Array(length);
  const alarm = new Array<boolean>(length).fill(false);
  let done = 0;
  let xm10 = 0;
  while (done < length) {
    const segment = x.subarray(done);
    const run = runChart(segment, mu0, usedAlpha, xm10, o);
    const out = o.cases ? (run.cases as Float64Array) : run.value;
    const count = run.alarmAt === null ? segment.length : run.alarmAt + 1;
    for (let i = 0; i < count; i++) {
      upper[done + i] = out[i] as number;
      statistic[done + i] = run.value[i] as number;
      expected[done + i] = mu0[i] as number;
    }
    if (run.alarmAt === null) break;
    alarm[done + run.alarmAt] = true;
    xm10 = segment[run.alarmAt] as number;
    done += count;
    if (done >= length) break;
    mu0 = model?.refit ? estimateGlrnbBaseline(observed, frequency, o.from + done, o.to, model, usedAlpha).mu0 : mu0.slice(count);
  }
  return Array.from({ length }, (_, i) => {
    const u = upper[i] as number;
    return {
      index: o.from + i,
      observed: observed[o.from + i] as number,
      expected: expected[i] as number,
      upperbound: Number.isNaN(u) || u < 0 ? 0 : u,
      alarm: alarm[i] as boolean,
      pValue: null,
      score: statistic[i] as number,
    };
  });
}
