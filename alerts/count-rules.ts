/**
 * Evaluates the rules of the rules file (./rule-file.ts) over daily count series. Pure: the
 * caller reads the series (CountStore.readSeries, one call per area level, over the days
 * {@link ruleSeriesNeeds} names) and the populations; hits come back as signals
 * (`algorithm: "rule:<id>"`), so grouping and the alert service treat them like the detectors'.
 *
 * Boundaries are all ≥ (see rule-file.ts): a count rule fires at `threshold` cases, not above
 * it; a rate rule when cases × 100,000 ≥ threshold × population (integer arithmetic on the
 * counts, so 3 per 100,000 in 100,000 residents fires at exactly 3 cases).
 */
import { dayString, parseDay } from '../platform/days.ts';
import type { Signal } from '../schemas/signals.ts';
import type { AlertRule, CountRule, ImmediateRule, RateRule, RuleArea } from './rule-file.ts';

/** Daily counts the rules read, for one evaluated day. */
export interface RuleCounts {
  /** Day (YYYY-MM-DD) of index 0 of every series. */
  readonly from: string;
  /** Daily series keyed `syndrome|area` (as CountStore.readSeries returns them), per area level. */
  readonly commune: ReadonlyMap<string, readonly number[]>;
  readonly province: ReadonlyMap<string, readonly number[]>;
  /** Residents of an area (commune or province code); undefined, or 0, when unknown. */
  population(level: RuleArea, area: string): number | undefined;
}

/** A rule that could not be applied to an area, and why (for logs and the rules page). */
export interface RuleSkip {
  readonly rule_id: string;
  readonly syndrome: string;
  readonly area_level: RuleArea;
  readonly area: string;
  readonly reason: string;
}

export interface RuleEvaluation {
  /** One signal per rule × series that fired on the day; rules that do not fire emit nothing. */
  readonly signals: Signal[];
  readonly skipped: RuleSkip[];
}

/** ISO week of a day number, Monday-based (as processors/detect/periods.ts). */
const mondayOf = (day: number): number => Math.floor((day + 3) / 7) * 7 - 3;

/** First day of the window a rule reads for `day` (day numbers). */
function windowStart(rule: AlertRule, day: number): number {
  if (rule.kind === 'immediate') return day;
  if (rule.kind === 'count') return day - rule.days + 1;
  return mondayOf(day);
}

/**
 * What the caller must read for `day`: the syndromes per area level and the first day needed
 * (the series run `from` … `to`, both included).
 */
export function ruleSeriesNeeds(
  rules: readonly AlertRule[],
  day: string,
): { from: string; to: string; commune: string[]; province: string[] } {
  const d = dayNumber(day);
  const need = { commune: new Set<string>(), province: new Set<string>() };
  let from = d;
  for (const r of rules) {
    from = Math.min(from, windowStart(r, d));
    if (r.kind === 'immediate') for (const s of r.syndromes) need.commune.add(s);
    else need[r.area].add(r.syndrome);
  }
  return { from: dayString(from), to: day, commune: [...need.commune], province: [...need.province] };
}

/**
 * Populations for {@link RuleCounts.population} from the unit registry: a commune's own, a
 * province's the sum of its communes'. A commune of population 0 counts as unknown, and so
 * does a province with such a commune (its rate would be too high).
 */
export function populationsFrom(
  units: readonly { readonly code: string; readonly provinceCode: string; readonly population: number }[],
): RuleCounts['population'] {
  const commune = new Map<string, number>();
  const province = new Map<string, number>();
  for (const u of units) {
    commune.set(u.code, u.population);
    const sum = province.get(u.provinceCode);
    province.set(u.provinceCode, u.population > 0 && sum !== 0 ? (sum ?? 0) + u.population : 0);
  }
  return (level, area) => {
    const n = (level === 'commune' ? commune : province).get(area);
    return n === undefined || n <= 0 ? undefined : n;
  };
}

/**
 * Applies every rule to every matching series in `counts` on `day`. Call it for each day whose
 * counts may have changed (late events land on past days), as the detectors are; a rule that
 * still holds on the next day fires again, which the alert service folds into the open alert.
 */
