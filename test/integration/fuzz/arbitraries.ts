import fc from 'fast-check';

/**
 * Generators for the ingest fuzz: hospital events as JSON text with a verdict known by
 * construction. Each item says whether the contract admits it (`valid`), refuses it
 * (`invalid`), or leaves it to the implementation (`either`: RFC 3339 forms zod does not read,
 * lone surrogates, duplicate keys); the oracle then follows the answer for `either` items and
 * still checks that whatever was accepted is counted once, on its day.
 */

/** Defects of issue 8 an input probes (fixed in 7ae01f4): named in failure messages. */
export type Fix =
  'event-time-window' | 'deep-nesting' | 'echo-cap' | 'id-control-chars' | 'invalid-utf8' | 'raw-bytes' | 'hospital-mismatch';

export type Verdict = 'valid' | 'invalid' | 'either';

/** JSON text written verbatim (numbers JSON.stringify cannot write, deep nesting, escapes). */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object as an ordered list of entries: duplicate keys and `__proto__` stay as written. */
export class Obj {
  constructor(readonly entries: [string, J][]) {}
}
export type J = null | boolean | number | string | Raw | Obj | J[];

export function serialise(v: J, space = false): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) {
    const sep = space ? ', ' : ',';
    return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}${space ? ': ' : ':'}${serialise(x, space)}`).join(sep)}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => serialise(x, space)).join(',')}]`;
  return JSON.stringify(v);
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** An occurred_at text and, when it denotes an instant, that instant (fraction truncated to ms). */
export interface TimeCase {
  text: string;
  ms: number | undefined;
  verdict: Verdict;
  fix?: Fix;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Writes the instant `ms` at offset `offMin` with `fracDigits` fractional digits (0–12). */
function rfc3339(ms: number, offMin: number, fracDigits: number, extra: string, zulu: 'Z' | '+00:00' | '-00:00'): TimeCase {
  const msPart = ((ms % 1000) + 1000) % 1000;
  const base = ms - msPart;
  const digits = pad(msPart, 3) + extra;
  const frac = digits.slice(0, fracDigits);
  const local = new Date(base + offMin * 60_000).toISOString().slice(0, 19);
  const off = offMin === 0 ? zulu : `${offMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offMin) / 60))}:${pad(Math.abs(offMin) % 60)}`;
  const text = `${local}${fracDigits > 0 ? `.${frac}` : ''}${off}`;
  return { text, ms: base + Number(frac.slice(0, 3).padEnd(3, '0')), verdict: 'valid' };
}

const offsetMinutes = fc.oneof(fc.constantFrom(-720, 840, 0, 420, 330, 345, -570, 765, -60, 60), fc.integer({ min: -720, max: 840 }));
const fracDigits = fc.integer({ min: 0, max: 9 });
const extraDigits = fc.stringMatching(/^\d{9}$/);
const zulu = fc.constantFrom('Z' as const, '+00:00' as const, '-00:00' as const);

/**
 * Event times the contract admits for something received at `now`: inside the plausibility
 * window (10 years back, 1 day ahead; an hour of margin so the test's own clock drift never
 * matters), any offset −12:00…+14:00, 0–9 fractional digits, leap days, day and year ends.
 */
export function validTime(now: number): fc.Arbitrary<TimeCase> {
  const lo = now - 3650 * DAY_MS + HOUR_MS;
  const hi = now + DAY_MS - HOUR_MS;
  const anyInstant = fc
    .tuple(fc.integer({ min: lo, max: hi }), offsetMinutes, fracDigits, extraDigits, zulu)
    .map(([ms, off, f, x, z]) => rfc3339(ms, off, f, x, z));
  // Local wall-clock corners: leap days, the last nanosecond of a day or year.
  const corner = fc
    .tuple(
      fc.constantFrom(Date.UTC(2020, 1, 29), Date.UTC(2024, 1, 29), Date.UTC(2023, 11, 31), Date.UTC(2024, 11, 31), Date.UTC(2025, 0, 1)),
      fc.constantFrom(0, DAY_MS - 1, 12 * HOUR_MS, DAY_MS - 1000),
      offsetMinutes,
      fc.constantFrom(0, 3, 9),
      zulu,
    )
    .map(([day, tod, off, f, z]) => rfc3339(day + tod - off * 60_000, off, f, '999999', z))
    .filter((t) => t.ms! >= lo && t.ms! <= hi);
  return fc.oneof({ weight: 4, arbitrary: anyInstant }, { weight: 1, arbitrary: corner });
}

/** Readable date-times outside the window: refused once the window fix is in (tagged). */
export function outOfWindowTime(now: number): fc.Arbitrary<TimeCase> {
  return fc
    .oneof(
      fc.constantFrom(
        '0000-01-01T00:00:00Z',
        '0000-02-29T12:00:00+14:00',
        '9999-12-31T23:59:59.999999999-12:00',
        '1970-01-01T00:00:00Z',
        '1900-01-01T00:00:00+07:00',
        '1899-12-31T23:59:59Z',
        '2286-11-21T00:00:00Z',
        '2299-12-31T23:59:59.999Z',
        '2300-01-01T00:00:00Z',
      ),
      fc.integer({ min: 2 * DAY_MS, max: 400 * DAY_MS }).map((d) => new Date(now + d).toISOString()),
      fc.integer({ min: 3651 * DAY_MS, max: 60_000 * DAY_MS }).map((d) => new Date(now - d).toISOString()),
    )
    .map((text) => ({ text, ms: undefined, verdict: 'invalid' as const, fix: 'event-time-window' as const }));
}

/** Not RFC 3339 date-times with an offset, or impossible calendar dates. */
export const badTime: fc.Arbitrary<TimeCase> = fc
  .constantFrom(
    '2026-11-20T09:30:00',
    '2025-02-29T10:00:00Z',
    '2100-02-29T10:00:00Z',
    '2026-04-31T10:00:00+07:00',
    '2026-13-01T10:00:00Z',
    '2026-00-10T10:00:00Z',
    '2026-11-20T24:00:00Z',
    '2026-11-20T23:60:00Z',
    '2026-11-20T09:30:00+24:00',
    '2026-11-20T09:30:00+14:60',
    '2026-11-20T09:30:00+0700',
    '2026-11-20T09:30:00.Z',
    '2026-11-20T09:30Z',
    '20/11/2026',
    '',
    ' 2026-11-20T09:30:00Z',
    '2026-11-20T09:30:00Z ',
    '2026-11-20T09:30:00Z\u0000',
    '+002026-11-20T09:30:00Z',
    '１２０２６-11-20T09:30:00Z',
  )
  .map((text) => ({ text, ms: undefined, verdict: 'invalid' as const }));

/** Forms RFC 3339 allows but the contract's parser may not: the implementation decides. */
export function undecidedTime(now: number): fc.Arbitrary<TimeCase> {
  return fc.tuple(fc.integer({ min: now - 30 * DAY_MS, max: now - DAY_MS }), fc.integer({ min: 0, max: 5 })).map(([ms, form]) => {
    const t = rfc3339(ms, 420, 3, '', 'Z');
    const iso = new Date(ms).toISOString();
    switch (form) {
      case 0:
        return { text: t.text.replace('T', 't'), ms: t.ms, verdict: 'either' as const };
      case 1:
        return { text: iso.replace('T', ' '), ms, verdict: 'either' as const };
      case 2:
        return { text: iso.toLowerCase(), ms, verdict: 'either' as const };
      case 3: {
        // Offsets RFC 3339's grammar allows (hours 00–23) beyond the ones in use.
        const u = rfc3339(ms, 15 * 60 + 30, 3, '', 'Z');
        return { text: u.text, ms: u.ms, verdict: 'either' as const };
      }
      case 4:
        return { text: iso.replace('Z', '123456Z'), ms, verdict: 'either' as const };
      default:
        return { text: '2016-12-31T23:59:60Z', ms: Date.UTC(2017, 0, 1), verdict: 'either' as const };
    }
  });
}

/** Characters C0, DEL and C1: refused in identifiers. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const noControl = (s: string) => !CONTROL.test(s);

/** Identifier text: any well-formed Unicode but control characters, quotes and backslashes included. */
export const idText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 0, maxLength }),
    fc.string({ unit: fc.constantFrom('"', '\\', '/', '|', ':', ' ', '\u2028', '\u00a0', 'ä', '𝄞', '\ufeff'), maxLength }),
  );
