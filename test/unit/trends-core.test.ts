import { describe, expect, it } from 'vitest';
import { parseDay } from '../../platform/days.ts';
import {
  bucketsOf,
  bucketYearsBack,
  isoWeek,
  mondayOfIsoWeek,
  per100k,
  percentOf,
  periodOf,
  sameDateYearsBack,
  sumOver,
  type Bucket,
} from '../../dashboards/trends-core.ts';

const d = parseDay;
const show = (b: Bucket) =>
  `${b.period} ${new Date(b.start * 864e5).toISOString().slice(0, 10)}..${new Date(b.end * 864e5).toISOString().slice(0, 10)}`;

describe('ISO weeks (Monday-based)', () => {
  it.each([
    ['2026-11-16', 2026, 47], // a Monday
    ['2026-11-22', 2026, 47], // its Sunday
    ['2026-11-23', 2026, 48],
    ['2021-01-03', 2020, 53], // a Sunday in 2021 belongs to 2020's week 53
    ['2021-01-04', 2021, 1],
    ['2024-12-30', 2025, 1], // a Monday in 2024 starting 2025's week 1
    ['2026-01-01', 2026, 1],
  ])('%s is %i-W%i', (day, year, week) => {
    expect(isoWeek(d(day))).toEqual({ year, week });
    expect(mondayOfIsoWeek(year, week)).toBe(periodOf(d(day), 'week').start);
  });
});

describe('bucketsOf: periods of a range, clipped to it', () => {
  it.each([
    [
      'day',
      '2026-11-19',
      '2026-11-21',
      ['2026-11-19 2026-11-19..2026-11-19', '2026-11-20 2026-11-20..2026-11-20', '2026-11-21 2026-11-21..2026-11-21'],
    ],
    [
      'week',
      '2026-11-18',
      '2026-12-01',
      ['2026-W47 2026-11-18..2026-11-22', '2026-W48 2026-11-23..2026-11-29', '2026-W49 2026-11-30..2026-12-01'],
    ],
    ['week', '2020-12-28', '2021-01-10', ['2020-W53 2020-12-28..2021-01-03', '2021-W01 2021-01-04..2021-01-10']],
    [
      'month',
      '2026-01-15',
      '2026-03-02',
      ['2026-01 2026-01-15..2026-01-31', '2026-02 2026-02-01..2026-02-28', '2026-03 2026-03-01..2026-03-02'],
    ],
    ['month', '2024-02-01', '2024-02-29', ['2024-02 2024-02-01..2024-02-29']],
  ] as const)('%s %s..%s', (interval, from, to, want) => {
    expect(bucketsOf(d(from), d(to), interval).map(show)).toEqual(want);
  });

  it('the buckets tile the range: every day in exactly one', () => {
    for (const interval of ['day', 'week', 'month'] as const) {
      const b = bucketsOf(d('2025-12-20'), d('2026-03-10'), interval);
      expect(b[0]!.start).toBe(d('2025-12-20'));
      expect(b.at(-1)!.end).toBe(d('2026-03-10'));
      for (let i = 1; i < b.length; i++) expect(b[i]!.start).toBe(b[i - 1]!.end + 1);
    }
  });
});

describe('sumOver: zero-filled sums', () => {
  it('sums the days of each bucket, missing days count 0, days outside every bucket are ignored', () => {
    const daily = new Map([
      [d('2026-11-16'), 2],
      [d('2026-11-22'), 3],
      [d('2026-11-24'), 5],
      [d('2026-12-31'), 100],
    ]);
    expect(sumOver(daily, bucketsOf(d('2026-11-16'), d('2026-12-06'), 'week'))).toEqual([5, 5, 0]);
    expect(sumOver(daily, bucketsOf(d('2026-11-21'), d('2026-11-23'), 'day'))).toEqual([0, 3, 0]);
    expect(sumOver(new Map(), bucketsOf(d('2026-01-01'), d('2026-03-31'), 'month'))).toEqual([0, 0, 0]);
  });
});

describe('compare years: where the same period lies N years back', () => {
  it.each([
    ['day', '2026-11-20', '2026-11-20', 1, '2025-11-20 2025-11-20..2025-11-20'],
    ['day', '2024-02-29', '2024-02-29', 1, '2023-02-28 2023-02-28..2023-02-28'],
    ['month', '2026-02-01', '2026-02-28', 2, '2024-02 2024-02-01..2024-02-28'],
    ['week', '2026-11-16', '2026-11-22', 1, '2025-W47 2025-11-17..2025-11-23'],
    ['week', '2026-11-18', '2026-11-22', 1, '2025-W47 2025-11-19..2025-11-23'], // clipped: the same weekdays
    ['week', '2021-01-04', '2021-01-10', 1, '2020-W01 2019-12-30..2020-01-05'],
    ['week', '2020-12-28', '2021-01-03', 1, '2019-W52 2019-12-23..2019-12-29'], // week 53 → 52
  ] as const)('%s %s..%s, %i year(s) back → %s', (interval, from, to, years, want) => {
    const b: Bucket = { ...periodOf(d(from), interval), start: d(from), end: d(to) };
    expect(show(bucketYearsBack(b, interval, years))).toBe(want);
  });

  it('sameDateYearsBack keeps month and day', () => {
    expect(sameDateYearsBack(d('2026-03-01'), 3)).toBe(d('2023-03-01'));
  });
});

describe('rates', () => {
  it.each([
    [1, 4, 25],
    [1, 3, 33.33],
    [0, 10, 0],
    [5, 0, null],
  ])('percentOf(%i, %i) = %s', (c, v, want) => expect(percentOf(c, v)).toBe(want));
  it.each([
    [3, 30000, 10],
    [1, 7, 14285.71],
    [2, null, null],
    [2, 0, null],
  ])('per100k(%i, %s) = %s', (c, pop, want) => expect(per100k(c, pop)).toBe(want));
});
