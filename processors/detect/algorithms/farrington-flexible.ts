/**
 * farringtonFlexible (Farrington et al. 1996; Noufaily et al. 2013) as R surveillance
 * 1.20.3 computes it on a series without dates: for each time point, fit a quasi-Poisson
 * GLM to the same season in the b previous years (see farrington-data.ts and
 * farrington-model.ts) and compare the count with an upper prediction threshold.
 */
import { assertFiniteSeries, invalidField } from './errors.ts';
import { farringtonRows } from './farrington-data.ts';
import { fitFarringtonModel } from './farrington-model.ts';
import { farringtonThreshold, noufailyThreshold, type PowerTransform } from './farrington-threshold.ts';
import type { DetectorPoint, IndexRange } from './types.ts';

/** Control of {@link farringtonFlexible}; names and defaults as R's `control` list. */
export interface FarringtonControl {
  /** Years back to take reference values from. Default 5. */
  readonly b?: number;
  /** Half-width of the reference window around each past time point. Default 3. */
  readonly w?: number;
  /** Refit with weights that down-weight past outbreaks. Default true. */
  readonly reweight?: boolean;
  /** Anscombe residual above which a point is down-weighted. Default 2.58. */
  readonly weightsThreshold?: number;
  /** Default 0.05: threshold = (1 − alpha) prediction limit. */
  readonly alpha?: number;
  /** Try a linear time trend. Default true. */
  readonly trend?: boolean;
  /** Keep the trend only when its p-value is below this. Default 0.05. */
  readonly pThresholdTrend?: number;
  /** No alarm (and no upperbound) unless the last [1] time points hold ≥ [0] cases. Default [5, 4]. */
  readonly limit54?: readonly [cases: number, period: number];
  /** Power transformation of the delta method. Default "2/3". */
  readonly powertrans?: PowerTransform;
  /** Offset log(population). Default false. */
  readonly populationOffset?: boolean;
  /** Seasonal groups: 1 = reference windows only; > 1 also fits the rest of each year. Default 1. */
  readonly noPeriods?: number;
  /** Most recent time points left out of the fit. Default w. */
  readonly pastWeeksNotIncluded?: number;
  /** Default "delta" (Farrington 1996); "nbPlugin" and "muan" are Noufaily's. */
  readonly thresholdMethod?: 'delta' | 'nbPlugin' | 'muan';
  /** Time points to evaluate, 0-based inclusive. Default: from index frequency·b + w. */
  readonly range?: IndexRange;
}

/** The series: counts oldest first, observations per year, and (for the offset) population. */
export interface FarringtonSeries {
  readonly observed: readonly number[];
  readonly frequency: number;
  /** Same length as observed; required only with populationOffset. Default all 1. */
  readonly population?: readonly number[];
}

function integer(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw invalidField(field, `must be an integer ≥ ${min}`);
  return value;
}

function resolve(series: FarringtonSeries, c: FarringtonControl) {
  assertFiniteSeries(series.observed, 'observed');
  if (series.observed.some((y) => y < 0)) throw invalidField('observed', 'counts must be ≥ 0 (quasi-Poisson)');
  const b = integer(c.b ?? 5, 'b', 1);
  const w = integer(c.w ?? 3, 'w', 0);
  const frequency = integer(series.frequency, 'frequency', 1);
  const alpha = c.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw invalidField('alpha', 'must be in (0, 1)');
  const [cases, period] = c.limit54 ?? [5, 4];
  if (!(cases >= 0)) throw invalidField('limit54', 'cases must be ≥ 0');
  integer(period, 'limit54', 1);
  const thresholdMethod = c.thresholdMethod ?? 'delta';
  if (!['delta', 'nbPlugin', 'muan'].includes(thresholdMethod)) {
    throw invalidField('thresholdMethod', 'must be delta, nbPlugin or muan');
  }
  const powertrans = c.powertrans ?? '2/3';
  if (!['2/3', '1/2', 'none'].includes(powertrans)) throw invalidField('powertrans', 'must be "2/3", "1/2" or "none"');
  const n = series.observed.length;
  const populationOffset = c.populationOffset ?? false;
  const population = series.population;
  if (populationOffset && (population?.length !== n || population.some((p) => !(p > 0)))) {
    throw invalidField('population', `must hold ${n} positive numbers when populationOffset is true`);
  }
  const [from, to] = c.range ?? [frequency * b + w, n - 1];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to >= n) {
    throw invalidField('range', `must be integers with 0 ≤ from ≤ to < ${n}`);
  }
  return {
    window: {
      b,
      w,
      frequency,
      noPeriods: integer(c.noPeriods ?? 1, 'noPeriods', 1),
      pastWeeksNotIncluded: integer(c.pastWeeksNotIncluded ?? w, 'pastWeeksNotIncluded', 0),
    },
    model: {
      trend: c.trend ?? true,
      reweight: c.reweight ?? true,
      weightsThreshold: c.weightsThreshold ?? 2.58,
      pThresholdTrend: c.pThresholdTrend ?? 0.05,
    },
    alpha,
    cases,
    period,
    thresholdMethod,
    powertrans,
    from,
    to,
    logPopulation: populationOffset && population ? population.map(Math.log) : undefined,
  };
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * farringtonFlexible over `control.range`. upperbound and alarm equal R's; null where R
 * gives NA: upperbound and expected when the last limit54[1] time points hold fewer than
 * limit54[0] cases (alarm is then false, as in R), everything when the GLM does not converge.
 * `pValue` is R's P(Y ≥ y) and `score` R's (y − fit)/(upper − fit) (alarm needs score > 1).
 */
export function farringtonFlexible(series: FarringtonSeries, control: FarringtonControl = {}): DetectorPoint[] {
  const o = resolve(series, control);
  const { observed } = series;
  const points: DetectorPoint[] = [];
  for (let t = o.from; t <= o.to; t++) {
    const k = t + 1; // R's 1-based index
    const y = observed[t] as number;
    const rows = farringtonRows(observed, k, o.window);
    const log = o.logPopulation;
    const offsets = log && { rows: rows.wtime.map((i) => log[i - 1] as number), now: log[t] as number };
    const model = fitFarringtonModel(rows, k, offsets, { ...o.model, b: o.window.b, noPeriods: o.window.noPeriods });
    if (model === null) {
      points.push({ index: t, observed: y, expected: null, upperbound: null, alarm: null, pValue: null, score: null });
      continue;
    }
    const mean = o.thresholdMethod === 'delta' ? Math.max(Math.exp(model.eta), Number.EPSILON) : Math.exp(model.eta);
    const th =
      o.thresholdMethod === 'delta'
        ? farringtonThreshold(mean, model.seEta * mean, model.phi, o.powertrans, o.alpha, y)
        : noufailyThreshold(model.eta, model.seEta, model.phi, o.thresholdMethod, o.alpha, y);
    let recent = 0;
    for (let i = Math.max(1, k - o.period + 1); i <= k; i++) recent += observed[i - 1] as number;
    const enoughCases = recent >= o.cases;
    const bounded = enoughCases && !Number.isNaN(th.upper);
    points.push({
      index: t,
      observed: y,
      expected: bounded ? mean : null,
      upperbound: bounded ? th.upper : null,
      alarm: enoughCases && th.score > 1 && y !== 0,
      pValue: orNull(th.prob),
      score: orNull(th.score),
    });
  }
  return points;
}