export const safeIdText = (maxLength: number) => idText(maxLength).filter(noControl);

const SEX = ['male', 'female', 'other', 'unknown'] as const;
const SETTING = ['outpatient', 'emergency', 'inpatient', 'telehealth'] as const;
const ICD = ['A90', 'A91', 'J11.1', 'A09', 'R50.9', 'B05', 'A00.0', 'j10', 'U07.1', 'B08.4', 'A92.0'];
const LOINC = ['75377-2', '94500-6', '7855-4', '1-8', '1234567-0'];

/** The fields of a valid event, minus identity (filled in at execution with a unique prefix). */
export interface EventSpec {
  lab: boolean;
  idSuffix: string;
  hospital: string;
  time: TimeCase;
  commune: string;
  patient: string;
  sex: string;
  /** age as it is written: an integer in several JSON spellings, or absent. */
  age: Raw | undefined;
  setting: string;
  diagnoses: string[];
  complaint: string | undefined;
  temperature: number | undefined;
  testCode: string;
  result: string;
  reversed: boolean;
  spaced: boolean;
}

const ageSpelling = fc
  .integer({ min: 0, max: 130 })
  .chain((n) =>
    fc.constantFrom(
      new Raw(String(n)),
      new Raw(`${n}.0`),
      new Raw(`${n}e0`),
      new Raw(n === 0 ? '-0' : `${n * 10}e-1`),
      new Raw(n === 0 ? '0E+5' : `${n / 10}E1`),
    ),
  );

