import { createHmac } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { acceptsLogRecordV1, logRecordV1, parseLogRecord, parseLogRecordWithZod } from '../../schemas/topics.ts';
import { simulatedEvents } from '../helpers/kafka-data.ts';

/**
 * The fast path of `parseLogRecord` (schemas/topics.ts) returns a record as parsed whenever the
 * ajv check compiled from zod's JSON Schema export accepts it. That is only safe if, for every
 * value: ajv accepts ⇒ zod accepts and zod's output deep-equals the value. These tests pin that
 * invariant over a corpus of valid records and many mutations of them, check that the fast path
 * does take effect, and show (negative controls) that the harness catches a too-lenient check.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
interface Case {
  name: string;
  /** The log record value exactly as it would arrive (JSON text). */
  text: string;
}

const pseudonym = (hospital: string, patient: string) =>
  createHmac('sha256', 'fast-path-test-key').update(`${hospital}\u0000${patient}`).digest('base64url');

/** A simulated event as ingest writes it on the log. */
function logged(ev: Record<string, unknown>, receivedAt = '2026-11-25T05:00:00.123Z'): Obj {
  const { patient_id, ...rest } = ev;
  return { event: { ...rest, patient_key: pseudonym(String(rest['hospital_id']), String(patient_id)) }, received_at: receivedAt };
}

const fullEncounter: Obj = {
  event: {
    schema: 'ews.encounter.v1',
    event_id: 'E20300-09187-1',
    hospital_id: 'TTYT-01-02',
    occurred_at: '2026-11-20T09:30:00+07:00',
    commune_code: '09187',
    sex: 'female',
    age_years: 34,
    setting: 'emergency',
    diagnoses: ['A90', 'J11.1', 'R50.9'],
    chief_complaint: 'sốt cao, đau đầu, phát ban',
    temperature_c: 39.2,
    patient_key: pseudonym('TTYT-01-02', 'P0918700001'),
  },
  received_at: '2026-11-20T02:31:07.123Z',
};
const minimalEncounter: Obj = {
  event: {
    schema: 'ews.encounter.v1',
    event_id: 'E1',
    hospital_id: 'BV-1',
    occurred_at: '2026-11-20T09:30:00Z',
    commune_code: '00001',
    sex: 'unknown',
    setting: 'telehealth',
    diagnoses: [],
    patient_key: 'k',
  },
  received_at: '2026-11-20T02:31:07Z',
};
const lab: Obj = {
  event: {
    schema: 'ews.lab.v1',
    event_id: 'L20300-09187-1',
    hospital_id: 'TTYT-01-02',
    occurred_at: '2026-11-20T10:00:00+07:00',
    commune_code: '09187',
    sex: 'male',
    age_years: 7,
    test_code: '75377-6',
    result: 'positive',
    patient_key: pseudonym('TTYT-01-02', 'P0918700002'),
  },
  received_at: '2026-11-20T03:01:07.000Z',
};
const minimalLab: Obj = {
  event: {
    schema: 'ews.lab.v1',
    event_id: 'L1',
    hospital_id: 'H',
    occurred_at: '2024-02-29T23:59:59.999999-12:00',
    commune_code: '99999',
    sex: 'other',
    test_code: '1-0',
    result: 'indeterminate',
    patient_key: 'p',
  },
  received_at: '2000-02-29T00:00:00+14:00',
};
const BASES: [string, Obj][] = [
  ['full encounter', fullEncounter],
  ['minimal encounter', minimalEncounter],
  ['lab', lab],
  ['minimal lab', minimalLab],
];

