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
  const w = new WordBuilder();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      w.bare += s[i];
    } else if (c >= COMBINING_FIRST && c <= COMBINING_LAST) {
      if (w.bare !== '') w.marks += s[i];
    } else if (c === D_STROKE) {
      w.bare += 'd';
      w.marks += 'đ';
    } else if (c < 128) {
      w.addBreak(c === COMMA ? SOFT_BREAK : STRONG_ASCII.has(c) ? STRONG_BREAK : NO_BREAK);
    } else {
      const ch = s[i] ?? '';
      if (LETTER_OR_DIGIT.test(ch)) w.bare += ch;
      else w.addBreak(PUNCTUATION.test(ch) ? STRONG_BREAK : NO_BREAK);
    }
  }
  w.flush();
  return w.tokens;
}

/** The word being read and the tokens so far (a class, not closures: tokenize runs per event). */
class WordBuilder {
  tokens: Token[] = [];
  bare = '';
  marks = '';
  pendingBreak = NO_BREAK;

  flush(): void {
    if (this.bare === '') return;
    const accented = this.marks !== '';
    this.tokens.push({
      bare: this.bare,
      key: accented ? `${this.bare}|${this.marks}` : this.bare,
      accented,
      breakBefore: this.pendingBreak,
    });
    this.bare = '';
    this.marks = '';
    this.pendingBreak = NO_BREAK;
  }

  addBreak(kind: number): void {
    this.flush();
    if (kind > this.pendingBreak) this.pendingBreak = kind;
  }
}
