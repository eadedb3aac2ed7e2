/**
 * Free-text scrubbing: identifiers typed into free text (chief complaints now, notes later)
 * are replaced by a marker before the text reaches the event log, a store or a log line.
 * A pure core: text in, text out.
 *
 * What is replaced, in this order:
 * - the event's own patient identifier (4 characters or more, not inside a longer word) → `[patient]`
 * - e-mail addresses → `[email]`
 * - Vietnamese phone numbers: `+84` or `0`, then 9–10 digits, groups separated by one kind of
 *   space, dot or dash (`0912 345 678`, `+84 91-234-5678`, `024.3825.1234`) → `[phone]`
 * - national ID numbers: 12-digit CCCD, 9-digit CMND, digits only → `[id]`
 *
 * Temperatures (39.5), ages, counts (sốt 3 ngày), dates (2026-07-01, 01/07/2026) and ICD codes
 * (A09.0) are left alone: none has 9 digits in a row, and a phone's groups must use one
 * separator, so a date and a time (01.07.2026 08:30) are not a phone either.
 */

export const MARKERS = { patient: '[patient]', email: '[email]', phone: '[phone]', id: '[id]' } as const;

/** Patient identifiers shorter than this are not searched for in text (too many false hits). */
export const MIN_PATIENT_ID_IN_TEXT = 4;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// A candidate: the prefix, then digits with single separators; the callback checks the count
// and that one kind of separator is used (after a +84 prefix a space is also allowed).
const PHONE = /(?<![\d+])(\+84|0)([ .-]?)(\d(?:[ .-]?\d){7,11})(?!\d)/g;
const NATIONAL_ID = /(?<!\d)(?:\d{12}|\d{9})(?!\d)/g;

/**
 * Whether the text could hold a phone, an ID number or an e-mail address: 9 digits or an `@`.
 * Most complaints (`sốt cao 3 ngày, đau đầu`) stop here, so scrubbing costs one pass over the
 * characters.
 */
function mayHoldIdentifier(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 9) return true;
    } else if (c === 64) return true;
  }
  return false;
}

/**
 * A phone candidate: the longest run of its groups (each of 2 digits or more, one kind of
 * separator) holding 9–10 digits becomes the marker; what follows is kept (`0912345678 3 ngày`
 * keeps its count).
 */
function phone(match: string, prefix: string, first: string, rest: string): string {
  const parts = rest.split(/([ .-])/);
  let sep: string | undefined = prefix === '0' && first !== '' ? first : undefined;
  let digits = 0;
  let best = -1;
  for (let i = 0; i < parts.length; i += 2) {
    const group = parts[i]!;
    if (i > 0) {
      const s = parts[i - 1]!;
      if (group.length < 2 || (sep !== undefined && s !== sep)) break;
      sep = s;
    }
    digits += group.length;
    if (digits > 10) break;
    if (digits >= 9) best = i;
  }
  if (best < 0) return match;
  return MARKERS.phone + parts.slice(best + 1).join('');
}

/**
 * `text` with the patient's own identifier, e-mail addresses, Vietnamese phone numbers and
 * national ID numbers replaced by markers. Returns `text` itself when nothing was found.
 */
export function scrubText(text: string, patientId?: string): string {
  let out = text;
  if (patientId !== undefined && patientId.length >= MIN_PATIENT_ID_IN_TEXT && out.includes(patientId)) {
    out = replaceWord(out, patientId, MARKERS.patient);
  }
  if (!mayHoldIdentifier(out)) return out;
  if (out.includes('@')) out = out.replace(EMAIL, MARKERS.email);
  return out.replace(PHONE, phone).replace(NATIONAL_ID, MARKERS.id);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Every occurrence of `word` in `text` that is not part of a longer word (letters, digits). */
function replaceWord(text: string, word: string, marker: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    // An id that begins or ends with a word character must not continue one.
    const before = isWordChar(word[0]) && isWordChar(text[at - 1]);
    const after = isWordChar(word[word.length - 1]) && isWordChar(text[at + word.length]);
    if (before || after) continue;
    out += text.slice(from, at) + marker;
    from = at + word.length;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Bytes that could not be read as events (a body refused whole, an NDJSON line that is not
 * JSON) scrubbed as text: the patterns of scrubText, and the value of anything that looks like
 * `"patient_id": …`. Works on the bytes through latin1, so bytes that are not UTF-8 are kept
 * as they are; returns `bytes` itself when nothing was found.
 */
export function scrubBytes(bytes: Uint8Array): Uint8Array {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1');
  // The patient ids named by the bytes are masked wherever else they appear (a complaint
  // naming the patient), as scrubText does with an event's own id.
  const ids = new Set<string>();
  let out = text.replace(PATIENT_FIELD, (_m, key: string, value: string) => {
    const id = value.startsWith('"') ? value.slice(1).replace(/"$/, '') : value;
    if (id.length >= MIN_PATIENT_ID_IN_TEXT) ids.add(id);
    return `${key}"${MARKERS.patient}"`;
  });
  for (const id of ids) out = replaceWord(out, id, MARKERS.patient);
  out = scrubText(out);
  return out === text ? bytes : Buffer.from(out, 'latin1');
}

/** `"patient_id": "…"` (or a number, or a string cut short by the end of the bytes). */
const PATIENT_FIELD = /("patient_id"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|\\?$)|[-+0-9.eE]+|true|false|null)/g;