export function eventSpec(now: number, communes: readonly string[]): fc.Arbitrary<EventSpec> {
  return fc.record({
    lab: fc.boolean(),
    // Lengths in UTF-16 units, as the contract counts them (a grapheme may take several).
    idSuffix: safeIdText(40).filter((s) => s.length <= 100),
    hospital: fc.oneof(
      fc.constantFrom('BV-TEST', 'BV Bắc Ninh', 'a|b', '"q"', '\\'),
      safeIdText(30).filter((s) => s.length > 0 && s.length <= 64),
    ),
    time: validTime(now),
    commune: fc.constantFrom(...communes),
    patient: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.length <= 256),
    sex: fc.constantFrom(...SEX),
    age: fc.option(ageSpelling, { nil: undefined }),
    setting: fc.constantFrom(...SETTING),
    diagnoses: fc.array(fc.constantFrom(...ICD), { maxLength: 5 }),
    // Free text may hold anything, control characters and NUL included: TSV must escape it.
    complaint: fc.option(fc.string({ unit: 'binary', maxLength: 120 }), { nil: undefined }),
    temperature: fc.option(fc.double({ min: 25, max: 45, noNaN: true }), { nil: undefined }),
    testCode: fc.constantFrom(...LOINC),
    result: fc.constantFrom('positive', 'negative', 'indeterminate'),
    reversed: fc.boolean(),
    spaced: fc.boolean(),
  });
}

/** The event as an ordered object, identity given. */
export function eventObject(s: EventSpec, hospitalId: string, eventId: string): Obj {
  const e: [string, J][] = [
    ['schema', s.lab ? 'ews.lab.v1' : 'ews.encounter.v1'],
    ['event_id', eventId],
    ['hospital_id', hospitalId],
    ['occurred_at', s.time.text],
    ['commune_code', s.commune],
    ['patient_id', s.patient],
    ['sex', s.sex],
  ];
  if (s.age) e.push(['age_years', s.age]);
  if (s.lab) {
    e.push(['test_code', s.testCode], ['result', s.result]);
  } else {
    e.push(['setting', s.setting], ['diagnoses', s.diagnoses]);
    if (s.complaint !== undefined) e.push(['chief_complaint', s.complaint]);
    if (s.temperature !== undefined) e.push(['temperature_c', s.temperature]);
  }
  return new Obj(s.reversed ? e.reverse() : e);
}

