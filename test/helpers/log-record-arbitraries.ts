import fc from 'fast-check';

/**
 * fast-check arbitraries of event-log record values (the text of a record on
 * ews.encounters.v1 / ews.labs.v1), for the parser and encoder fuzz tests: valid records with
 * every RFC 3339 corner, and the ways a producer's bytes can be wrong.
 */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Years weighted to the corners of the contract, the store and the engine's number parsing. */
const year = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(0, 1, 1899, 1900, 1969, 1970, 1971, 1973, 2000, 2024, 2100, 2149, 2150, 2286, 2287, 2299, 2300, 9999),
  },
  { weight: 5, arbitrary: fc.integer({ min: 2016, max: 2027 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }) },
);

/** Offsets −12:00 … +14:00 (with the odd quarter and half hours), or Z. */
const offset = fc.oneof(
  fc.constant('Z'),
  fc.constantFrom('+00:00', '-00:00', '+05:45', '+07:00', '-09:30', '+12:45', '+14:00', '-12:00'),
  fc
    .tuple(fc.integer({ min: -12, max: 14 }), fc.constantFrom(0, 15, 30, 45))
    .map(([h, m]) => `${h < 0 ? '-' : '+'}${pad(Math.abs(h), 2)}:${pad(m, 2)}`),
);

/**
 * RFC 3339 date-times in the one form the contract allows, with 0–9 fractional digits, leap
 * days (and 29 February of years without one), the last second of a day and of a month.
 */
export const rfc3339 = fc
  .record({
    y: year,
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constantFrom(29, 30, 31)),
    h: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 23)),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(59)),
    frac: fc.stringMatching(/^[0-9]{0,9}$/),
    off: offset,
    leap: fc.boolean(),
  })
  .map(({ y, mo, d, h, mi, s, frac, off, leap }) => {
    const [month, day] = leap ? [2, 29] : [mo, d];
    return `${pad(y, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac ? `.${frac}` : ''}${off}`;
  });

/** A time near the receive time (what real traffic looks like), in any offset. */
const nearTime = fc
  .tuple(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }), offset, fc.integer({ min: 0, max: 9 }))
  .map(([ms, off, digits]) => {
    const minutes = off === 'Z' ? 0 : (off[0] === '-' ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
    const local = new Date(ms + minutes * 60_000).toISOString();
    return `${local.slice(0, 19)}${digits ? `.${(local.slice(20, 23) + '000000').slice(0, digits)}` : ''}${off}`;
  });

/** Text with what TSV and JSON must escape, non-ASCII, astral characters, lone surrogates. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('a\tb', 'a\nb', 'back\\slash', "quo'te", '\u0000', '\u0085', 'sốt cao', '😀', '\ud800', 'x\r\n', "['a']", '\\N'),
);
const idText = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/) }, { weight: 1, arbitrary: nastyText });

/** An encounter or lab event as it travels on the log (`patient_key`, no `patient_id`). */
export const loggedEvent = fc.oneof(
  fc.record(
    {
      schema: fc.constant('ews.encounter.v1'),
      event_id: idText,
      hospital_id: idText,
      occurred_at: fc.oneof({ weight: 3, arbitrary: nearTime }, { weight: 2, arbitrary: rfc3339 }),
      commune_code: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('09187', '12345') }, { weight: 1, arbitrary: nastyText }),
      patient_key: idText,
      sex: fc.constantFrom('male', 'female', 'other', 'unknown'),
      age_years: fc.oneof(fc.integer({ min: 0, max: 130 }), fc.constantFrom(-1, 131, 1.5, 1e308)),
      setting: fc.constantFrom('outpatient', 'emergency', 'inpatient', 'telehealth'),
      diagnoses: fc.array(fc.oneof(fc.constantFrom('A90', 'J11.1', 'R50.9', 'A09', ' A90 ', 'a90'), nastyText), { maxLength: 4 }),
      chief_complaint: fc.oneof(fc.constantFrom('sốt cao, đau đầu', 'ho\tsốt', 'tiêu chảy'), nastyText),
      temperature_c: fc.oneof(fc.double({ min: 25, max: 45, noNaN: true }), fc.constantFrom(24.9, 45.1, -0)),
    },
    { requiredKeys: ['schema', 'event_id', 'hospital_id', 'occurred_at', 'commune_code', 'patient_key', 'sex', 'setting', 'diagnoses'] },
  ),
  fc.record(
    {
      schema: fc.constant('ews.lab.v1'),
      event_id: idText,
      hospital_id: idText,
      occurred_at: fc.oneof({ weight: 3, arbitrary: nearTime }, { weight: 2, arbitrary: rfc3339 }),
      commune_code: fc.constantFrom('09187', '12345'),
      patient_key: idText,
      sex: fc.constantFrom('male', 'female', 'other', 'unknown'),
      age_years: fc.integer({ min: 0, max: 130 }),
      test_code: fc.constantFrom('75377-6', '94500-6', '1-2', 'x'),
      result: fc.constantFrom('positive', 'negative', 'indeterminate'),
    },
    { requiredKeys: ['schema', 'event_id', 'hospital_id', 'occurred_at', 'commune_code', 'patient_key', 'sex', 'test_code', 'result'] },
  ),
);