export function evaluateRules(rules: readonly AlertRule[], day: string, counts: RuleCounts): RuleEvaluation {
  const d = dayNumber(day);
  const out: RuleEvaluation = { signals: [], skipped: [] };
  for (const rule of rules) {
    const level: RuleArea = rule.kind === 'immediate' ? 'commune' : rule.area;
    const syndromes = new Set(rule.kind === 'immediate' ? rule.syndromes : [rule.syndrome]);
    for (const [key, series] of counts[level]) {
      const bar = key.indexOf('|');
      const syndrome = key.slice(0, bar);
      if (!syndromes.has(syndrome)) continue;
      const area = key.slice(bar + 1);
      const skip = (reason: string): void => void out.skipped.push({ rule_id: rule.id, syndrome, area_level: level, area, reason });
      const start = windowStart(rule, d) - dayNumber(counts.from);
      const end = d - dayNumber(counts.from);
      if (start < 0 || end >= series.length) {
        skip(`counts cover ${counts.from} + ${series.length} days, not the window ${dayString(windowStart(rule, d))}…${day}`);
        continue;
      }
      let observed = 0;
      for (let i = start; i <= end; i++) observed += series[i] ?? 0;
      const hit =
        rule.kind === 'immediate'
          ? immediate(rule, observed)
          : withPopulation(rule, counts.population(level, area), skip, (pop) =>
              rule.kind === 'count' ? countHit(rule, observed) : rateHit(rule, observed, pop, skip),
            );
      if (hit === undefined) continue;
      out.signals.push({
        syndrome,
        commune_code: area,
        area_level: level,
        granularity: rule.kind === 'rate' ? 'week' : 'day',
        // Weekly signals are dated by the Monday of their ISO week (schemas/signals.ts).
        day: rule.kind === 'rate' ? dayString(mondayOf(d)) : day,
        algorithm: `rule:${rule.id}`,
        params: { rule_kind: rule.kind, window_from: dayString(windowStart(rule, d)), window_to: day, ...hit.params },
        observed,
        expected: null,
        upperbound: hit.threshold,
        p_value: null,
        score: null,
        alarm: true,
        level: rule.level,
      });
    }
  }
  return out;
}

interface Hit {
  /** The case count at which the rule fires (for a rate: threshold × population / 100,000). */
  threshold: number;
  params: Record<string, unknown>;
}

function immediate(_rule: ImmediateRule, observed: number): Hit | undefined {
  return observed >= 1 ? { threshold: 1, params: {} } : undefined;
}

function countHit(rule: CountRule, observed: number): Hit | undefined {
  return observed >= rule.threshold ? { threshold: rule.threshold, params: { days: rule.days } } : undefined;
}

function rateHit(rule: RateRule, observed: number, population: number | undefined, skip: (r: string) => void): Hit | undefined {
  if (population === undefined || population <= 0) {
    skip('population unknown: a rate per 100,000 cannot be computed');
    return undefined;
  }
  if (observed * 100_000 < rule.threshold * population) return undefined;
  return {
    threshold: (rule.threshold * population) / 100_000,
    params: { per_100k_threshold: rule.threshold, population, rate_per_100k: (observed * 100_000) / population },
  };
}

/** Applies the rule's population bounds (inclusive) before `then`; unknown population skips a bounded rule. */
function withPopulation(
  rule: CountRule | RateRule,
  population: number | undefined,
  skip: (reason: string) => void,
  then: (population: number | undefined) => Hit | undefined,
): Hit | undefined {
  const bounded = rule.min_population !== undefined || rule.max_population !== undefined;
  const known = population !== undefined && population > 0 ? population : undefined;
  if (bounded && known === undefined) {
    skip('population unknown: the rule applies only within its population bounds');
    return undefined;
  }
  if (known !== undefined && rule.min_population !== undefined && known < rule.min_population) {
    skip(`population ${known} below min_population ${rule.min_population}`);
    return undefined;
  }
  if (known !== undefined && rule.max_population !== undefined && known > rule.max_population) {
    skip(`population ${known} above max_population ${rule.max_population}`);
    return undefined;
  }
  return then(known);
}

function dayNumber(day: string): number {
  const d = parseDay(day);
  if (Number.isNaN(d)) throw new TypeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return d;
}
