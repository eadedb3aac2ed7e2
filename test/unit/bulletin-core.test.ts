import { describe, expect, it } from 'vitest';
import { parseDay } from '../../platform/days.ts';
import type { LifecycleAlert } from '../../schemas/alert-lifecycle.ts';
import {
  bulletinAlert,
  communeLevels,
  DEFAULT_THRESHOLD,
  expectedBasis,
  hospitalCompleteness,
  splitAlerts,
  syndromeRow,
  topSyndromes,
  type SyndromeCounts,
} from '../../dashboards/bulletin/bulletin-core.ts';

const name = { vi: 'Sốt xuất huyết Dengue', en: 'Dengue' };
const counts = (count: number, yearsBack: number[], weeksBefore: number[]): SyndromeCounts => ({
  id: 'dengue',
  name,
  count,
  yearsBack,
  weeksBefore,
});

describe('expected counts', () => {
  it.each([
    [[5, 0, 3], { kind: 'previous_years', years: [1, 3] }],
    [[0, 0, 0], { kind: 'previous_weeks', weeks: 8 }],
    [[], { kind: 'previous_weeks', weeks: 8 }],
  ])('visits %j of the same week in earlier years → %j', (visits, basis) => expect(expectedBasis(visits)).toEqual(basis));

  it.each([
    // count, yearsBack, weeksBefore, basis years (null: previous weeks), history, expected, ratio, flagged
    [10, [4, 99, 6], [], [1, 3], true, 5, 2, true], // mean of years 1 and 3 only
    [6, [4, 99, 6], [], [1, 3], true, 5, 1.2, false],
    [2, [1, 1, 1], [], [1, 2, 3], true, 1, 2, false], // ratio over, but under 3 cases
    [12, [0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8], null, true, 4.5, 2.67, true],
    [3, [0], [0, 0, 0, 0, 0, 0, 0, 0], null, true, 0, null, true], // expected 0: 3 cases are flagged
    [2, [0], [0, 0, 0, 0, 0, 0, 0, 0], null, true, 0, null, false],
    [9, [], [], null, false, null, null, false], // nothing earlier: no expected, never flagged
  ])('%i cases, years %j, weeks %j → expected %s', (count, years, weeks, basisYears, history, expected, ratio, flagged) => {
    const basis =
      basisYears === null ? ({ kind: 'previous_weeks', weeks: 8 } as const) : ({ kind: 'previous_years', years: basisYears } as const);
    expect(syndromeRow(counts(count, years, weeks), basis, DEFAULT_THRESHOLD, history)).toMatchObject({ count, expected, ratio, flagged });
  });

  it('top syndromes: flagged first, then by count; empty rows left out', () => {
    const row = (id: string, count: number, expected: number | null, flagged: boolean) => ({
      id,
      name,
      count,
      expected,
      ratio: null,
      flagged,
    });
    const rows = [row('a', 5, 5, false), row('b', 0, 0, false), row('c', 3, 1, true), row('d', 9, 9, false), row('e', 0, 2, false)];
    expect(topSyndromes(rows).map((r) => r.id)).toEqual(['c', 'd', 'a', 'e']);
    expect(topSyndromes(rows, 2).map((r) => r.id)).toEqual(['c', 'd']);
  });
});

const alert = (over: Partial<LifecycleAlert>): LifecycleAlert => ({
  id: 'a1',
  criterion: 'dengue|commune:09187',
  family: 'dengue',
  area: { level: 'commune', code: '09187', communes: ['09187'] },
  first_day: '2026-11-18',
  last_day: '2026-11-19',
  level: 'yellow',
  level_since: '2026-11-18T01:00:00.000Z',
  status: 'open',
  evidence: [],
  risk: { assessment: null, characterisation: null },
  outcome: null,
  outbreak_end: null,
  closed_at: null,
  merged_into: null,
  opened_at: '2026-11-18T01:00:00.000Z',
  updated_at: '2026-11-18T01:00:00.000Z',
  version: 1,
  ...over,
});

// 2026-W47 in Vietnam time: Monday 16 November 00:00 +07:00 to Monday 23 November 00:00 +07:00.
const W47 = { startMs: Date.parse('2026-11-16T00:00:00+07:00'), endMs: Date.parse('2026-11-23T00:00:00+07:00') };

