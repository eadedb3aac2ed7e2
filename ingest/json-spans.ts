/**
 * Where the elements of a JSON array body lie, found without parsing them: each element's
 * text can then be parsed on its own and, when refused, dead-lettered as the exact text
 * received (JSON.parse + JSON.stringify would turn 1e309 into null and reorder nothing back).
 * The scan also measures each element's nesting depth, so an element nested too deep is
 * refused without ever being handed to a recursive function. Pure and iterative: one pass of
 * charCodeAt over the body, no allocation per character.
 */

/** An element of the body: `text.slice(start, end)`, and how deeply it nests. */
export interface Span {
  start: number;
  end: number;
  /** Nesting depth of the element: 0 for a scalar, 1 for `{}` or `[]`, … */
  depth: number;
}

export type SplitResult = { ok: true; kind: 'array' | 'object' | 'scalar'; spans: Span[] } | { ok: false; reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWs(text: string, i: number, end: number): number {
  while (i < end && isWs(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Scans one value from `i`: stops at a `,` or a closing bracket at depth 0, or at `end`.
 * Returns the position where it stopped, the value's depth, and whether a string ran off the end.
 */
function scanValue(text: string, i: number, end: number): { stop: number; depth: number; unterminated: boolean } {
  let depth = 0;
  let max = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < end; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
      if (i >= end) return { stop: end, depth: max, unterminated: true };
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) max = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) break;
      depth--;
    } else if (c === COMMA && depth === 0) break;
  }
  return { stop: i, depth: max, unterminated: false };
}

/** Trims trailing JSON whitespace from [start, end). */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isWs(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Splits a JSON body into its top-level array's elements (or the one value it is). Only the
 * structure is checked here (brackets, commas, strings closed); each element's own syntax is
 * left to JSON.parse.
 */
export function splitJsonBody(text: string): SplitResult {
  const n = text.length;
  let i = skipWs(text, 0, n);
  if (text.charCodeAt(i) !== OPEN_BRACKET) {
    const end = trimEnd(text, i, n);
    const v = scanValue(text, i, end);
    if (v.unterminated) return { ok: false, reason: 'a string is not closed' };
    if (v.stop !== end) return { ok: false, reason: `unexpected character at position ${v.stop}` };
    return { ok: true, kind: text.charCodeAt(i) === OPEN_BRACE ? 'object' : 'scalar', spans: [{ start: i, end, depth: v.depth }] };
  }
  const spans: Span[] = [];
  i = skipWs(text, i + 1, n);
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    return skipWs(text, i + 1, n) === n ? { ok: true, kind: 'array', spans } : { ok: false, reason: 'text after the closing ]' };
  }
  for (;;) {
    const start = i;
    const v = scanValue(text, i, n);
    if (v.unterminated) return { ok: false, reason: `element ${spans.length}: a string is not closed` };
    if (v.stop >= n) return { ok: false, reason: 'the array is not closed: missing ]' };
    spans.push({ start, end: trimEnd(text, start, v.stop), depth: v.depth });
    const c = text.charCodeAt(v.stop);
    i = skipWs(text, v.stop + 1, n);
    if (c === COMMA) continue;
    if (c === CLOSE_BRACKET && i === n) return { ok: true, kind: 'array', spans };
    return { ok: false, reason: c === CLOSE_BRACKET ? 'text after the closing ]' : `unexpected } at position ${v.stop}` };
  }
}

/** Nesting depth of the JSON text in [start, end), scanned the same way (for NDJSON lines). */
export function jsonDepth(text: string, start = 0, end = text.length): number {
  let depth = 0;
  let max = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < end; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) max = depth;
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && depth > 0) depth--;
  }
  return max;
}
