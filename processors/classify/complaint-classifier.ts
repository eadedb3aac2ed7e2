import { AppError } from '../../platform/errors.ts';
import type { ComplaintRule } from '../../schemas/code-tables/chief-complaint-rules.ts';
import type { ComplaintConcept, ComplaintCues, ComplaintTerm } from '../../schemas/code-tables/chief-complaint-terms.ts';
import { scanConcepts } from './complaint-scanner.ts';
import { compileRules } from './complaint-rules.ts';
import type { SyndromeBits } from './syndrome-bits.ts';
import { CONCEPT, IGNORE, NEGATE_BOTH, NEGATE_POST, NEGATE_PRE, PSEUDO, TERMINATOR, TermIndex } from './term-index.ts';
import { tokenize } from './text-tokens.ts';
import type { EncounterContext } from './types.ts';

/** The chief-complaint part of the tables. */
export interface ComplaintTables {
  readonly concepts: Readonly<Record<string, ComplaintConcept>>;
  readonly cues: ComplaintCues;
  readonly rules: readonly ComplaintRule[];
  /** °C at or above which a measured temperature counts as fever. */
  readonly feverThresholdC: number;
}

/** Syndrome bits from free text and temperature, for encounters without a diagnosis. */
export type ComplaintClassifier = (
  text: string | null | undefined,
  temperatureC: number | null | undefined,
  ctx: EncounterContext,
) => number;

/** Highest temperature believed (°C); above it the value is a unit or typing error. */
const MAX_PLAUSIBLE_C = 45;

export function compileComplaintClassifier(tables: ComplaintTables, bits: SyndromeBits): ComplaintClassifier {
  const conceptIds = Object.keys(tables.concepts);
  // Concepts are bits of a 32-bit integer.
  if (conceptIds.length > 31) {
    throw new AppError('CONFIG_INVALID', `complaint concepts: at most 31 supported, got ${conceptIds.length}`);
  }
  const conceptBits = new Map(conceptIds.map((id, i) => [id, 1 << i]));
  const conceptBit = (id: string, field: string): number => {
    const bit = conceptBits.get(id);
    if (bit === undefined) throw new AppError('CONFIG_INVALID', `${field}: unknown concept "${id}"`);
    return bit;
  };
  const feverBit = conceptBit('fever', 'complaint concepts');

  const index = new TermIndex();
  for (const id of conceptIds) {
    for (const term of tables.concepts[id]?.terms ?? []) index.add(term, CONCEPT, conceptBit(id, id), `concept ${id}`);
  }
  const addAll = (terms: readonly ComplaintTerm[], kind: number, field: string): void => {
    for (const term of terms) index.add(term, kind, 0, field);
  };
  const { cues } = tables;
  addAll(cues.negationPre, NEGATE_PRE, 'cues.negationPre');
  addAll(cues.contextPre, NEGATE_PRE, 'cues.contextPre');
  addAll(cues.negationPost, NEGATE_POST, 'cues.negationPost');
  addAll(cues.negationBoth, NEGATE_BOTH, 'cues.negationBoth');
  addAll(cues.pseudoNegation, PSEUDO, 'cues.pseudoNegation');
  addAll(cues.scopeTerminators, TERMINATOR, 'cues.scopeTerminators');
  addAll(cues.ignore, IGNORE, 'cues.ignore');

  const evaluate = compileRules(tables.rules, conceptBit, bits);
  const threshold = tables.feverThresholdC;

  return (text, temperatureC, ctx) => {
    let concepts = text ? scanConcepts(tokenize(text), index, cues) : 0;
    // A measured fever counts even when the text says "không sốt": the thermometer wins.
    if (typeof temperatureC === 'number' && temperatureC >= threshold && temperatureC <= MAX_PLAUSIBLE_C) {
      concepts |= feverBit;
    }
    return evaluate(concepts, ctx);
  };
}