describe('alerts of the week', () => {
  it.each([
    ['opened in the week, still open', alert({}), true, false],
    ['opened at the first instant of the week (Vietnam time)', alert({ opened_at: '2026-11-15T17:00:00.000Z' }), true, false],
    ['opened just before the week', alert({ opened_at: '2026-11-15T16:59:59.999Z' }), false, false],
    ['opened at the end of the week (next Monday, Vietnam time)', alert({ opened_at: '2026-11-22T17:00:00.000Z' }), false, false],
    [
      'opened before, closed in the week',
      alert({ opened_at: '2026-11-01T00:00:00Z', status: 'closed', closed_at: '2026-11-20T03:00:00Z' }),
      false,
      true,
    ],
    ['opened and discarded in the week', alert({ status: 'discarded', closed_at: '2026-11-19T03:00:00Z' }), true, true],
    ['merged into another', alert({ status: 'closed', closed_at: '2026-11-19T03:00:00Z', merged_into: 'a0' }), false, false],
    ['closed after the week', alert({ status: 'closed', closed_at: '2026-11-23T03:00:00Z' }), true, false],
  ])('%s: opened %s, closed %s', (_what, a, opened, closed) => {
    const s = splitAlerts([a], W47);
    expect([s.opened.length === 1, s.closed.length === 1]).toEqual([opened, closed]);
  });

  it('a listed alert: its largest evidence, its outcome, discarded as an outcome', () => {
    const names = { familyName: () => name, areaName: (c: string) => (c === '09187' ? 'Kinh Bắc' : c) };
    const ev = (observed: number, expected: number | null) => ({
      source: 'detector' as const,
      algorithm: 'ears_c2',
      series: 'dengue',
      area_level: 'commune' as const,
      area_code: '09187',
      cluster_communes: [],
      cluster_days: 1,
      granularity: 'day' as const,
      day: '2026-11-18',
      observed,
      expected,
      threshold: null,
      p_value: null,
      score: null,
      level: 'red' as const,
    });
    const closed = alert({
      status: 'closed',
      evidence: [ev(4, 1), ev(9, 1.5)],
      outcome: { outcome: 'no_outbreak', notes: 'cụm gia đình', actor: 'bn.officer', at: '2026-11-20T03:00:00Z' },
      closed_at: '2026-11-20T03:00:00Z',
    });
    expect(bulletinAlert(closed, names)).toMatchObject({
      observed: 9,
      expected: 1.5,
      outcome: 'no_outbreak',
      outcomeNotes: 'cụm gia đình',
      area: { name: 'Kinh Bắc' },
    });
    expect(bulletinAlert(alert({ status: 'discarded', closed_at: '2026-11-20T03:00:00Z' }), names).outcome).toBe('discarded');
    expect(bulletinAlert(alert({}), names)).toMatchObject({ outcome: null, observed: 0, expected: null });
  });
});

describe('map levels', () => {
  const communes = [
    { code: '09187', name: 'A', lat: 21.1, lon: 106.1, province: '24' },
    { code: '09190', name: 'B', lat: 21.2, lon: 106.2, province: '24' },
    { code: '11953', name: 'C', lat: 20.6, lon: 106.0, province: '33' },
  ];
  it.each([
    ['no alert', [], ['none', 'none', 'none']],
    ['a yellow commune alert', [alert({})], ['yellow', 'none', 'none']],
    ['red beats yellow', [alert({}), alert({ id: 'a2', level: 'red' })], ['red', 'none', 'none']],
    ['a cluster', [alert({ area: { level: 'cluster', code: '09187', communes: ['09187', '09190'] } })], ['yellow', 'yellow', 'none']],
    [
      'a province alert colours its communes',
      [alert({ level: 'red', area: { level: 'province', code: '24', communes: [] } })],
      ['red', 'red', 'none'],
    ],
    [
      'discarded and merged do not colour',
      [alert({ status: 'discarded' }), alert({ id: 'a3', merged_into: 'a0' })],
      ['none', 'none', 'none'],
    ],
  ])('%s', (_what, alerts, levels) => expect(communeLevels(communes, alerts).map((c) => c.level)).toEqual(levels));
});

describe('hospital completeness', () => {
  const monday = parseDay('2026-11-16');
  const week = Array.from({ length: 7 }, (_, i) => monday + i);
  const days = (entries: [number, number][]) => new Map(entries.map(([offset, n]) => [monday + offset, n]));
  it.each([
    [
      'every day, as usual',
      days([...week.map((d, i): [number, number] => [i, 10]), [-1, 70], [-8, 70], [-15, 70], [-22, 70]]),
      7,
      70,
      70,
      1,
    ],
    [
      'two silent days, half the usual',
      days([
        [0, 10],
        [1, 10],
        [2, 5],
        [3, 5],
        [4, 5],
        [-3, 80],
        [-10, 80],
        [-17, 40],
        [-24, 40],
      ]),
      5,
      35,
      60,
      0.58,
    ],
    ['nothing this week', days([[-1, 20]]), 0, 0, 5, 0],
    ['new: nothing before', days([[6, 3]]), 1, 3, null, null],
    [
      'the week after is not counted',
      days([
        [7, 50],
        [3, 1],
      ]),
      1,
      1,
      null,
      null,
    ],
  ])('%s', (_what, perDay, daysWithData, events, usual, ratio) => {
    expect(hospitalCompleteness({ id: 'BV', name: 'BV' }, perDay, week)).toEqual({
      id: 'BV',
      name: 'BV',
      daysWithData,
      events,
      usualEvents: usual,
      ratio,
    });
  });
});
