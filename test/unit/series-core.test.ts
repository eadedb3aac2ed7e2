import { describe, expect, it } from 'vitest';
import { decidingSignal, isoWeekLabel, multipleOf, seriesPoints, sortMultiples, weekOfDay } from '../../dashboards/series-core.ts';
import { parseDay } from '../../platform/days.ts';
import type { SeriesSignal } from '../../storage/series-signals.ts';

// The pure core behind GET /v1/series and GET /v1/multiples.

const sig = (over: Partial<SeriesSignal>): SeriesSignal => ({
  day: '2026-11-20',
  algorithm: 'ears_c2',
  observed: 9,
  expected: 1,
  upperbound: 4,
  p_value: 0.01,
  alarm: false,
  level: 'none',
  ...over,
});

describe('decidingSignal', () => {
  it.each([
    { name: 'none stored', signals: [], algorithm: undefined },
    { name: 'one quiet', signals: [sig({ algorithm: 'ears_c2' })], algorithm: 'ears_c2' },
    {
      name: 'an alarm beats a quiet one',
      signals: [sig({ algorithm: 'a' }), sig({ algorithm: 'b', alarm: true, level: 'yellow' })],
      algorithm: 'b',
    },
    {
      name: 'red before yellow',
      signals: [
        sig({ algorithm: 'y', alarm: true, level: 'yellow', p_value: 0.0001 }),
        sig({ algorithm: 'r', alarm: true, level: 'red', p_value: 0.04 }),
      ],
      algorithm: 'r',
    },
    {
      name: 'the smaller p-value at one level, null last',
      signals: [
        sig({ algorithm: 'n', alarm: true, level: 'red', p_value: null }),
        sig({ algorithm: 'p', alarm: true, level: 'red', p_value: 0.02 }),
      ],
      algorithm: 'p',
    },
  ])('$name', ({ signals, algorithm }) => {
    expect(decidingSignal(signals)?.algorithm).toBe(algorithm);
  });
});

describe('seriesPoints', () => {
  const first = parseDay('2026-11-18');
  const t = { expected: [1, 1, 1], upperbound: [3, 3, null], algorithm: 'ears_c2' };
  it.each([
    {
      name: 'no signals: count above upperbound alarms',
      counts: [1, 5, 9],
      signals: [],
      alarm: [false, true, false],
      source: ['threshold', 'threshold', 'threshold'],
    },
    {
      name: 'a stored signal decides, even against the threshold',
      counts: [1, 5, 9],
      signals: [
        sig({ day: '2026-11-19', alarm: false }),
        sig({ day: '2026-11-20', alarm: true, level: 'red', algorithm: 'farrington_noufaily', p_value: 0.002 }),
      ],
      alarm: [false, false, true],
      source: ['threshold', 'detector', 'detector'],
    },
  ])('$name', ({ counts, signals, alarm, source }) => {
    const points = seriesPoints(first, 'day', counts, t, signals);
    expect(points.map((p) => p.period)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
    expect(points.map((p) => p.alarm)).toEqual(alarm);
    expect(points.map((p) => p.source)).toEqual(source);
    expect(points.map((p) => p.threshold)).toEqual([3, 3, null]);
  });

  it('a detector alarm carries its algorithm, p-value and level', () => {
    const [p] = seriesPoints(parseDay('2026-11-20'), 'day', [9], t, [
      sig({ alarm: true, level: 'red', algorithm: 'farrington_noufaily', p_value: 0.002 }),
    ]);
    expect(p).toMatchObject({ alarm: true, algorithm: 'farrington_noufaily', p_value: 0.002, level: 'red' });
  });

  it('weekly points are Mondays with their ISO week', () => {
    const w = weekOfDay(parseDay('2026-11-16'));
    const points = seriesPoints(w - 1, 'week', [2, 40], { expected: [2, 2], upperbound: [5, 5], algorithm: 'x' }, []);
    expect(points.map((p) => [p.period, p.week])).toEqual([
      ['2026-11-09', '2026-W46'],
      ['2026-11-16', '2026-W47'],
    ]);
  });
});

describe('isoWeekLabel', () => {
  it.each([
    { day: '2026-11-16', label: '2026-W47' },
    { day: '2027-01-01', label: '2026-W53' },
    { day: '2025-12-29', label: '2026-W01' },
    { day: '2021-01-03', label: '2020-W53' },
  ])('$day is in $label', ({ day, label }) => {
    expect(isoWeekLabel(weekOfDay(parseDay(day)))).toBe(label);
  });
});

describe('multiples', () => {
  const t = (n: number, e: number, u: number) => ({
    expected: Array<number>(n).fill(e),
    upperbound: Array<number>(n).fill(u),
    algorithm: 'x',
  });
  it('excess over the last 7 days only, periods over threshold, recent cases', () => {
    const counts = [9, 9, 0, 0, 0, 0, 0, 1, 5];
    expect(multipleOf('a', 'A', counts, t(9, 1, 3), 'day')).toMatchObject({ excess_7d: 6 - 7, over_7d: 1, recent: 6 });
    expect(multipleOf('w', 'W', [1, 10], t(2, 2, 5), 'week')).toMatchObject({ excess_7d: 8, over_7d: 1, recent: 10 });
  });

  it('sorted by excess, then periods over, then recent cases, then key', () => {
    const m = (key: string, excess_7d: number, over_7d = 0, recent = 0) => ({
      key,
      name: key,
      counts: [],
      upperbound: [],
      excess_7d,
      over_7d,
      recent,
    });
    expect(sortMultiples([m('b', 0), m('a', 0), m('c', 5), m('d', 0, 1), m('e', 0, 0, 3)]).map((x) => x.key)).toEqual([
      'c',
      'd',
      'e',
      'a',
      'b',
    ]);
  });
});
