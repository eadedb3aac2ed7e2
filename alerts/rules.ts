import type { Alert } from '../schemas/alerts.ts';
import type { Signal } from '../schemas/signals.ts';

export interface AlertRules {
  /** Lowest signal level that opens or updates an alert. */
  minLevel: 'red' | 'yellow';
  /**
   * An alarm on fewer cases than this opens nothing (guards against 0→1 alarms on sparse
   * series). Statistical signals only: a rule hit ({@link isRuleSignal}) carries its own
   * threshold (one case of a group-A disease), which this must not hide.
   */
  minObserved: number;
}

/** A hit of a rule of the rules file (alerts/count-rules.ts): `algorithm` is `rule:<id>`. */
export const isRuleSignal = (s: Pick<Signal, 'algorithm'>): boolean => s.algorithm.startsWith('rule:');

/** The case-count floor of the alert rules: statistical signals need `minObserved` cases, rule hits pass. */
export const enoughCases = (s: Pick<Signal, 'algorithm' | 'observed'>, rules: Pick<AlertRules, 'minObserved'>): boolean =>
  isRuleSignal(s) || s.observed >= rules.minObserved;

export type AlertDecision = { action: 'none' } | { action: 'open'; alert: Alert } | { action: 'update'; alert: Alert };

const rank = { none: 0, yellow: 1, red: 2 } as const;

/**
 * Turns a signal into an alert decision, given the alert currently open for the same
 * (commune, syndrome), if any. One open alert per commune × syndrome: further alarms update
 * it. Pure: ids and time are passed in.
 */
export function decide(signal: Signal, open: Alert | undefined, rules: AlertRules, ctx: { now: string; newId: string }): AlertDecision {
  if (!signal.alarm && rank[signal.level] < rank[rules.minLevel]) return { action: 'none' };
  if (rank[signal.level] < rank[rules.minLevel]) return { action: 'none' };
  if (!enoughCases(signal, rules)) return { action: 'none' };
  const level = signal.level === 'red' ? 'red' : 'yellow';
  if (!open) {
    return {
      action: 'open',
      alert: {
        alert_id: ctx.newId,
        commune_code: signal.commune_code,
        area_level: signal.area_level,
        granularity: signal.granularity,
        cluster_communes: signal.cluster_communes ?? [],
        syndrome: signal.syndrome,
        status: 'open',
        level,
        algorithm: signal.algorithm,
        first_day: signal.day,
        last_day: signal.day,
        observed: signal.observed,
        expected: signal.expected,
        threshold: signal.upperbound,
        p_value: signal.p_value,
        signal_count: 1,
        opened_at: ctx.now,
        updated_at: ctx.now,
      },
    };
  }
  // The same day re-evaluated with a higher count refreshes the figures without counting a new signal.
  const sameDay = signal.day === open.last_day;
  const newer = signal.day >= open.last_day;
  if (sameDay && signal.observed <= open.observed && rank[level] <= rank[open.level]) return { action: 'none' };
  return {
    action: 'update',
    alert: {
      ...open,
      level: rank[level] > rank[open.level] ? level : open.level,
      first_day: signal.day < open.first_day ? signal.day : open.first_day,
      last_day: newer ? signal.day : open.last_day,
      observed: newer ? signal.observed : open.observed,
      expected: newer ? signal.expected : open.expected,
      threshold: newer ? signal.upperbound : open.threshold,
      p_value: newer ? signal.p_value : open.p_value,
      algorithm: newer ? signal.algorithm : open.algorithm,
      // A cluster that moves keeps one alert: it covers every commune seen in it.
      cluster_communes: [...new Set([...open.cluster_communes, ...(signal.cluster_communes ?? [])])],
      signal_count: open.signal_count + (sameDay ? 0 : 1),
      updated_at: ctx.now,
    },
  };
}