/** Field limits of the contract (schemas/events.ts, schemas/topics.ts). */
const MAX_LENGTH: Record<string, number> = { event_id: 128, hospital_id: 64, patient_key: 128, chief_complaint: 2000 };
const ENCOUNTER_ONLY = { setting: 'outpatient', diagnoses: ['A90'], chief_complaint: 'ho', temperature_c: 37 } as const;
const LAB_ONLY = { test_code: '75377-6', result: 'negative' } as const;
const WRONG_TYPES: [string, Json][] = [
  ['0', 0],
  ['1.5', 1.5],
  ['-1', -1],
  ['""', ''],
  ['"x"', 'x'],
  ['null', null],
  ['[]', []],
  ['["A90"]', ['A90']],
  ['{}', {}],
  ['true', true],
  ['false', false],
];
const DATES: string[] = [
  '2026-11-20T09:30:00Z',
  '2026-11-20T09:30:00+07:00',
  '2026-11-20T09:30:00-03:30',
  '2026-11-20T09:30:00+00:00',
  '2026-11-20T09:30:00-00:00',
  '2026-11-20T09:30:00',
  '2026-11-20T09:30Z',
  '2026-11-20T09:30+07:00',
  '2026-11-20T09:30:00.1Z',
  '2026-11-20T09:30:00.123+07:00',
  '2026-11-20T09:30:00.123456789Z',
  '2026-11-20T09:30:00.Z',
  '2026-11-20T09:30:00,5Z',
  '2026-02-30T10:00:00+07:00',
  '2025-02-29T10:00:00+07:00',
  '2024-02-29T10:00:00+07:00',
  '2000-02-29T10:00:00Z',
  '1900-02-29T10:00:00Z',
  '2100-02-29T10:00:00Z',
  '2026-04-31T10:00:00Z',
  '2026-12-31T23:59:59Z',
  '2026-13-01T10:00:00Z',
  '2026-00-10T10:00:00Z',
  '2026-11-00T10:00:00Z',
  '2026-11-20T24:00:00Z',
  '2026-11-20T23:60:00Z',
  '2026-11-20T23:59:60Z',
  '2026-11-20T09:30:00+24:00',
  '2026-11-20T09:30:00+07:60',
  '2026-11-20T09:30:00+0700',
  '2026-11-20T09:30:00+07',
  '2026-11-20t09:30:00z',
  '2026-11-20 09:30:00Z',
  '2026-11-20',
  ' 2026-11-20T09:30:00Z',
  '2026-11-20T09:30:00Z ',
  '2026-11-20T09:30:00Z\n',
  '26-11-20T09:30:00Z',
  '+02026-11-20T09:30:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '２026-11-20T09:30:00Z',
  '',
];
const ICD_CODES: string[] = [
  'A90',
  'a90',
  'J11.1',
  'J111',
  'j11.1',
  'R50.9',
  'U07.1',
  'A90.1234',
  'A901234',
  'A90.12345',
  'A90.',
  'A9',
  'A900000',
  '90A',
  ' A90',
  'A90 ',
  '  J11.1  ',
  '\tA90\n',
  'A90\n',
  '\u00a0A90',
  '\ufeffA90',
  'A90\u2028',
  'A 90',
  'Ａ90',
  'A٩0',
  '',
  '   ',
];
const LOINC_CODES: string[] = [
  '75377-6',
  '1-0',
  '1234567-8',
  '12345678-9',
  '-6',
  '75377-',
  '75377-66',
  '75377_6',
  ' 75377-6',
  '75377-6 ',
  '75377-6\n',
  '７5377-6',
  'a-1',
  '1--1',
];
const COMMUNES: string[] = ['09187', '00000', '9187', '091870', '0918a', ' 09187', '09187\n', '０９１８７', '', '0918٧'];
const AGES: [string, string][] = [
  ['0', '0'],
  ['130', '130'],
  ['131', '131'],
  ['-1', '-1'],
  ['1.5', '1.5'],
  ['-0', '-0'],
  ['1.0', '1.0'],
  ['1e2', '1e2'],
  ['1e-7', '1e-7'],
  ['129.99999999999999', '129.99999999999999'],
  ['9007199254740993', '9007199254740993'],
  ['"5"', '"5"'],
];
const TEMPERATURES: string[] = [
  '25',
  '45',
  '24.9',
  '45.1',
  '37.5',
  '25.000000001',
  '44.999999999',
  '24.999999999999999',
  '-0',
  '1e1',
  '"37"',
];
const ENUMS: Record<string, string[]> = {
  sex: ['male', 'female', 'other', 'unknown', 'Male', 'MALE', ' male', 'm', ''],
  setting: ['outpatient', 'emergency', 'inpatient', 'telehealth', 'Outpatient', 'icu', ''],
  result: ['positive', 'negative', 'indeterminate', 'Positive', 'pos', ''],
};

