/**
 * One simulated surveillance series with injected outbreaks, after Noufaily et al. (2013):
 * a negative binomial baseline (scenarios.ts), four outbreaks in the historical part and
 * one in the evaluation part. An outbreak starting at t₀ has Poisson(k × sd(t₀)) cases,
 * sd(t₀) = √(φ·μ(t₀)) the baseline sd, spread over time by a log-normal(0, 0.5) delay
 * (weeks; truncated at 20, then discretised as surveillance::lognormDiscrete does); daily
 * series use the same delay in weeks, spread over days.
 */
import type { Variates } from './random.ts';
import { baselineMean, type Scenario } from './scenarios.ts';

export interface Outbreak {
  /** 0-based index of the first time unit. */
  readonly start: number;
  readonly k: number;
  /** Cases added, by time unit (absolute indices), all within the series. */
  readonly cases: ReadonlyMap<number, number>;
}

export interface SimulatedSeries {
  readonly scenario: string;
  readonly observed: number[];
  /** First index of the evaluation part (the detectors' range is evaluationFrom … end). */
  readonly evaluationFrom: number;
  /** The outbreak injected in the evaluation part. */
  readonly outbreak: Outbreak;
  /** true where any injected outbreak (historical or current) added cases. */
  readonly outbreakCases: boolean[];
}

export interface SimulationDesign {
  /** Series length in time units. Noufaily: 624 weeks. */
  readonly length: number;
  /** Time units evaluated at the end. Noufaily: 49 weeks. */
  readonly evaluation: number;
  /** k of the four historical outbreaks are drawn from these. Default [2, 3, 5, 10]. */
  readonly historicalK?: readonly number[];
}

/** Delay in time units of one case: ⌈X⌉ − 1 weeks, X ~ log-normal(0, 0.5) truncated at 20. */
function delayWeeks(v: Variates): number {
  let x: number;
  do x = Math.exp(0.5 * v.normal());
  while (x > 20);
  return Math.ceil(x) - 1;
}

function outbreak(s: Scenario, v: Variates, start: number, k: number, length: number): Outbreak {
  const mu = baselineMean(s, start + 1);
  const size = v.poisson(k * Math.sqrt(s.phi * mu));
  const cases = new Map<number, number>();
  for (let c = 0; c < size; c++) {
    // Daily series: the week of the delay, then a uniform day within it.
    const offset = s.unit === 'week' ? delayWeeks(v) : 7 * delayWeeks(v) + v.integer(7);
    const t = start + offset;
    if (t < length) cases.set(t, (cases.get(t) ?? 0) + 1);
  }
  return { start, k, cases };
}

/** Simulates one series; `k` is the size factor of the evaluation outbreak. */
export function simulateSeries(s: Scenario, design: SimulationDesign, k: number, v: Variates): SimulatedSeries {
  const { length, evaluation } = design;
  const evaluationFrom = length - evaluation;
  const observed = Array.from({ length }, (_, i) => v.negativeBinomial(baselineMean(s, i + 1), s.phi));
  const ks = design.historicalK ?? [2, 3, 5, 10];
  // Historical outbreaks end well before the evaluation part (the delay rarely exceeds 5 units).
  const historical = Array.from({ length: 4 }, () =>
    outbreak(s, v, v.integer(Math.max(1, evaluationFrom - 30)), ks[v.integer(ks.length)] as number, evaluationFrom),
  );
  const current = outbreak(s, v, evaluationFrom + v.integer(evaluation), k, length);
  const outbreakCases = new Array<boolean>(length).fill(false);
  for (const o of [...historical, current]) {
    for (const [t, n] of o.cases) {
      observed[t] = (observed[t] as number) + n;
      outbreakCases[t] = true;
    }
  }
  return { scenario: s.name, observed, evaluationFrom, outbreak: current, outbreakCases };
}
