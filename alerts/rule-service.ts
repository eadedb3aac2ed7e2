import type { Logger } from 'pino';
import { dayString } from '../platform/days.ts';
import type { Signal } from '../schemas/signals.ts';
import type { CountStore } from '../storage/counts.ts';
import { evaluateRules, type RuleCounts, type RuleSkip } from './count-rules.ts';
import type { AlertRule, RuleArea } from './rule-file.ts';
import { planRulesForCells, planRulesForDay, type RulePlan, type RuleCell } from './rule-plan.ts';

export interface RulePassDeps {
  log: Logger;
  /** The rules of EWS_RULES_FILE (or the shipped defaults), compiled at start. */
  rules: readonly AlertRule[];
  /** The series read (counts' port); SQL stays in storage/. */
  counts: Pick<CountStore, 'readSeries'>;
  /** Every commune code, and the province of each (province series sum their communes). */
  provinceOf: ReadonlyMap<string, string>;
  /** Residents of a commune or province; undefined when unknown (count-rules.ts populationsFrom). */
  population: RuleCounts['population'];
  /** Days before today still evaluated when counts change (EWS_DETECT_HORIZON_DAYS). */
  horizonDays: number;
}

/** One planned evaluation: its size (series × days) and the run itself. */
export interface RuleRun {
  readonly series: number;
  evaluate(): Promise<Signal[]>;
}

/**
 * The rules of the rules file as a pass of detection (issue 10): the detect service asks it,
 * on the same triggers as its detectors (counts changed, the daily run), for a run, executes
 * it inside its own, and stores and passes on the hits with the detectors' signals — so one
 * cholera case is alerted as promptly as a detector alarm, and a failed read fails (and
 * retries) the whole run. Areas a rule cannot apply to (unknown population, out of its
 * population bounds) are logged once per run at debug.
 */
export function createRulePass(deps: RulePassDeps) {
  const log = deps.log.child({ module: 'rules' });
  const communes = [...deps.provinceOf.keys()];
  const provinces = [...new Set(deps.provinceOf.values())].sort();
  const provinceOf = (c: string) => deps.provinceOf.get(c);

  const run = (plan: RulePlan | undefined): RuleRun | undefined =>
    plan && deps.rules.length > 0 ? { series: plan.size, evaluate: () => evaluatePlan(plan) } : undefined;

  const evaluatePlan = async (plan: RulePlan): Promise<Signal[]> => {
    const read = async (level: RuleArea) => {
      const r = plan.read[level];
      if (!r) return { from: 0, series: new Map<string, number[]>() };
      const series = await deps.counts.readSeries(r.pairs, r.from, r.to, { granularity: 'day', area: level, provinceOf: deps.provinceOf });
      return { from: r.from, series };
    };
    const byLevel = { commune: await read('commune'), province: await read('province') };
    const signals: Signal[] = [];
    const skipped: RuleSkip[] = [];
    for (const { rule, level, targets } of plan.rules) {
      const { from, series } = byLevel[level];
      // Per day, only the series planned for it: a series re-evaluated on a day nothing changed would repeat its signal.
      const byDay = new Map<number, Map<string, number[]>>();
      for (const [key, days] of targets) {
        const values = series.get(key);
        if (!values) continue;
        for (const d of days) {
          let m = byDay.get(d);
          if (!m) byDay.set(d, (m = new Map<string, number[]>()));
          m.set(key, values);
        }
      }
      for (const [d, m] of byDay) {
        const counts: RuleCounts = {
          from: dayString(from),
          commune: level === 'commune' ? m : new Map(),
          province: level === 'province' ? m : new Map(),
          population: deps.population,
        };
        const out = evaluateRules([rule], dayString(d), counts);
        signals.push(...out.signals);
        skipped.push(...out.skipped);
      }
    }
    if (skipped.length > 0) {
      const rules = [...new Set(skipped.map((s) => s.rule_id))];
      log.debug({ skipped: skipped.length, rules, example: skipped[0] }, 'rules skipped for some areas');
    }
    return signals;
  };

  return {
    /** After counts changed: the rules whose windows hold a changed cell, on those days (`today`: local day number). */
    planChanged(cells: readonly RuleCell[], today: number): RuleRun | undefined {
      return run(planRulesForCells(deps.rules, cells, { today, horizonDays: deps.horizonDays, provinceOf }));
    },
    /** The scheduled daily run: every rule on every series of `day` (a day number). */
    planDay(day: number): RuleRun | undefined {
      return run(planRulesForDay(deps.rules, day, { communes, provinces }));
    },
  };
}

export type RulePass = ReturnType<typeof createRulePass>;
