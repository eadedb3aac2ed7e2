import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, encodeBatch } from '../../processors/count/count-batch.ts';
import { classifyEvent } from '../../processors/classify/index.ts';
import type { LogRecordV1 } from '../../schemas/events.ts';

const encounter = {
  schema: 'ews.encounter.v1',
  event_id: 'E1',
  hospital_id: 'H1',
  occurred_at: '2026-07-01T23:30:00+07:00',
  commune_code: '09187',
  patient_key: 'pk',
  sex: 'female',
  age_years: 7,
  setting: 'outpatient',
  diagnoses: ['A90'],
  chief_complaint: 'sốt\tcao',
  temperature_c: 39.5,
};
const lab = {
  schema: 'ews.lab.v1',
  event_id: 'L1',
  hospital_id: 'H2',
  occurred_at: '2026-07-01T17:30:00Z',
  commune_code: '09187',
  patient_key: 'pk',
  sex: 'male',
  test_code: '75377-6',
  result: 'positive',
};
const rec = (event: unknown, offset: number) => ({ value: JSON.stringify({ event, received_at: '2026-07-02T00:00:00.000Z' }), offset });
const columns = (line: string) => Object.fromEntries(line.split('\t').map((v, i) => [EVENT_COLUMNS[i], v]));

describe('encodeBatch (read, window, classify, encode)', () => {
  it('encodes countable records as events rows in EVENT_COLUMNS order, local day in UTC+07', () => {
    const out = encodeBatch([rec(encounter, 10), rec(lab, 11)], { classify: classifyEvent, trusted: false });
    expect(out.rows).toBe(2);
    expect(out.refused).toEqual([]);
    const [a, b] = out.tsv.toString('utf8').trimEnd().split('\n').map(columns);
    expect(a).toMatchObject({
      hospital_id: 'H1',
      event_id: 'E1',
      day: '2026-07-01',
      syndromes: "['dengue']",
      diagnoses: "['A90']",
      chief_complaint: 'sốt\\tcao',
      temperature_c: '39.5',
      test_code: '',
      log_offset: '10',
    });
    // 17:30Z is 00:30 the next day in Vietnam.
    expect(b).toMatchObject({
      event_id: 'L1',
      day: '2026-07-02',
      age_years: '\\N',
      setting: '',
      test_code: '75377-6',
      result: 'positive',
      log_offset: '11',
    });
  });

  it('names each changed cell once', () => {
    const out = encodeBatch([rec(encounter, 1), rec({ ...encounter, event_id: 'E2' }, 2)], { classify: classifyEvent, trusted: false });
    expect(out.changed).toEqual([{ syndrome: 'dengue', commune_code: '09187', day: '2026-07-01' }]);
  });

  it.each([
    ['not JSON', '{"event":', 'RECORD_UNREADABLE', /not JSON/],
    [
      'a contract break, named by field',
      JSON.stringify({ event: { ...encounter, age_years: 200 }, received_at: '2026-07-02T00:00:00Z' }),
      'RECORD_INVALID',
      /event\.age_years/,
    ],
    [
      'an unknown schema',
      JSON.stringify({ event: { ...encounter, schema: 'x' }, received_at: '2026-07-02T00:00:00Z' }),
      'RECORD_INVALID',
      /schema/,
    ],
  ])('refuses %s with its reason and raw text, and still encodes the rest', (_name, value, code, reason) => {
    const out = encodeBatch([{ value, offset: 5 }, rec(encounter, 6)], { classify: classifyEvent, trusted: false });
    expect(out.rows).toBe(1);
    expect(out.refused).toHaveLength(1);
    expect(out.refused[0]).toMatchObject({ offset: 5, raw: value, code });
    expect(out.refused[0]!.reason).toMatch(reason);
  });

  it('trusted records skip the contract check but not JSON or an unreadable time', () => {
    const outOfContract = rec({ ...encounter, age_years: 200 }, 1);
    expect(encodeBatch([outOfContract], { classify: classifyEvent, trusted: true }).rows).toBe(1);
    expect(encodeBatch([outOfContract], { classify: classifyEvent, trusted: false }).rows).toBe(0);
    const badTime = encodeBatch(
      [rec({ ...encounter, occurred_at: 'yesterday' }, 2), { value: 'nope', offset: 3 }, { value: '{"received_at":"x"}', offset: 4 }],
      { classify: classifyEvent, trusted: true },
    );
    expect(badTime.refused.map((r) => r.code)).toEqual(['RECORD_INVALID', 'RECORD_UNREADABLE', 'RECORD_INVALID']);
    expect(badTime.refused[0]!.reason).toMatch(/occurred_at: not a timestamp: yesterday/);
  });
});