const json = (v: unknown) => JSON.stringify(v);
const clone = (o: Obj): Obj => JSON.parse(JSON.stringify(o)) as Obj;
const ev = (o: Obj) => o['event'] as Obj;
function withEvent(base: Obj, change: (e: Obj) => void): Obj {
  const c = clone(base);
  change(ev(c));
  return c;
}
/** JSON text of `base` with the event field `key` written as the raw JSON `raw` (numbers such as -0, 1e2). */
function rawEventField(base: Obj, key: string, raw: string): string {
  const c = withEvent(base, (e) => void (e[key] = '__RAW__'));
  return json(c).replace('"__RAW__"', raw);
}

/** Strings of exactly `units` UTF-16 code units: ASCII, and astral ('😀' is 2 units, 1 code point). */
function lengthProbes(units: number): [string, string][] {
  const astral = '😀'.repeat(Math.floor(units / 2)) + (units % 2 ? 'a' : '');
  return [
    ['ascii', 'a'.repeat(units)],
    ['astral', astral],
    ['vietnamese', 'ố'.repeat(units)],
  ];
}

function mutations(label: string, base: Obj): Case[] {
  const cases: Case[] = [];
  const add = (name: string, text: string) => cases.push({ name: `${label}: ${name}`, text });
  const e0 = ev(base);
  const isLab = e0['schema'] === 'ews.lab.v1';
  add('as is', json(base));
  // Every field missing, every wrong type.
  for (const key of Object.keys(base)) {
    const c = clone(base);
    delete c[key];
    add(`no ${key}`, json(c));
    for (const [tn, tv] of WRONG_TYPES) add(`${key} = ${tn}`, json({ ...base, [key]: tv }));
  }
  for (const key of Object.keys(e0)) {
    add(`no event.${key}`, json(withEvent(base, (e) => void delete e[key])));
    for (const [tn, tv] of WRONG_TYPES) add(`event.${key} = ${tn}`, json(withEvent(base, (e) => void (e[key] = tv))));
  }
  // Optional fields the base lacks, each added with a valid value.
  const optional: Obj = isLab ? { age_years: 40 } : { age_years: 40, chief_complaint: 'ho', temperature_c: 37 };
  for (const [k, v] of Object.entries(optional)) if (!(k in e0)) add(`with event.${k}`, json(withEvent(base, (e) => void (e[k] = v))));
  // Boundary lengths: min (empty), max and max+1 in UTF-16 code units, lone surrogates.
  for (const [key, max] of Object.entries(MAX_LENGTH)) {
    if (key === 'chief_complaint' && isLab) continue;
    for (const [pn, s] of [...lengthProbes(max), ...lengthProbes(max + 1), ...lengthProbes(max - 1)]) {
      add(`event.${key} ${pn} ${s.length} units`, json(withEvent(base, (e) => void (e[key] = s))));
    }
    add(
      `event.${key} = 64 astral + 1 (≤128 code points)`,
      json(withEvent(base, (e) => void (e[key] = '😀'.repeat(Math.ceil((max + 1) / 2))))),
    );
    add(`event.${key} lone surrogate`, json(withEvent(base, (e) => void (e[key] = '\ud800'))));
    add(`event.${key} = " "`, json(withEvent(base, (e) => void (e[key] = ' '))));
  }
  // Extra fields at both levels, including names that exist on Object.prototype.
  for (const extra of ['extra', 'patient_id', 'constructor', 'toString', 'hasOwnProperty', 'schema_version']) {
    add(`extra top-level ${extra}`, json({ ...base, [extra]: 'x' }));
    add(`extra event.${extra}`, json(withEvent(base, (e) => void (e[extra] = 'x'))));
  }
  add('extra top-level __proto__', json(base).replace(/^\{/, '{"__proto__":{"x":1},'));
  add('extra event.__proto__', json(base).replace('"event":{', '"event":{"__proto__":{"x":1},'));
  add('empty event.__proto__', json(base).replace('"event":{', '"event":{"__proto__":{},'));
  for (const [k, v] of Object.entries(isLab ? ENCOUNTER_ONLY : LAB_ONLY))
    add(`other schema's field event.${k}`, json(withEvent(base, (e) => void (e[k] = v as Json))));
  // Duplicate keys in the JSON text (the last one wins for both paths).
  add('duplicate received_at', json(base).replace(/\}$/, `,"received_at":"2026-11-20T02:31:07Z"}`));
  // The discriminator.
  for (const s of ['ews.encounter.v1', 'ews.lab.v1', 'ews.x.v9', 'EWS.ENCOUNTER.V1', ' ews.encounter.v1', 'ews.encounter.v2', '']) {
    add(`event.schema = ${json(s)}`, json(withEvent(base, (e) => void (e['schema'] = s))));
  }
  // Enums.
  for (const [k, values] of Object.entries(ENUMS)) {
    if (!(k in e0)) continue;
    for (const v of values) add(`event.${k} = ${json(v)}`, json(withEvent(base, (e) => void (e[k] = v))));
  }
  // Dates, in both date-time fields.
  for (const d of DATES) {
    add(`event.occurred_at = ${json(d)}`, json(withEvent(base, (e) => void (e['occurred_at'] = d))));
    add(`received_at = ${json(d)}`, json({ ...base, received_at: d }));
  }
  // Codes.
  for (const c of COMMUNES) add(`event.commune_code = ${json(c)}`, json(withEvent(base, (e) => void (e['commune_code'] = c))));
  if (isLab) {
    for (const c of LOINC_CODES) add(`event.test_code = ${json(c)}`, json(withEvent(base, (e) => void (e['test_code'] = c))));
  } else {
    for (const c of ICD_CODES) {
      add(`event.diagnoses = [${json(c)}]`, json(withEvent(base, (e) => void (e['diagnoses'] = [c]))));
      add(`event.diagnoses = ["A90", ${json(c)}]`, json(withEvent(base, (e) => void (e['diagnoses'] = ['A90', c]))));
    }
    for (const n of [49, 50, 51])
      add(
        `event.diagnoses × ${n}`,
        json(withEvent(base, (e) => void (e['diagnoses'] = Array.from({ length: n }, (_, i) => `A${String(i).padStart(2, '0')}`)))),
      );
    add(
      'event.diagnoses × 50, one padded',
      json(withEvent(base, (e) => void (e['diagnoses'] = [...Array.from({ length: 49 }, () => 'A90'), ' J11 ']))),
    );
    for (const bad of [5, null, ['A90'], { code: 'A90' }])
      add(`event.diagnoses = ["A90", ${json(bad)}]`, json(withEvent(base, (e) => void (e['diagnoses'] = ['A90', bad]))));
    for (const t of TEMPERATURES) add(`event.temperature_c = ${t}`, rawEventField(base, 'temperature_c', t));
  }
  for (const [an, raw] of AGES) add(`event.age_years = ${an}`, rawEventField(base, 'age_years', raw));
  return cases;
}