/** A record (as an object) that follows the contract's shape; it may still break it: times, lengths, codes. */
export const wellFormedRecordObject = fc.record({
  event: loggedEvent,
  received_at: fc.oneof({ weight: 4, arbitrary: fc.constant('2026-07-01T00:00:00.000Z') }, { weight: 1, arbitrary: rfc3339 }),
});

/** `wellFormedRecordObject` as the record's value (JSON text). */
export const wellFormedRecord = wellFormedRecordObject.map((r) => JSON.stringify(r));

/** Nesting `depth` levels deep, as text (JSON.parse and the checks must not overflow). */
const deep = fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

/** Everything a producer could write: valid records, their mutations, and plain garbage. */
export const anyRecordValue = fc.oneof(
  { weight: 6, arbitrary: wellFormedRecord },
  // Truncated JSON.
  { weight: 2, arbitrary: fc.tuple(wellFormedRecord, fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))) },
  // One character replaced.
  {
    weight: 2,
    arbitrary: fc.tuple(wellFormedRecord, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(([t, n, c]) => {
      const i = n % t.length;
      return t.slice(0, i) + c + t.slice(i + 1);
    }),
  },
  // Bytes that are not UTF-8, decoded as the logs decode them (U+FFFD), and lone surrogates.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  // Deep nesting, at the top and inside the event.
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.tuple(wellFormedRecord, deep).map(([t, d]) => t.replace('"diagnoses":[', `"diagnoses":[${d},`)) },
  // Prototype keys, at the top and inside the event.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        wellFormedRecord,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
        fc.constantFrom('{}', 'null', '{"polluted":1}', '"x"'),
      )
      .chain(([t, key, v]) =>
        fc.constantFrom(t.replace('{"event":{', `{"event":{"${key}":${v},`), t.replace('{"event":', `{"${key}":${v},"event":`)),
      ),
  },
  // Huge strings and numbers.
  {
    weight: 1,
    arbitrary: fc
      .tuple(wellFormedRecord, fc.integer({ min: 1000, max: 300_000 }))
      .map(([t, n]) => t.replace('"event_id":"', `"event_id":"${'x'.repeat(n)}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(wellFormedRecord, fc.constantFrom('1e309', '-1e309', '1e308', '123456789012345678901234567890', '-0', '0.1e-400'))
      .map(([t, n]) => t.replace(/"age_years":[^,}]+/, `"age_years":${n}`)),
  },
  // Any JSON value at all.
  { weight: 1, arbitrary: fc.json() },
);
