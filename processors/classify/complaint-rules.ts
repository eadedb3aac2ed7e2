import { AppError } from '../../platform/errors.ts';
import type { ComplaintRule } from '../../schemas/code-tables/chief-complaint-rules.ts';
import type { SyndromeBits } from './syndrome-bits.ts';
import type { EncounterContext, EncounterSetting } from './types.ts';

interface CompiledRule {
  readonly bit: number;
  /** Concept masks; the rule fires when all bits of one of them are present. */
  readonly groups: readonly number[];
  readonly settings: ReadonlySet<EncounterSetting> | undefined;
  readonly maxAge: number | undefined;
  readonly unlessMask: number;
}

/** Syndrome bits for a set of concept bits in an encounter context. */
export type RuleEvaluator = (concepts: number, ctx: EncounterContext) => number;

export function compileRules(
  rules: readonly ComplaintRule[],
  conceptBit: (id: string, field: string) => number,
  bits: SyndromeBits,
): RuleEvaluator {
  const compiled = rules.map((rule, i): CompiledRule => {
    const field = `complaint rules[${i}] (${rule.syndrome})`;
    if (rule.anyOf.length === 0 || rule.anyOf.some((g) => g.length === 0)) {
      throw new AppError('CONFIG_INVALID', `${field}: anyOf needs non-empty concept groups`);
    }
    return {
      bit: bits.bit(rule.syndrome, field),
      groups: rule.anyOf.map((g) => g.reduce((m, id) => m | conceptBit(id, field), 0)),
      settings: rule.settings === undefined ? undefined : new Set(rule.settings),
      maxAge: rule.maxAgeYearsExclusive,
      unlessMask: (rule.unless ?? []).reduce((m, id) => m | bits.bit(id, `${field} unless`), 0),
    };
  });
  // Rules with `unless` look at what the others produced, so they run second.
  const first = compiled.filter((r) => r.unlessMask === 0);
  const second = compiled.filter((r) => r.unlessMask !== 0);

  const fires = (r: CompiledRule, concepts: number, ctx: EncounterContext): boolean => {
    if (r.settings !== undefined && !r.settings.has(ctx.setting)) return false;
    if (r.maxAge !== undefined && ctx.age !== undefined && ctx.age >= r.maxAge) return false;
    for (const g of r.groups) if ((concepts & g) === g) return true;
    return false;
  };

  return (concepts, ctx) => {
    if (concepts === 0) return 0;
    let mask = 0;
    for (const r of first) if (fires(r, concepts, ctx)) mask |= r.bit;
    let late = 0;
    for (const r of second) if ((mask & r.unlessMask) === 0 && fires(r, concepts, ctx)) late |= r.bit;
    return mask | late;
  };
}