const STRUCTURAL: Case[] = [
  ['not an object: array', '[1]'],
  ['not an object: string', '"x"'],
  ['not an object: number', '1'],
  ['not an object: null', 'null'],
  ['not an object: true', 'true'],
  ['empty object', '{}'],
  ['event is an array', json({ event: [ev(fullEncounter)], received_at: fullEncounter['received_at'] })],
  ['event is null', json({ event: null, received_at: fullEncounter['received_at'] })],
  ['the event itself, no envelope', json(ev(fullEncounter))],
  ['encounter body labelled lab', json(withEvent(fullEncounter, (e) => void (e['schema'] = 'ews.lab.v1')))],
  ['lab body labelled encounter', json(withEvent(lab, (e) => void (e['schema'] = 'ews.encounter.v1')))],
  ['encounter with lab fields too', json(withEvent(fullEncounter, (e) => Object.assign(e, LAB_ONLY)))],
  ['lab with encounter fields too', json(withEvent(lab, (e) => Object.assign(e, ENCOUNTER_ONLY)))],
  ['not JSON', 'not json'],
  ['truncated JSON', json(fullEncounter).slice(0, 40)],
  ['empty text', ''],
].map(([name, text]) => ({ name: `structural: ${name}`, text: text! }));

const SIMULATED: Case[] = simulatedEvents(400, 7).map((e, i) => ({
  name: `simulated ${i} (${String(e['schema'])})`,
  text: json(logged(e)),
}));
const VALID: Case[] = [...BASES.map(([n, b]) => ({ name: n, text: json(b) })), ...SIMULATED];
const CASES: Case[] = [...BASES.flatMap(([n, b]) => mutations(n, b)), ...STRUCTURAL];

