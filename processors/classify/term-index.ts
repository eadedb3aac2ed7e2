import { AppError } from '../../platform/errors.ts';
import type { ComplaintTerm } from '../../schemas/code-tables/chief-complaint-terms.ts';
import { NO_BREAK, SOFT_BREAK, tokenize, type Token } from './text-tokens.ts';

/** What a matched phrase does. */
export const CONCEPT = 0;
export const NEGATE_PRE = 1;
export const NEGATE_POST = 2;
/** A cue that negates both what precedes and what follows it ("đã hết sốt", "sốt đã hết"). */
export const NEGATE_BOTH = 6;
export const PSEUDO = 3;
export const TERMINATOR = 4;
export const IGNORE = 5;

/** A phrase of the vocabulary, pre-tokenised. */
export interface Phrase {
  readonly kind: number;
  /** Concept bit for CONCEPT phrases, 0 otherwise. */
  readonly bit: number;
  readonly words: readonly Token[];
  readonly accentedOnly: boolean;
  readonly crossesCommas: boolean;
  readonly source: string;
}

/**
 * Phrases indexed by the bare form of their first word, longest first, so matching at a
 * position is one map lookup plus a few word comparisons.
 */
export class TermIndex {
  private readonly byFirst = new Map<string, Phrase[]>();
  private readonly seen = new Map<string, string>();

  add(term: ComplaintTerm, kind: number, bit: number, field: string): void {
    const spec = typeof term === 'string' ? { text: term } : term;
    const words = tokenize(spec.text);
    const first = words[0];
    if (first === undefined || words.some((w, i) => i > 0 && w.breakBefore !== NO_BREAK)) {
      throw new AppError('CONFIG_INVALID', `${field}: "${spec.text}" must be words without punctuation`);
    }
    // The same words twice (say in a concept and in `ignore`) would make the outcome depend
    // on table order; make the reviewer choose.
    const identity = words.map((w) => w.key).join(' ');
    const earlier = this.seen.get(identity);
    if (earlier !== undefined) {
      throw new AppError('CONFIG_INVALID', `${field}: "${spec.text}" is already listed in ${earlier}`);
    }
    this.seen.set(identity, field);
    const phrase: Phrase = {
      kind,
      bit,
      words,
      accentedOnly: 'accentedOnly' in spec && spec.accentedOnly === true,
      crossesCommas: 'crossesCommas' in spec && spec.crossesCommas === true,
      source: spec.text,
    };
    const list = this.byFirst.get(first.bare) ?? [];
    list.push(phrase);
    list.sort((a, b) => b.words.length - a.words.length);
    this.byFirst.set(first.bare, list);
  }

  /** The longest phrase that starts at `tokens[at]`, if any. */
  longestAt(tokens: readonly Token[], at: number): Phrase | undefined {
    const first = tokens[at];
    if (first === undefined) return undefined;
    const candidates = this.byFirst.get(first.bare);
    if (candidates === undefined) return undefined;
    for (const phrase of candidates) {
      if (matchesAt(phrase, tokens, at)) return phrase;
    }
    return undefined;
  }
}

function matchesAt(phrase: Phrase, tokens: readonly Token[], at: number): boolean {
  const words = phrase.words;
  if (at + words.length > tokens.length) return false;
  for (let k = 0; k < words.length; k++) {
    const t = tokens[at + k] as Token;
    const w = words[k] as Token;
    if (k > 0 && t.breakBefore !== NO_BREAK && !(phrase.crossesCommas && t.breakBefore === SOFT_BREAK)) return false;
    if (!wordMatches(t, w, phrase.accentedOnly)) return false;
  }
  return true;
}

/**
 * Text typed with diacritics is compared with them (so "sót" is not "sốt"); text typed
 * without is compared by bare letters (so "sot" is "sốt"), unless the term is accented-only.
 */
function wordMatches(t: Token, w: Token, accentedOnly: boolean): boolean {
  if (t.accented) return t.key === w.key;
  return !(accentedOnly && w.accented) && t.bare === w.bare;
}
