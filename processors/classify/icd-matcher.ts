import { AppError } from '../../platform/errors.ts';
import type { Icd10Anchor } from '../../schemas/code-tables/icd10-syndromes.ts';
import { normaliseIcdCode } from './icd-code.ts';
import type { SyndromeBits } from './syndrome-bits.ts';
import type { EncounterContext, EncounterSetting } from './types.ts';

interface CompiledAnchor {
  readonly bit: number;
  /** Characters after the 3-character category the code must start with ("4" for B08.4). */
  readonly sub: string;
  readonly settings: ReadonlySet<EncounterSetting> | undefined;
  readonly maxAge: number | undefined;
}

/** Syndrome bits of one canonical ICD-10 code (see normaliseIcdCode) in its context. */
export type IcdMatcher = (code: string, ctx: EncounterContext) => number;

/**
 * Compiles the anchor table into a map from 3-character category to anchors, so a code
 * costs one map lookup. Throws CONFIG_INVALID naming the entry when the table is malformed.
 */
export function compileIcdMatcher(anchors: readonly Icd10Anchor[], bits: SyndromeBits): IcdMatcher {
  const byCategory = new Map<string, CompiledAnchor[]>();
  anchors.forEach((anchor, i) => {
    const field = `icd10 anchors[${i}] (${anchor.syndrome})`;
    const bit = bits.bit(anchor.syndrome, field);
    for (const spec of anchor.codes) {
      for (const { category, sub } of expandSpec(spec, field)) {
        const list = byCategory.get(category) ?? [];
        list.push({
          bit,
          sub,
          settings: anchor.settings === undefined ? undefined : new Set(anchor.settings),
          maxAge: anchor.maxAgeYearsExclusive,
        });
        byCategory.set(category, list);
      }
    }
  });

  return (code, ctx) => {
    const candidates = byCategory.get(code.slice(0, 3));
    if (candidates === undefined) return 0;
    let mask = 0;
    for (const a of candidates) {
      if (a.sub !== '' && !code.startsWith(a.sub, 3)) continue;
      if (a.settings !== undefined && !a.settings.has(ctx.setting)) continue;
      if (a.maxAge !== undefined && ctx.age !== undefined && ctx.age >= a.maxAge) continue;
      mask |= a.bit;
    }
    return mask;
  };
}

/** "J09-J11" → J09, J10, J11; "B08.4" → B08 + sub "4"; "A90" → A90. */
function expandSpec(spec: string, field: string): { category: string; sub: string }[] {
  const bad = (why: string): AppError => new AppError('CONFIG_INVALID', `${field}: "${spec}" ${why}`);
  const parts = spec.split('-');
  if (parts.length === 1) {
    const code = normaliseIcdCode(spec);
    if (code === '') throw bad('is not an ICD-10 code');
    return [{ category: code.slice(0, 3), sub: code.slice(3) }];
  }
  const [from, to] = parts.map(normaliseIcdCode);
  if (parts.length !== 2 || from === undefined || to === undefined || from.length !== 3 || to.length !== 3) {
    throw bad('is not a range of 3-character categories such as "A00-A09"');
  }
  if (from[0] !== to[0]) throw bad('spans two chapter letters');
  const start = Number(from.slice(1));
  const end = Number(to.slice(1));
  if (end < start) throw bad('ends before it starts');
  const out: { category: string; sub: string }[] = [];
  for (let n = start; n <= end; n++) out.push({ category: `${from[0]}${String(n).padStart(2, '0')}`, sub: '' });
  return out;
}