type Check = (value: unknown) => boolean;

/** What zod makes of a value: its output, or undefined when it refuses it. */
function zodOutput(value: unknown): { ok: true; data: unknown } | { ok: false } {
  const r = logRecordV1.safeParse(value);
  return r.success ? { ok: true, data: r.data } : { ok: false };
}

/** The cases that are JSON, with their parsed values. */
function readable(cases: readonly Case[]): { c: Case; value: unknown }[] {
  const out: { c: Case; value: unknown }[] = [];
  for (const c of cases) {
    try {
      out.push({ c, value: JSON.parse(c.text) });
    } catch {
      // not JSON: never reaches either check
    }
  }
  return out;
}

/** Cases where `check` accepts a value that zod refuses or changes: each would be a wrong fast-path answer. */
function violations(check: Check, cases: readonly Case[]): string[] {
  const out: string[] = [];
  for (const { c, value } of readable(cases)) {
    if (!check(value)) continue;
    const z = zodOutput(value);
    if (!z.ok) out.push(`${c.name}: accepted, zod refuses`);
    else if (!isDeepStrictEqual(z.data, value)) out.push(`${c.name}: accepted, zod changes it`);
  }
  return out;
}

/** Cases zod returns unchanged that `check` refuses: each would needlessly take the slow path. */
function fastPathMisses(check: Check, cases: readonly Case[]): string[] {
  const out: string[] = [];
  for (const { c, value } of readable(cases)) {
    const z = zodOutput(value);
    if (z.ok && isDeepStrictEqual(z.data, value) && !check(value)) out.push(c.name);
  }
  return out;
}

