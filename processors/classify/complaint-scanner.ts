import { CONCEPT, IGNORE, NEGATE_BOTH, NEGATE_POST, NEGATE_PRE, TERMINATOR, type TermIndex } from './term-index.ts';
import { NO_BREAK, type Token } from './text-tokens.ts';

/** Scope lengths, in words, of pre- and post-cues. */
export interface ScopeOptions {
  readonly preScopeWords: number;
  readonly postScopeWords: number;
}

/**
 * Concept bits asserted by the text: every concept phrase found, minus those negated or
 * put in context (NegEx-style). Longest phrase wins at each word and uses its words up.
 */
export function scanConcepts(tokens: readonly Token[], index: TermIndex, scope: ScopeOptions): number {
  // Concepts seen in the current clause: bit and position of their last word, kept until
  // the clause ends so a post-cue ("cúm âm tính") can still discard them.
  const hitBits: number[] = [];
  const hitEnds: number[] = [];
  let kept = 0;
  let clauseHits = 0;
  let negatedUntil = -1;

  for (let i = 0; i < tokens.length;) {
    if ((tokens[i] as Token).breakBefore !== NO_BREAK) {
      // The clause ends: what it asserted stands.
      kept |= clauseBits(hitBits, clauseHits);
      clauseHits = 0;
      negatedUntil = -1;
    }
    const phrase = index.longestAt(tokens, i);
    if (phrase === undefined) {
      i++;
      continue;
    }
    const end = i + phrase.words.length;
    switch (phrase.kind) {
      case CONCEPT:
        if (i > negatedUntil) {
          hitBits[clauseHits] = phrase.bit;
          hitEnds[clauseHits] = end - 1;
          clauseHits++;
        }
        break;
      case NEGATE_PRE:
        negatedUntil = end - 1 + scope.preScopeWords;
        break;
      case NEGATE_POST:
      case NEGATE_BOTH:
        for (let h = 0; h < clauseHits; h++) {
          if ((hitEnds[h] ?? -1) >= i - scope.postScopeWords) hitBits[h] = 0;
        }
        if (phrase.kind === NEGATE_BOTH) negatedUntil = end - 1 + scope.preScopeWords;
        break;
      case TERMINATOR:
        negatedUntil = -1;
        break;
      // PSEUDO and IGNORE only use their words up, which is their whole point.
      case IGNORE:
      default:
        break;
    }
    i = end;
  }
  return kept | clauseBits(hitBits, clauseHits);
}

function clauseBits(hitBits: readonly number[], n: number): number {
  let bits = 0;
  for (let h = 0; h < n; h++) bits |= hitBits[h] ?? 0;
  return bits;
}
