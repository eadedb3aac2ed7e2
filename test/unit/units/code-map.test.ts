import { describe, expect, it } from 'vitest';
import { compileCodeMap, parseCodeMapCsv } from '../../../schemas/units/code-map.ts';
import { validateEvent } from '../../../ingest/validate.ts';

const current = new Set(['07210', '09187', '07627']);
const units = { has: (c: string) => current.has(c) };
const compile = (csv: string) => {
  const p = parseCodeMapCsv(csv);
  const c = compileCodeMap(p.rows, units);
  return { map: Object.fromEntries(c.map), errors: [...p.errors, ...c.errors].map((e) => `${e.line}:${e.column ?? ''}`) };
};

describe('retired-code mapping', () => {
  const cases: [string, string, Record<string, string>, string[]][] = [
    ['merge', 'old_code,new_code\n07211,07210\n07212,07210\n', { '07211': '07210', '07212': '07210' }, []],
    ['kept code', 'old_code,new_code\n07210,07210\n', {}, []],
    ['split, largest share', 'old_code,new_code,share\n09207,09187,0.7\n09207,07627,0.3\n', { '09207': '09187' }, []],
    ['split without shares', 'old_code,new_code\n09207,09187\n09207,07627\n', {}, ['2:share']],
    ['split tie', 'old_code,new_code,share\n09207,09187,0.5\n09207,07627,0.5\n', {}, ['2:share']],
    ['bad code', 'old_code,new_code\n0721,07210\n', {}, ['2:old_code']],
    ['unknown target', 'old_code,new_code\n07211,99999\n', {}, ['2:new_code']],
    ['old is current', 'old_code,new_code\n09187,07210\n', {}, ['2:old_code']],
    ['bad share', 'old_code,new_code,share\n07211,07210,1.5\n', {}, ['2:share']],
    ['missing column', 'old_code\n07211\n', {}, ['1:new_code']],
  ];
  it.each(cases)('%s', (_name, csv, map, errors) => {
    expect(compile(csv)).toEqual({ map, errors });
  });

  it('ingest counts a retired code under its new commune; without the mapping it is refused (negative control)', () => {
    const event = {
      schema: 'ews.lab.v1',
      event_id: 'e',
      hospital_id: 'H',
      occurred_at: '2026-11-24T08:00:00+07:00',
      commune_code: '07211',
      patient_id: 'p',
      sex: 'male',
      test_code: '75377-6',
      result: 'positive',
    };
    const time = { receivedAt: Date.parse('2026-11-25T00:00:00Z'), window: { maxPastDays: 3650, maxFutureDays: 1 } };
    const mapped = validateEvent(event, { ...units, resolve: (c) => (c === '07211' ? '07210' : undefined) }, time);
    expect(mapped).toMatchObject({ ok: true, event: { commune_code: '07210' }, mappedFrom: '07211' });
    expect(validateEvent(event, units, time)).toMatchObject({ ok: false, reason: 'unknown_commune' });
  });
});