describe('parseLogRecord fast path (ajv check compiled from zod’s JSON Schema)', () => {
  it('covers a large corpus: both event schemas, valid and refused, fast and slow path', () => {
    const classes = { ajv: 0, zodOnly: 0, refused: 0, unreadable: 0 };
    for (const c of [...VALID, ...CASES]) {
      let value: unknown;
      try {
        value = JSON.parse(c.text);
      } catch {
        classes.unreadable++;
        continue;
      }
      if (acceptsLogRecordV1(value)) classes.ajv++;
      else if (zodOutput(value).ok) classes.zodOnly++;
      else classes.refused++;
    }
    expect(SIMULATED.some((c) => c.name.includes('ews.lab.v1'))).toBe(true);
    expect(SIMULATED.some((c) => c.name.includes('ews.encounter.v1'))).toBe(true);
    expect(CASES.length).toBeGreaterThan(1000);
    expect(classes.ajv).toBeGreaterThan(400 + 200);
    expect(classes.zodOnly).toBeGreaterThan(20);
    expect(classes.refused).toBeGreaterThan(500);
    expect(classes.unreadable).toBeGreaterThan(0);
  });

  it.each(VALID)('takes the fast path for a valid record: $name', ({ text }) => {
    const value: unknown = JSON.parse(text);
    expect(acceptsLogRecordV1(value)).toBe(true);
    const z = zodOutput(value);
    expect(z.ok && isDeepStrictEqual(z.data, value)).toBe(true);
    expect(parseLogRecord(text)).toEqual({ ok: true, record: value });
  });

  it.each([...VALID, ...CASES])('agrees with zod: $name', ({ text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined && acceptsLogRecordV1(value)) {
      // The invariant: ajv accepts ⇒ zod accepts, and zod's output deep-equals the input.
      const z = zodOutput(value);
      expect(z.ok, 'zod accepts what ajv accepts').toBe(true);
      if (z.ok) expect(isDeepStrictEqual(z.data, value), 'zod output deep-equals the input').toBe(true);
    }
    // The new parseLogRecord answers exactly what the zod-only path answers (record or reason).
    expect(parseLogRecord(text)).toStrictEqual(parseLogRecordWithZod(text));
  });

  it('misses no record zod would return unchanged, except astral strings over a limit in UTF-16 units', () => {
    // zod counts string lengths in code points, the check in UTF-16 units (never more lenient
    // either way): only a string with surrogate pairs that is too long in units but not in code
    // points is left to zod. Any other miss would be a fast path that does not take effect.
    const misses = fastPathMisses(acceptsLogRecordV1, [...VALID, ...CASES]);
    expect(misses.filter((name) => !/astral/.test(name))).toEqual([]);
    expect(misses).toContain('lab: event.hospital_id = 64 astral + 1 (≤128 code points)');
  });

  it.each([
    ['padded ICD-10 code', { diagnoses: [' A90 '] }, ['A90']],
    ['ICD-10 code with a newline', { diagnoses: ['J11.1\n', 'a90'] }, ['J11.1', 'a90']],
    ['non-breaking space', { diagnoses: ['\u00a0R50.9'] }, ['R50.9']],
  ])('leaves zod’s transforms to zod: %s is refused by ajv, accepted and trimmed by zod', (_name, over, diagnoses) => {
    const text = json(withEvent(fullEncounter, (e) => Object.assign(e, over)));
    expect(acceptsLogRecordV1(JSON.parse(text))).toBe(false);
    const r = parseLogRecord(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.record.event.schema === 'ews.encounter.v1' && r.record.event.diagnoses).toEqual(diagnoses);
  });

  it('counts string lengths in UTF-16 units, never more leniently than zod (which counts code points)', () => {
    const text = (s: string) => json(withEvent(fullEncounter, (e) => void (e['patient_key'] = s)));
    const at = (s: string) => JSON.parse(text(s)) as unknown;
    expect(acceptsLogRecordV1(at('😀'.repeat(64)))).toBe(true); // 128 units, 64 code points
    // 130 units, 65 code points: over max(128) in units only. zod accepts it, the check leaves it to zod.
    expect(acceptsLogRecordV1(at('😀'.repeat(65)))).toBe(false);
    expect(zodOutput(at('😀'.repeat(65))).ok).toBe(true);
    expect(parseLogRecord(text('😀'.repeat(65)))).toStrictEqual(parseLogRecordWithZod(text('😀'.repeat(65))));
    expect(parseLogRecord(text('😀'.repeat(65))).ok).toBe(true);
    // 129 code points: over the limit for both.
    expect(acceptsLogRecordV1(at('😀'.repeat(129)))).toBe(false);
    expect(zodOutput(at('😀'.repeat(129))).ok).toBe(false);
  });

  describe('negative controls: the harness catches a check more lenient than zod', () => {
    const schema = z.toJSONSchema(logRecordV1, { io: 'input' }) as Record<string, unknown>;
    const quiet = { log: () => {}, warn: () => {}, error: () => {} };
    const compile = (s: Record<string, unknown>, options: Record<string, unknown> = {}): Check =>
      new Ajv2020({
        strict: true,
        unicode: false,
        unicodeRegExp: false,
        formats: { 'date-time': true },
        logger: quiet,
        ...options,
      }).compile(s);
    /** The exported schema without any `keyword`. */
    const withoutKeyword = (keyword: string) =>
      JSON.parse(JSON.stringify(schema), (k: string, v: unknown) => (k === keyword ? undefined : v)) as Record<string, unknown>;
    /** The exported schema with every `pattern` for which `drop` holds removed. */
    const withoutPatterns = (drop: (pattern: string) => boolean) =>
      JSON.parse(JSON.stringify(schema), (k: string, v: unknown) =>
        k === 'pattern' && typeof v === 'string' && drop(v) ? undefined : v,
      ) as Record<string, unknown>;

    it('the real check has no violations (baseline)', () => {
      expect(violations(acceptsLogRecordV1, [...VALID, ...CASES])).toEqual([]);
    });

    it('a check without maxLength would let over-long strings through', () => {
      const found = violations(compile(withoutKeyword('maxLength')), CASES);
      expect(found).toContain('full encounter: event.patient_key ascii 129 units: accepted, zod refuses');
      expect(found).toContain('full encounter: event.chief_complaint vietnamese 2001 units: accepted, zod refuses');
    });

    it('a check that allows additional properties would let extra fields through', () => {
      const found = violations(compile(withoutKeyword('additionalProperties')), CASES);
      expect(found).toContain('lab: extra top-level extra: accepted, zod refuses');
      expect(found).toContain('minimal encounter: extra event.patient_id: accepted, zod refuses');
      expect(found).toContain('lab: extra event.__proto__: accepted, zod refuses');
    });

    it('a check that takes "integer" as "number" would let fractional ages through', () => {
      const found = violations(
        compile(JSON.parse(JSON.stringify(schema).replaceAll('"integer"', '"number"')) as Record<string, unknown>),
        CASES,
      );
      expect(found).toContain('lab: event.age_years = 1.5: accepted, zod refuses');
    });

    it('a date-time checked by format name only (pattern dropped, format ignored) would let impossible dates through', () => {
      const found = violations(compile(withoutPatterns((p) => p.includes('-02-29'))), CASES);
      expect(found).toContain('lab: event.occurred_at = "2026-02-30T10:00:00+07:00": accepted, zod refuses');
      expect(found).toContain('full encounter: received_at = "2026-11-20T09:30:00": accepted, zod refuses');
    });

    it('an ICD-10 check without the pattern would hand out untrimmed codes zod would have trimmed', () => {
      const found = violations(compile(withoutPatterns((p) => p.startsWith('^[A-Za-z]'))), CASES);
      expect(found).toContain('full encounter: event.diagnoses = [" A90"]: accepted, zod changes it');
      expect(found).toContain('full encounter: event.diagnoses = ["A9"]: accepted, zod refuses');
    });

    it('a check that accepts everything is caught; one that accepts nothing is caught by the fast-path test', () => {
      expect(violations(() => true, CASES).length).toBeGreaterThan(500);
      expect(fastPathMisses(() => false, VALID)).toHaveLength(VALID.length);
    });
  });

  it('compiles the check on first use, not when schemas/topics.ts is imported (schemas/ holds contracts only)', async () => {
    vi.resetModules();
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    try {
      const fresh = await import('../../schemas/topics.ts');
      expect(compile).not.toHaveBeenCalled();
      expect(fresh.parseLogRecord(VALID[0]!.text).ok).toBe(true);
      expect(fresh.parseLogRecord(VALID[1]!.text).ok).toBe(true);
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });

  it.each(['\ud800', 'a\udc00b', 'a\u0001', '\u007f', '\u0085', 'p', 'C', '{', '}', '😀', 'BV-1'])(
    'agrees with zod on an id %j (patterns with \\p{…} escapes are compiled as zod compiles them)',
    (id) => {
      for (const field of ['hospital_id', 'event_id']) {
        const text = json(withEvent(lab, (e) => void (e[field] = id)));
        const value: unknown = JSON.parse(text);
        if (acceptsLogRecordV1(value)) expect(zodOutput(value).ok, `${field}: zod accepts what ajv accepts`).toBe(true);
        expect(parseLogRecord(text)).toStrictEqual(parseLogRecordWithZod(text));
      }
    },
  );
});
