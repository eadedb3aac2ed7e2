import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapFhir, type CommuneSource, type EntryResult } from '../../../ingest/fhir/fhir-map.ts';
import { pathOf } from '../../../ingest/fhir/fhir-ingest.ts';
import { redactFhir, redactFhirBytes } from '../../../ingest/fhir/fhir-redact.ts';
import { ageAt, eventTime } from '../../../ingest/fhir/fhir-read.ts';
import { validateEvent } from '../../../ingest/validate.ts';

/**
 * Golden files of the FHIR mapping (test/fixtures/fhir/<case>.json → <case>.expected.json):
 * each valid and invalid message, the events it maps to (or the field errors, at FHIR
 * expressions), what ingest's validation says of each event with its errors' paths translated
 * back to FHIR elements, and what a dead letter would keep. `UPDATE_GOLDEN=1` rewrites the
 * expected files (then read the diff).
 */
const DIR = new URL('../../fixtures/fhir/', import.meta.url);
const UNITS = { has: (c: string) => c === '09187' || c === '09190' };
const RECEIVED = Date.parse('2026-11-21T00:00:00Z');
const WINDOW = { maxPastDays: 3650, maxFutureDays: 1 };
/** Identifying values of the fixtures: none may be in a dead letter's raw. */
const IDENTIFYING = ['Nguyễn', 'Lan', 'MRN-884213', '0912 345 678', 'Trần Phú', 'thôn Đông'];

interface Fixture {
  posted_to: '/fhir' | '/fhir/Encounter' | '/fhir/Observation';
  input: unknown;
  options?: { communeFrom?: CommuneSource[] };
}
const EXPECTED = { '/fhir': 'Bundle', '/fhir/Encounter': 'Encounter', '/fhir/Observation': 'Observation' } as const;