describe('encodeBatch event times: refused outside the store and the plausibility window, never left to the engine', () => {
  const at = (occurred_at: string, received_at: string, trusted = false) =>
    encodeBatch([{ value: JSON.stringify({ event: { ...encounter, occurred_at }, received_at }), offset: 3 }], {
      classify: classifyEvent,
      trusted,
    });
  const received = '2026-07-02T00:00:00.000Z';

  it.each([
    ['the early 1970s', '1971-06-01T08:00:00+07:00', received, /1971-06-01T08:00:00\+07:00 is more than 3650 days before/],
    ['after 2286', '2287-01-01T00:00:00Z', received, /2287-01-01T00:00:00Z is more than 1 day\(s\) after the time it was received/],
    ['2300', '2300-01-01T00:00:00.000-12:00', received, /2300-01-01T00:00:00.000-12:00 lies outside the years 1900–2299/],
    ['year 0000', '0000-01-01T00:00:00Z', received, /lies outside the years 1900–2299/],
    ['year 9999', '9999-12-31T23:59:59.999999999+14:00', received, /lies outside the years 1900–2299/],
    ['more than a day ahead', '2026-07-03T00:00:00.001Z', received, /is more than 1 day\(s\) after the time it was received/],
    ['a received_at outside the store', '2026-07-01T00:00:00Z', '2300-01-01T00:00:00Z', /^received_at: 2300-01-01T00:00:00Z lies outside/],
    // Plausible relative to an equally old receive time, but before the first day `day` holds.
    [
      'a day before 1970 in Vietnam',
      '1969-12-31T16:59:59.999Z',
      '1970-01-01T00:00:00Z',
      /falls on local day 1969-12-31, outside the days the store counts/,
    ],
    ['a day after 2149-06-06', '2149-06-06T17:00:00Z', '2149-06-06T12:00:00Z', /falls on local day 2149-06-07/],
  ])('refuses an event time in %s as RECORD_INVALID with the reason', (_name, occurred, rcv, reason) => {
    for (const trusted of [false, true]) {
      const out = at(occurred, rcv, trusted);
      expect(out.rows).toBe(0);
      expect(out.refused).toHaveLength(1);
      expect(out.refused[0]!.code).toBe('RECORD_INVALID');
      expect(out.refused[0]!.reason).toMatch(reason);
    }
  });

  it.each([
    ['exactly 3650 days back', '2016-07-04T00:00:00Z'],
    ['exactly one day ahead', '2026-07-03T00:00:00.000Z'],
    ['the first local day the store holds', '1970-01-01T00:00:00+07:00', '1970-01-01T12:00:00Z'],
    ['the last local day the store holds', '2149-06-06T16:59:59.999Z', '2149-06-06T12:00:00Z'],
  ])('counts an event time %s', (_name, occurred, rcv = received) => {
    expect(at(occurred, rcv).rows).toBe(1);
  });

  it('takes the window as an option', () => {
    const value = JSON.stringify({ event: { ...encounter, occurred_at: '2026-06-01T00:00:00Z' }, received_at: received });
    const narrow = encodeBatch([{ value, offset: 1 }], {
      classify: classifyEvent,
      trusted: false,
      window: { maxPastDays: 7, maxFutureDays: 0 },
    });
    expect(narrow.refused[0]?.reason).toMatch(/is more than 7 days before the time it was received \(2026-07-02T00:00:00.000Z\)/);
    expect(encodeBatch([{ value, offset: 1 }], { classify: classifyEvent, trusted: false }).rows).toBe(1);
  });

  it('refuses a trusted record without a readable received_at or with a field it cannot encode, and encodes the rest', () => {
    const good = rec(encounter, 9);
    const noReceived = { value: JSON.stringify({ event: encounter }), offset: 1 };
    const badField = { value: JSON.stringify({ event: { ...encounter, diagnoses: 5, schema: 'x' }, received_at: received }), offset: 2 };
    const throwing = (ev: LogRecordV1['event']) => (ev.event_id === 'boom' ? (null as unknown as string[]) : classifyEvent(ev));
    const boom = rec({ ...encounter, event_id: 'boom' }, 3);
    const out = encodeBatch([noReceived, badField, boom, good], { classify: throwing, trusted: true });
    expect(out.refused.map((r) => [r.offset, r.code])).toEqual([
      [1, 'RECORD_INVALID'],
      [2, 'RECORD_INVALID'],
      [3, 'RECORD_INVALID'],
    ]);
    expect(out.refused[0]!.reason).toBe('received_at: not a timestamp: undefined');
    expect(out.refused[1]!.reason).toMatch(/^log record cannot be encoded: AppError: cannot classify event: unknown schema/);
    expect(out.refused[2]!.reason).toMatch(/^log record cannot be encoded: TypeError/);
    expect(out.rows).toBe(1);
  });

  it('quotes at most 200 characters of a refused value', () => {
    const out = at('x'.repeat(100_000), received, true);
    expect(out.refused[0]!.reason.length).toBeLessThan(300);
    expect(out.refused[0]!.reason).toMatch(/… \(100000 characters\)$/);
  });
});
