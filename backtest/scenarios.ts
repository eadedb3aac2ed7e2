/**
 * Simulation scenarios in the manner of Noufaily et al. (2013, Stat Med 32:1206): a
 * negative binomial baseline with mean exp(θ + βt + Σⱼ₌₁..ₘ γ₁cos(2πjt/P) + γ₂sin(2πjt/P)) and
 * variance φ·mean. Their 42 scenarios span low to high frequency, no or linear trend,
 * annual or biannual seasonality, Poisson to strongly overdispersed; these pick points of
 * that grid (parameter values ours), plus daily series with a weekday pattern for the daily
 * detectors.
 */

export interface Scenario {
  readonly name: string;
  /** 52 (weekly) or 7 (daily: P = 365.25 days and a weekday pattern). */
  readonly unit: 'week' | 'day';
  readonly theta: number;
  /** Trend per time unit (log scale). */
  readonly beta: number;
  readonly gamma1: number;
  readonly gamma2: number;
  /** Harmonics of the year: 0, 1 or 2. */
  readonly m: 0 | 1 | 2;
  /** Dispersion φ ≥ 1 (variance = φ·mean). */
  readonly phi: number;
}

export const WEEKLY_SCENARIOS: readonly Scenario[] = [
  { name: 'w-low-flat-poisson', unit: 'week', theta: 0.5, beta: 0, gamma1: 0, gamma2: 0, m: 0, phi: 1 },
  { name: 'w-low-seasonal', unit: 'week', theta: 0.5, beta: 0, gamma1: 0.6, gamma2: 0.6, m: 1, phi: 1.5 },
  { name: 'w-mid-trend-seasonal', unit: 'week', theta: 2.5, beta: 0.001, gamma1: 0.2, gamma2: -0.4, m: 1, phi: 2 },
  { name: 'w-mid-biannual', unit: 'week', theta: 2.5, beta: 0, gamma1: 0.3, gamma2: 0.3, m: 2, phi: 3 },
  { name: 'w-high-seasonal', unit: 'week', theta: 4.5, beta: 0, gamma1: 0.4, gamma2: 0.2, m: 1, phi: 5 },
  { name: 'w-high-trend', unit: 'week', theta: 3.75, beta: 0.001, gamma1: 0.5, gamma2: 0, m: 1, phi: 1.5 },
];

export const DAILY_SCENARIOS: readonly Scenario[] = [
  { name: 'd-low', unit: 'day', theta: 0, beta: 0, gamma1: 0, gamma2: 0, m: 0, phi: 1 },
  { name: 'd-mid-seasonal', unit: 'day', theta: 2, beta: 0, gamma1: 0.3, gamma2: 0.2, m: 1, phi: 1.5 },
  { name: 'd-high-trend', unit: 'day', theta: 4, beta: 0.0003, gamma1: 0.2, gamma2: -0.2, m: 1, phi: 2 },
];

/** Weekday multipliers Monday … Sunday for daily scenarios (clinic attendance pattern). */
export const WEEKDAY_PATTERN = [1.25, 1.1, 1.05, 1.0, 1.0, 0.7, 0.55] as const;

/** Baseline mean at time t (1-based), with day 1 a Monday for daily scenarios. */
export function baselineMean(s: Scenario, t: number): number {
  const period = s.unit === 'week' ? 52 : 365.25;
  let season = 0;
  for (let j = 1; j <= s.m; j++) {
    season += s.gamma1 * Math.cos((2 * Math.PI * j * t) / period) + s.gamma2 * Math.sin((2 * Math.PI * j * t) / period);
  }
  const weekday = s.unit === 'day' ? (WEEKDAY_PATTERN[(t - 1) % 7] as number) : 1;
  return Math.exp(s.theta + s.beta * t + season) * weekday;
}