/** What is done to a valid event: nothing, or a change with the verdict it earns. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'set'; key: string; value: J; verdict: Verdict; fix?: Fix; why: string }
  | { kind: 'drop'; key: string; why: string }
  | { kind: 'extra'; key: string; value: J; fix?: Fix; why: string }
  | { kind: 'duplicate-key'; key: string; why: string }
  | { kind: 'lone'; escape: string; why: string }
  | { kind: 'extras'; keys: string[]; fix: Fix; why: string }
  | { kind: 'time'; time: TimeCase; why: string };

const deep = (n: number, open: string, close: string, inner = '0') => new Raw(open.repeat(n) + inner + close.repeat(n));
const bigString = (n: number) => 'x'.repeat(n);

const REQUIRED = ['schema', 'event_id', 'hospital_id', 'occurred_at', 'commune_code', 'patient_id', 'sex'];
const FIELDS = new Set([...REQUIRED, 'age_years', 'setting', 'diagnoses', 'chief_complaint', 'temperature_c', 'test_code', 'result']);

/** Changes to a valid event, each with the verdict it earns. */
export function mutation(now: number): fc.Arbitrary<Mutation> {
  const set = (key: string, values: fc.Arbitrary<J>, why: string, fix?: Fix) =>
    values.map((value): Mutation => ({ kind: 'set', key, value, verdict: 'invalid', why, ...(fix ? { fix } : {}) }));
  const hugeNumber = fc.constantFrom(new Raw('1e309'), new Raw('-1e309'), new Raw('1' + '0'.repeat(400)), new Raw('-' + '9'.repeat(330)));
  const common: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom(...REQUIRED).map((key): Mutation => ({ kind: 'drop', key, why: `no ${key}` })),
    set('schema', fc.constantFrom('ews.encounter.v9', 'EWS.ENCOUNTER.V1', '', null, 1, new Obj([])), 'bad schema'),
    set('event_id', fc.constantFrom('', null, 12, ['x'], new Obj([]), bigString(129)), 'bad event_id'),
    set('hospital_id', fc.constantFrom('', null, false, bigString(65)), 'bad hospital_id'),
    set('commune_code', fc.constantFrom('99999', '0918', '091870', 'abcde', '０９１８７', ' 09187', 9187, null), 'bad commune'),
    set('patient_id', fc.constantFrom('', null, 123, bigString(257)), 'bad patient_id'),
    set('sex', fc.constantFrom('M', 'Female', '', null, 1), 'bad sex'),
    set('age_years', fc.oneof(fc.constantFrom(-1, 131, 3.5, '34', null, true, new Raw('1.5e0')), hugeNumber), 'bad age'),
    set('temperature_c', fc.oneof(fc.constantFrom(60, 24.9, '37', null), hugeNumber), 'bad temperature'),
    set(
      'diagnoses',
      fc.constantFrom(
        'A90',
        null,
        ['XYZ'],
        [1],
        Array.from({ length: 51 }, () => 'A90'),
        new Obj([]),
      ),
      'bad diagnoses',
    ),
    set('chief_complaint', fc.constantFrom(bigString(2001), 1, ['a'], null), 'bad chief_complaint'),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(
            '__proto__',
            'constructor',
            'prototype',
            'toString',
            'hasOwnProperty',
            'valueOf',
            '__defineGetter__',
            'Event_id',
            '',
          ),
          fc.string({ unit: 'binary', maxLength: 30 }),
        ),
        fc.constantFrom<J>(null, 1, 'x', new Obj([['polluted', true]]), [new Obj([['__proto__', new Obj([['polluted', true]])]])]),
      )
      .filter(([k]) => !FIELDS.has(k))
      .map(([key, value]): Mutation => ({ kind: 'extra', key, value, why: `unknown key ${JSON.stringify(key).slice(0, 40)}` })),
    badTime.map((time): Mutation => ({ kind: 'time', time, why: `occurred_at ${JSON.stringify(time.text)}` })),
  ];
  // Arms probing a defect of issue 8, tagged with it.
  const tagged: [Fix, fc.Arbitrary<Mutation>][] = [
    [
      'id-control-chars',
      set(
        'event_id',
        fc
          .tuple(
            safeIdText(10),
            fc.constantFrom('\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'),
            safeIdText(10),
          )
          .map((p) => p.join('')),
        'control character in event_id',
        'id-control-chars',
      ),
    ],
    [
      'id-control-chars',
      set(
        'hospital_id',
        fc.constantFrom('BV\u0000TEST', 'BV\nTEST', '\u0007', 'BV-TEST\u001f'),
        'control character in hospital_id',
        'id-control-chars',
      ),
    ],
    [
      'event-time-window',
      outOfWindowTime(now).map((time): Mutation => ({ kind: 'time', time, why: `occurred_at ${time.text} outside the window` })),
    ],
  ];
  // Heavy arms (megabytes, deep nesting) are rare: a few dozen per run.
  const heavy: [Fix, fc.Arbitrary<Mutation>][] = [
    ['echo-cap', set('event_id', fc.integer({ min: 200_000, max: 2_000_000 }).map(bigString), 'huge event_id', 'echo-cap')],
    ['echo-cap', set('chief_complaint', fc.integer({ min: 100_000, max: 1_000_000 }).map(bigString), 'huge chief_complaint', 'echo-cap')],
    [
      'deep-nesting',
      set(
        'chief_complaint',
        fc
          .tuple(fc.integer({ min: 2_000, max: 100_000 }), fc.constantFrom('[', '{"a":'))
          .map(([n, o]) => deep(n, o, o === '[' ? ']' : '}')),
        'deeply nested value',
        'deep-nesting',
      ),
    ],
    [
      'echo-cap',
      fc
        .integer({ min: 200_000, max: 2_000_000 })
        .map((n): Mutation => ({ kind: 'extra', key: bigString(n), value: 1, fix: 'echo-cap', why: 'huge unknown key' })),
    ],
    [
      'echo-cap',
      set(
        'diagnoses',
        fc.integer({ min: 21, max: 50 }).map((n) => Array.from({ length: n }, () => 'XYZ')),
        'many errors',
        'echo-cap',
      ),
    ],
    [
      'echo-cap',
      fc.tuple(fc.integer({ min: 21, max: 300 }), fc.integer({ min: 200, max: 5000 })).map(([n, len]): Mutation => ({
        kind: 'extras',
        keys: Array.from({ length: n }, (_, i) => `k${i}`.padEnd(len, 'k')),
        fix: 'echo-cap',
        why: `${n} unknown keys of ${len} characters`,
      })),
    ],
  ];
  const keep = (arms: [Fix, fc.Arbitrary<Mutation>][]) => arms.map(([, a]) => a);
  const rare = keep(heavy);
  const invalid = fc.oneof(...common, ...keep(tagged));
  const undecided = fc.oneof(
    undecidedTime(now).map((time): Mutation => ({ kind: 'time', time, why: `occurred_at ${time.text}` })),
    // A lone surrogate, written as an escape, cannot be stored as UTF-8 unchanged.
    fc
      .constantFrom('\\ud800', '\\udfff', '\\udc00x')
      .map((escape): Mutation => ({ kind: 'lone', escape, why: `lone surrogate ${escape} in event_id` })),
    fc
      .constantFrom('sex', 'commune_code', 'event_id')
      .map((key): Mutation => ({ kind: 'duplicate-key', key, why: `duplicate key ${key}` })),
  );
  return fc.oneof(
    { weight: 120, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
    { weight: 100, arbitrary: invalid },
    { weight: 20, arbitrary: undecided },
    ...(rare.length > 0 ? [{ weight: 1, arbitrary: fc.oneof(...rare) }] : []),
  );
}

/** An item of a body that is not an event object at all. */
export const nonObject: fc.Arbitrary<{ value: J; fix?: Fix }> = fc.oneof(
  fc.constantFrom<J>(1, 'x', null, true, [], [1, 2], new Raw('-0'), new Raw('1e309')).map((value) => ({ value })),
  fc.tuple(fc.integer({ min: 2_000, max: 200_000 }), fc.boolean()).map(([n, arr]) => ({
    value: arr ? deep(n, '[', ']', '') : deep(n, '{"a":', '}', '1'),
    fix: 'deep-nesting' as const,
  })),
);

/** NDJSON lines that are not JSON: truncations of an event, or noise. No newline, never blank. */
export const brokenLine: fc.Arbitrary<string | { cut: number }> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((f) => ({ cut: f })),
  fc.constantFrom('{not json', '{"schema":', '[', '}', 'nul', '{"a":1,}', "{'a':1}", 'NaN', '{"a":01}', '"\\x"', '{"a":"\\ud800'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).map((s) => `{${s.replace(/[\n\r]/g, ' ')}`),
);
