/**
 * Which (series, period) pairs to (re)evaluate — pure. Periods are integers: day numbers for
 * daily series, week numbers for weekly ones (see `periods.ts`).
 */

/** A cell whose count may have changed: series key `syndrome|area` and its period. */
export interface ChangedCell {
  syndrome: string;
  area: string;
  period: number;
}

export interface EvaluationPlan {
  /** `syndrome|area` → periods to evaluate, ascending. */
  targets: Map<string, number[]>;
  /** First and last period that must be read (history included). */
  readFrom: number;
  readTo: number;
}

export interface PlanOptions {
  /** The current period: nothing later is evaluated. */
  current: number;
  /** Only periods at most this many before the current one are evaluated (older ones never alert). */
  horizon: number;
  /** How many following periods a change influences through their baselines. */
  influence: number;
  /** Periods of history a detector needs before the evaluated one. */
  history: number;
  /** Series ids that are not detected (denominators). */
  isDetectable: (syndrome: string) => boolean;
}

/**
 * After counts changed: each changed period inside the horizon, plus the periods after it
 * whose baselines include it.
 */
export function planEvaluation(changed: readonly ChangedCell[], o: PlanOptions): EvaluationPlan | undefined {
  const first = o.current - o.horizon;
  const targets = new Map<string, Set<number>>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of changed) {
    if (!o.isDetectable(c.syndrome)) continue;
    if (!(c.period <= o.current) || c.period + o.influence < first) continue;
    const key = `${c.syndrome}|${c.area}`;
    let set = targets.get(key);
    if (!set) targets.set(key, (set = new Set()));
    for (let t = Math.max(c.period, first); t <= Math.min(o.current, c.period + o.influence); t++) {
      set.add(t);
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
  }
  if (targets.size === 0) return undefined;
  return {
    targets: new Map([...targets].map(([k, s]) => [k, [...s].sort((a, b) => a - b)])),
    readFrom: lo - o.history,
    readTo: hi,
  };
}

/** Every series on one period (a scheduled run). */
export function planFullPeriod(seriesKeys: readonly string[], period: number, history: number): EvaluationPlan {
  return { targets: new Map(seriesKeys.map((k) => [k, [period]])), readFrom: period - history, readTo: period };
}
