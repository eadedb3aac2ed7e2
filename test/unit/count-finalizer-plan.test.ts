import { describe, expect, it } from 'vitest';
import { monthBatches, planFinalization } from '../../processors/count/finalizer.ts';
import { splitRanges } from '../../storage/trends.ts';
import { parseDay } from '../../platform/days.ts';

const d = parseDay;
const part = (name: string, from: string, to: string) => ({ name, minDay: d(from), maxDay: d(to) });
const days = (...xs: string[]) => new Set(xs.map(d));

describe('planFinalization: which days a finalizer run writes', () => {
  const P1 = part('p1', '2026-10-01', '2026-10-03');
  const P2 = part('p2', '2026-10-02', '2026-10-02');
  it.each([
    ['no events: nothing', { parts: [], seen: null, finalized: days(), closedThrough: d('2026-10-03') }, []],
    [
      'first run: every closed day from the first event on',
      { parts: [P1], seen: null, finalized: days(), closedThrough: d('2026-10-02') },
      ['2026-10-01', '2026-10-02'],
    ],
    [
      'nothing new: nothing',
      { parts: [P1], seen: new Set(['p1']), finalized: days('2026-10-01', '2026-10-02'), closedThrough: d('2026-10-02') },
      [],
    ],
    [
      'a day closes: only it',
      { parts: [P1], seen: new Set(['p1']), finalized: days('2026-10-01', '2026-10-02'), closedThrough: d('2026-10-03') },
      ['2026-10-03'],
    ],
    [
      'a new part touches a finalized day: that day again',
      { parts: [P1, P2], seen: new Set(['p1']), finalized: days('2026-10-01', '2026-10-02'), closedThrough: d('2026-10-02') },
      ['2026-10-02'],
    ],
    [
      'a first day (backfill bound): days before it stay open, re-checks included',
      { parts: [P1, P2], seen: new Set(['p1']), finalized: days('2026-10-02'), closedThrough: d('2026-10-03'), from: d('2026-10-02') },
      ['2026-10-02', '2026-10-03'],
    ],
    [
      'no memory of parts: every finalized closed day again',
      { parts: [P1], seen: null, finalized: days('2026-10-01', '2026-10-02'), closedThrough: d('2026-10-02') },
      ['2026-10-01', '2026-10-02'],
    ],
    [
      'a new part on open days only: nothing yet',
      {
        parts: [P1, part('p3', '2026-10-03', '2026-10-03')],
        seen: new Set(['p1']),
        finalized: days('2026-10-01', '2026-10-02'),
        closedThrough: d('2026-10-02'),
      },
      [],
    ],
  ])('%s', (_name, input, want) => {
    expect(planFinalization(input).map((x) => new Date(x * 86_400_000).toISOString().slice(0, 10))).toEqual(want);
  });
});

describe('monthBatches', () => {
  it.each([
    [[], []],
    [
      [d('2026-01-31'), d('2026-02-01'), d('2026-02-02')],
      [[d('2026-01-31')], [d('2026-02-01'), d('2026-02-02')]],
    ],
    [
      [d('2025-12-31'), d('2026-12-01')],
      [[d('2025-12-31')], [d('2026-12-01')]],
    ],
  ])('%j', (input, want) => expect(monthBatches(input)).toEqual(want));
});

describe('splitRanges: finalized and open runs of days', () => {
  it.each([
    ['all open', [{ from: 10, to: 12 }], [], [], [{ from: 10, to: 12 }]],
    ['all closed', [{ from: 10, to: 12 }], [10, 11, 12], [{ from: 10, to: 12 }], []],
    ['closed then open', [{ from: 10, to: 13 }], [10, 11], [{ from: 10, to: 11 }], [{ from: 12, to: 13 }]],
    [
      'a hole',
      [{ from: 10, to: 12 }],
      [10, 12],
      [
        { from: 10, to: 10 },
        { from: 12, to: 12 },
      ],
      [{ from: 11, to: 11 }],
    ],
    [
      'overlapping ranges merged',
      [
        { from: 10, to: 12 },
        { from: 11, to: 14 },
      ],
      [10, 11, 12, 13, 14],
      [{ from: 10, to: 14 }],
      [],
    ],
    [
      'disjoint ranges kept apart',
      [
        { from: 20, to: 21 },
        { from: 10, to: 10 },
      ],
      [],
      [],
      [
        { from: 10, to: 10 },
        { from: 20, to: 21 },
      ],
    ],
  ])('%s', (_name, ranges, finalized, closed, open) => {
    expect(splitRanges(ranges, new Set(finalized))).toEqual({ closed, open });
  });
});
