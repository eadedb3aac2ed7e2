import { describe, expect, it } from 'vitest';
import { problemsOf, worstFirst, type HospitalRow } from '../../dashboards/web/src/pages/quality-rank.ts';

const row = (over: Partial<HospitalRow> & { name: string }): HospitalRow => ({
  hospital_id: over.name,
  province_code: '24',
  last_received_at: '2026-11-20T01:00:00.000Z',
  hours_since_last_event: 1,
  usual_gap_hours: 6,
  silent: false,
  events_per_day: [],
  events_in_window: 0,
  median_per_day: 10,
  usual_per_day: 10,
  volume_ratio: 1,
  informative: { encounters: 10, informative: 9, share: 0.9 },
  rejected: { accepted: 10, rejected: 0, share: 0, top_reasons: [] },
  ...over,
});

describe('the Data quality page: what it flags and its order', () => {
  it.each([
    ['nothing wrong', {}, []],
    ['silent', { silent: true }, ['silent']],
    ['volume below half of usual', { volume_ratio: 0.4 }, ['volume']],
    ['volume at half of usual is not flagged', { volume_ratio: 0.5 }, []],
    ['no usual volume is not flagged', { volume_ratio: null }, []],
    ['6 % rejected', { rejected: { accepted: 94, rejected: 6, share: 0.06, top_reasons: [] } }, ['rejected']],
    ['60 % informative', { informative: { encounters: 10, informative: 6, share: 0.6 } }, ['informative']],
    ['silent and rejected', { silent: true, rejected: { accepted: 9, rejected: 1, share: 0.1, top_reasons: [] } }, ['silent', 'rejected']],
  ] satisfies [string, Partial<HospitalRow>, string[]][])('%s', (_, over, problems) => {
    expect(problemsOf(row({ name: 'X', ...over }))).toEqual(problems);
  });

  it('sorts silent first, then by problems, then never heard from, then longest quiet, then name', () => {
    const rows = [
      row({ name: 'A ok' }),
      row({ name: 'B quiet longer', hours_since_last_event: 5 }),
      row({ name: 'C never', last_received_at: null, hours_since_last_event: null }),
      row({ name: 'D low volume', volume_ratio: 0.1 }),
      row({ name: 'E silent', silent: true, hours_since_last_event: 30 }),
    ];
    expect([...rows].sort(worstFirst).map((r) => r.name)).toEqual(['E silent', 'D low volume', 'C never', 'B quiet longer', 'A ok']);
  });
});