function golden(entry: EntryResult) {
  if (entry.kind === 'companion') return entry;
  if (entry.kind === 'error') return { kind: entry.kind, errors: entry.errors, event_id: entry.event_id, hospital_id: entry.hospital_id };
  const v = validateEvent(entry.event, UNITS, { receivedAt: RECEIVED, window: WINDOW });
  return {
    kind: entry.kind,
    event: entry.event,
    validation: v.ok ? 'ok' : v.errors.map((e) => ({ path: pathOf(entry, e.path), field: e.path, message: e.message })),
  };
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

describe('FHIR mapping golden files', () => {
  it('has valid and invalid cases of each kind', () => {
    expect(cases.filter((c) => c.startsWith('valid-')).length).toBeGreaterThanOrEqual(6);
    expect(cases.filter((c) => c.startsWith('invalid-')).length).toBeGreaterThanOrEqual(6);
  });

  it.each(cases)('%s', (name) => {
    const fx = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as Fixture;
    const out = mapFhir(fx.input, EXPECTED[fx.posted_to], {
      hospital: 'BV-TEST',
      communeFrom: fx.options?.communeFrom ?? ['extension', 'district'],
    });
    const got = !out.ok
      ? { refused: out.errors }
      : out.message.kind === 'resource'
        ? { resource: out.message.resourceType, result: golden(out.message.result) }
        : { bundle: out.message.type, entries: out.message.entries.map(golden) };
    const file = new URL(`${name}.expected.json`, DIR);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`);
    expect(JSON.parse(JSON.stringify(got))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    // Valid cases map every event and validate; invalid ones hold at least one error.
    const text = JSON.stringify(got);
    if (name.startsWith('valid-')) expect(text).not.toMatch(/"errors"|"refused"|"path"/);
    else expect(text).toMatch(/"errors"|"refused"|"path"/);
    // What a dead letter would keep names nobody.
    if (out.ok) {
      const results = out.message.kind === 'resource' ? [out.message.result] : out.message.entries;
      for (const r of results) if (r.kind === 'error') for (const n of IDENTIFYING) expect(r.raw, `${name}: ${n}`).not.toContain(n);
    }
  });
});

describe('FHIR readers', () => {
  it.each([
    ['1990-05-12', '2026-05-11T23:00:00+07:00', 35],
    ['1990-05-12', '2026-05-12T00:00:00+07:00', 36],
    ['2000-02-29', '2026-02-28', 25],
    ['2026-11-20', '2026-11-20', 0],
    ['1990', '2026-11-20', undefined],
    ['1990-05', '2026-11-20', undefined],
  ])('age from %s at %s is %s', (birth, at, age) => {
    expect(ageAt(birth, at)).toBe(age);
  });

  it.each([
    ['2026-11-20', '2026-11-20T00:00:00+07:00'],
    ['2026-11-20T09:30:00Z', '2026-11-20T09:30:00Z'],
    ['2026-11-20T09:30:00.123+07:00', '2026-11-20T09:30:00.123+07:00'],
    ['2026-11', undefined],
    ['2026', undefined],
    ['20/11/2026', undefined],
    ['2026-11-20T09:30', undefined],
  ])('event time of %s is %s', (v, want) => {
    expect(eventTime(v)).toBe(want);
  });
});

describe('FHIR redaction', () => {
  const patient = {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
    name: [{ family: 'Trần', given: ['Văn', 'Bình'] }],
    telecom: [{ system: 'phone', value: '0987654321' }],
    contact: [{ name: { family: 'Lê' } }],
    text: { status: 'generated', div: '<div>Trần Văn Bình</div>' },
    gender: 'male',
    address: [
      {
        line: ['5 Lý Thái Tổ'],
        text: '5 Lý Thái Tổ, Từ Sơn',
        district: '09187',
        extension: [{ url: 'urn:ews:commune-code', valueCode: '09187' }],
      },
    ],
  };
  const encounter = {
    resourceType: 'Encounter',
    identifier: [{ system: 'urn:visit', value: 'V-1' }],
    subject: { reference: 'Patient/1', display: 'Trần Văn Bình', identifier: { value: 'MRN-1' } },
    class: { code: 'AMB', display: 'ambulatory' },
  };

  it('removes names, identifiers, telecom, contacts, narrative and address lines of a person; keeps codes and the commune', () => {
    expect(redactFhir(patient)).toEqual({
      resourceType: 'Patient',
      identifier: '[patient]',
      name: '[patient]',
      gender: 'male',
      address: [{ district: '09187', extension: [{ url: 'urn:ews:commune-code', valueCode: '09187' }] }],
    });
  });

  it('removes a reference display and identifier, keeps the event identifier and a coding display', () => {
    expect(redactFhir(encounter)).toEqual({
      resourceType: 'Encounter',
      identifier: [{ system: 'urn:visit', value: 'V-1' }],
      subject: { reference: 'Patient/1' },
      class: { code: 'AMB', display: 'ambulatory' },
    });
  });

  it('keeps "__proto__" keys as own properties and pollutes nothing', () => {
    const v = JSON.parse('{"resourceType":"Basic","__proto__":{"polluted":1}}') as unknown;
    const out = redactFhir(v) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('redacts broken or cut JSON by its keys, and leaves bytes that name nobody as they are', () => {
    const cut = Buffer.from(JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: patient }] }).slice(0, 300));
    const out = Buffer.from(redactFhirBytes(cut)).toString('utf8');
    for (const n of ['Trần', 'Bình', 'MRN-1', '0987654321', 'Lý Thái Tổ']) expect(out).not.toContain(n);
    const plain = Buffer.from('{"resourceType":"Bundle","type":"batch"');
    expect(redactFhirBytes(plain)).toBe(plain);
  });

  it('negative control: the scan finds the names in the unredacted input', () => {
    const text = JSON.stringify(patient);
    for (const n of ['Trần', 'MRN-1', '0987654321', 'Lý Thái Tổ']) expect(text).toContain(n);
  });
});
