/**
 * Which (rule, series, day) triples to evaluate — pure. The rules of the rules file run when
 * the detectors do (issue 10): after counts changed (late events land on past days) and on the
 * scheduled daily run. A change on day d can change a rule's answer on every day whose window
 * holds d: an immediate rule on d only, a count rule of D days on d … d + D − 1, a rate rule on
 * d … the Sunday of d's ISO week. Days after `today` or before `today − horizonDays` are not
 * evaluated, as the detectors' are not.
 */
import { dayString, parseDay } from '../platform/days.ts';
import type { AlertRule, RuleArea } from './rule-file.ts';
import { ruleSeriesNeeds } from './count-rules.ts';

/** A count cell that may have changed (the count processor's CountKey, structurally). */
export interface RuleCell {
  readonly syndrome: string;
  readonly commune_code: string;
  /** YYYY-MM-DD. */
  readonly day: string;
}

/** What one rule must be evaluated on: `syndrome|area` → day numbers, ascending. */
export interface RuleTarget {
  readonly rule: AlertRule;
  readonly level: RuleArea;
  readonly targets: ReadonlyMap<string, readonly number[]>;
}

export interface RulePlan {
  readonly rules: readonly RuleTarget[];
  /** Day numbers the series must cover (windows included), per area level; undefined when that level has nothing to read. */
  readonly read: Readonly<Record<RuleArea, { from: number; to: number; pairs: { syndrome: string; area: string }[] } | undefined>>;
  /** Series × days planned (for the run record). */
  readonly size: number;
}

export interface RulePlanOptions {
  /** The current local day number: nothing later is evaluated. */
  readonly today: number;
  /** Days before today still evaluated (EWS_DETECT_HORIZON_DAYS). */
  readonly horizonDays: number;
  /** Province of a commune; undefined for an unknown commune (its province rules are skipped). */
  readonly provinceOf: (commune: string) => string | undefined;
}

const mondayOf = (day: number): number => Math.floor((day + 3) / 7) * 7 - 3;

const levelOf = (r: AlertRule): RuleArea => (r.kind === 'immediate' ? 'commune' : r.area);
const seriesOf = (r: AlertRule): readonly string[] => (r.kind === 'immediate' ? r.syndromes : [r.syndrome]);

/** Last day (day number) whose window, for `rule`, holds a change on `day`. */
function lastInfluenced(rule: AlertRule, day: number): number {
  if (rule.kind === 'immediate') return day;
  if (rule.kind === 'count') return day + rule.days - 1;
  return mondayOf(day) + 6;
}

/** After counts changed in `cells`: each rule on each day whose window holds a change; undefined when nothing is to be done. */
export function planRulesForCells(rules: readonly AlertRule[], cells: readonly RuleCell[], o: RulePlanOptions): RulePlan | undefined {
  const first = o.today - o.horizonDays;
  const perRule = rules.map(() => new Map<string, Set<number>>());
  rules.forEach((rule, i) => {
    const wanted = new Set(seriesOf(rule));
    const level = levelOf(rule);
    for (const c of cells) {
      if (!wanted.has(c.syndrome)) continue;
      const day = parseDay(c.day);
      if (Number.isNaN(day) || day > o.today) continue;
      const area = level === 'commune' ? c.commune_code : o.provinceOf(c.commune_code);
      if (area === undefined || area === '') continue;
      const lo = Math.max(day, first);
      const hi = Math.min(o.today, lastInfluenced(rule, day));
      if (lo > hi) continue;
      const key = `${c.syndrome}|${area}`;
      let days = perRule[i]!.get(key);
      if (!days) perRule[i]!.set(key, (days = new Set()));
      for (let d = lo; d <= hi; d++) days.add(d);
    }
  });
  return finish(rules, perRule);
}

/** The scheduled run of one whole day: every rule on every series of its level. */
export function planRulesForDay(
  rules: readonly AlertRule[],
  day: number,
  areas: { readonly communes: readonly string[]; readonly provinces: readonly string[] },
): RulePlan | undefined {
  const perRule = rules.map((rule) => {
    const list = levelOf(rule) === 'commune' ? areas.communes : areas.provinces;
    return new Map(seriesOf(rule).flatMap((s) => list.map((a): [string, Set<number>] => [`${s}|${a}`, new Set([day])])));
  });
  return finish(rules, perRule);
}

function finish(rules: readonly AlertRule[], perRule: readonly Map<string, Set<number>>[]): RulePlan | undefined {
  const out: RuleTarget[] = [];
  const read: Record<RuleArea, { from: number; to: number; pairs: Map<string, { syndrome: string; area: string }> } | undefined> = {
    commune: undefined,
    province: undefined,
  };
  let size = 0;
  rules.forEach((rule, i) => {
    const targets = perRule[i]!;
    if (targets.size === 0) return;
    const level = levelOf(rule);
    const sorted = new Map([...targets].map(([k, s]) => [k, [...s].sort((a, b) => a - b)]));
    out.push({ rule, level, targets: sorted });
    const r = (read[level] ??= { from: Infinity, to: -Infinity, pairs: new Map() });
    for (const [key, days] of sorted) {
      size += days.length;
      const bar = key.indexOf('|');
      r.pairs.set(key, { syndrome: key.slice(0, bar), area: key.slice(bar + 1) });
      const lo = days[0]!;
      const hi = days[days.length - 1]!;
      r.from = Math.min(r.from, parseDay(ruleSeriesNeeds([rule], dayString(lo)).from));
      r.to = Math.max(r.to, hi);
    }
  });
  if (out.length === 0) return undefined;
  const pack = (level: RuleArea) => {
    const r = read[level];
    return r ? { from: r.from, to: r.to, pairs: [...r.pairs.values()] } : undefined;
  };
  return { rules: out, read: { commune: pack('commune'), province: pack('province') }, size };
}
