import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, encodeBatch } from '../../processors/count-batch.ts';
import { classifyEvent } from '../../processors/classify/index.ts';

const encounter = {
  schema: 'ews.encounter.v1',
  event_id: 'E1',
  hospital_id: 'H\t1',
  occurred_at: '2026-07-01T23:30:00+07:00',
  commune_code: '09187',
  patient_key: 'pk',
  sex: 'female',
  age_years: 7,
  setting: 'outpatient',
  diagnoses: ['A90'],
  chief_complaint: 'sốt cao',
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
      hospital_id: 'H\\t1',
      event_id: 'E1',
      day: '2026-07-01',
      syndromes: "['dengue']",
      diagnoses: "['A90']",
      chief_complaint: 'sốt cao',
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
