/**
 * HL7 v2 text helpers: escape sequences (v2.5.1 chapter 2.7) and timestamps (DTM). Pure.
 * @medplum/core parses the delimiters; values come out with their escape sequences as sent.
 */

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export const DEFAULT_DELIMITERS: Readonly<Delimiters> = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

/**
 * The delimiters an MSH segment declares (MSH-1, MSH-2); the defaults where it declares none or
 * declares unusable ones (letters, digits, space, line breaks, a repeated character).
 */
export function delimitersOf(text: string): Delimiters {
  if (!text.startsWith('MSH') || text.length < 8) return { ...DEFAULT_DELIMITERS };
  const field = text[3]!;
  const end = text.indexOf(field, 4);
  const enc = text.slice(4, end === -1 ? 8 : end);
  const chars = [field, ...enc];
  const usable = enc.length === 4 && chars.every((c) => /^[!-/:-@[-`{-~]$/.test(c)) && new Set(chars).size === 5;
  if (!usable) return { ...DEFAULT_DELIMITERS };
  return { field, component: enc[0]!, repetition: enc[1]!, escape: enc[2]!, subcomponent: enc[3]! };
}

/**
 * A value with its escape sequences resolved: \F\ \S\ \T\ \R\ \E\ to the delimiters, \.br\ to
 * a line break, \Xhh…\ to the bytes (UTF-8), formatting and character-set sequences dropped.
 */
export function unescapeHl7(value: string, d: Readonly<Delimiters> = DEFAULT_DELIMITERS): string {
  const e = d.escape;
  if (!e || !value.includes(e)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c !== e) {
      out += c;
      i++;
      continue;
    }
    const end = value.indexOf(e, i + 1);
    if (end === -1) {
      out += value.slice(i);
      break;
    }
    const seq = value.slice(i + 1, end);
    out += resolve(seq, d) ?? '';
    i = end + 1;
  }
  return out;
}

function resolve(seq: string, d: Readonly<Delimiters>): string | undefined {
  switch (seq) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case '.br':
      return '\n';
  }
  if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) return Buffer.from(seq.slice(1), 'hex').toString('utf8');
  // \H\ \N\ (highlighting), \Cxxyy\ \Mxxyyzz\ (character sets), \Zxx\ (local): no text of their own.
  return undefined;
}

/** A value made safe to place in a field: delimiters replaced by their escape sequences. */
export function escapeHl7(value: string, d: Readonly<Delimiters> = DEFAULT_DELIMITERS): string {
  let out = '';
  for (const c of value) {
    if (c === d.escape) out += `${d.escape}E${d.escape}`;
    else if (c === d.field) out += `${d.escape}F${d.escape}`;
    else if (c === d.component) out += `${d.escape}S${d.escape}`;
    else if (c === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (c === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (c === '\r' || c === '\n') out += `${d.escape}.br${d.escape}`;
    else out += c;
  }
  return out;
}

/** The offset of a timestamp sent without one: Vietnam (Asia/Ho_Chi_Minh, no daylight saving). */
export const DEFAULT_OFFSET = '+07:00';

export interface Hl7Date {
  year: number;
  month: number;
  day: number;
}

/**
 * An HL7 DTM `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]` as RFC 3339 with its offset (or
 * +07:00), or undefined when it is not one. At least the day is required (`minDigits` 8).
 */
export function hl7DateTime(value: string, minDigits = 8): { iso: string; date: Hl7Date } | undefined {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d{1,4})?([+-]\d{4})?$/.exec(value.trim());
  if (!m) return undefined;
  const digits = value.trim().replace(/[.+-].*$/, '').length;
  if (digits < minDigits) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k, i) => Number(m[k] ?? (i < 3 ? 1 : 0))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[7];
  if (zone && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(3)) > 59)) return undefined;
  const offset = zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : DEFAULT_OFFSET;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const iso = `${m[1]!}-${p2(month)}-${p2(day)}T${p2(hour)}:${p2(minute)}:${p2(second)}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
  return { iso, date: { year, month, day } };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Whole years from a birth date to a day (the age on that day). */
export function ageOn(birth: Hl7Date, on: Hl7Date): number {
  let age = on.year - birth.year;
  if (on.month < birth.month || (on.month === birth.month && on.day < birth.day)) age--;
  return age;
}
