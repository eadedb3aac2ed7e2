import type { CountKey } from './count-processor.ts';
import { dayString, parseDay } from './window.ts';

export interface EvaluationPlan {
  /** `syndrome|commune` → day numbers to evaluate, ascending. */
  targets: Map<string, number[]>;
  /** First and last day number that must be read (history included). */
  readFrom: number;
  readTo: number;
}

export interface PlanOptions {
  /** Today's local day number: nothing later is evaluated. */
  today: number;
  /** Only days at most this many days before today are evaluated (older ones never alert). */
  horizonDays: number;
  /** How many following days a change influences through their baselines. */
  influenceDays: number;
  /** Days of history a detector needs before the evaluated day. */
  historyDays: number;
  /** Series ids that are not detected (denominators). */
  isDetectable: (syndrome: string) => boolean;
}

/**
 * Which (series, day) pairs to (re)evaluate after counts changed: each changed day inside
 * the horizon, plus the days after it whose baselines include it. Pure.
 */
export function planEvaluation(changed: readonly CountKey[], o: PlanOptions): EvaluationPlan | undefined {
  const first = o.today - o.horizonDays;
  const targets = new Map<string, Set<number>>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const k of changed) {
    if (!o.isDetectable(k.syndrome)) continue;
    const d = parseDay(k.day);
    if (!(d <= o.today) || d + o.influenceDays < first) continue;
    const key = `${k.syndrome}|${k.commune_code}`;
    let set = targets.get(key);
    if (!set) targets.set(key, (set = new Set()));
    for (let t = Math.max(d, first); t <= Math.min(o.today, d + o.influenceDays); t++) {
      set.add(t);
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
  }
  if (targets.size === 0) return undefined;
  return {
    targets: new Map([...targets].map(([k, s]) => [k, [...s].sort((a, b) => a - b)])),
    readFrom: lo - o.historyDays,
    readTo: hi,
  };
}

/** All (series, day) pairs for a scheduled run of one day over every series. */
export function planFullDay(seriesKeys: readonly string[], day: number, historyDays: number): EvaluationPlan {
  return { targets: new Map(seriesKeys.map((k) => [k, [day]])), readFrom: day - historyDays, readTo: day };
}

export const dayOf = dayString;
