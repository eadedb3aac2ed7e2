/** No punctuation between this word and the previous one. */
export const NO_BREAK = 0;
/** A comma before this word: ends negation scopes; only `crossesCommas` terms span it. */
export const SOFT_BREAK = 1;
/** Other punctuation (. ; : ! ? / brackets, line breaks): ends scopes and every term. */
export const STRONG_BREAK = 2;

/**
 * One word of free text, in two comparable forms:
 * `bare` — letters without diacritics, "đ" as "d" ("sốt" → "sot");
 * `key`  — bare plus the diacritics in order, wherever they sit ("hoà" and "hòa" agree).
 */
export interface Token {
  readonly bare: string;
  readonly key: string;
  /** The word carried diacritics, so it is compared by `key`, else by `bare`. */
  readonly accented: boolean;
  readonly breakBefore: number;
}

const COMBINING_FIRST = 0x300;
const COMBINING_LAST = 0x36f;
const D_STROKE = 0x111;
const COMMA = 0x2c;
// ASCII punctuation that ends a clause; other ASCII symbols (- ' " + & …) just separate words.
const STRONG_ASCII = new Set('.;:!?/\\|()[]{}\n\r'.split('').map((c) => c.charCodeAt(0)));
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const PUNCTUATION = /^\p{P}$/u;

/**
 * Splits text into words in one pass over its NFD form: base letters build `bare`,
 * combining marks build the diacritic part of `key`.
 */
export function tokenize(text: string): Token[] {
  const s = text.normalize('NFD').toLowerCase();
  const tokens: Token[] = [];
  let bare = '';
  let marks = '';
  let pendingBreak = NO_BREAK;

  const flush = (): void => {
    if (bare === '') return;
    const accented = marks !== '';
    tokens.push({ bare, key: accented ? `${bare}|${marks}` : bare, accented, breakBefore: pendingBreak });
    bare = '';
    marks = '';
    pendingBreak = NO_BREAK;
  };
  const addBreak = (kind: number): void => {
    flush();
    if (kind > pendingBreak) pendingBreak = kind;
  };

  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      bare += s[i];
    } else if (c >= COMBINING_FIRST && c <= COMBINING_LAST) {
      if (bare !== '') marks += s[i];
    } else if (c === D_STROKE) {
      bare += 'd';
      marks += 'đ';
    } else if (c < 128) {
      addBreak(c === COMMA ? SOFT_BREAK : STRONG_ASCII.has(c) ? STRONG_BREAK : NO_BREAK);
    } else {
      const ch = s[i] ?? '';
      if (LETTER_OR_DIGIT.test(ch)) bare += ch;
      else addBreak(PUNCTUATION.test(ch) ? STRONG_BREAK : NO_BREAK);
    }
  }
  flush();
  return tokens;
}
