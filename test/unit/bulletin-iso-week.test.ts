import { describe, expect, it } from 'vitest';
import { parseDay } from '../../platform/days.ts';
import { lastCompleteWeek, parseIsoWeek, sameWeekYearsBack, weeksInIsoYear } from '../../dashboards/bulletin/iso-week.ts';

describe('ISO weeks of the bulletin', () => {
  it.each([
    ['2026-W47', '2026-11-16', '2026-11-22'],
    ['2026-W01', '2025-12-29', '2026-01-04'],
    ['2020-W53', '2020-12-28', '2021-01-03'],
    ['2025-W01', '2024-12-30', '2025-01-05'],
  ])('%s runs from %s to %s', (label, from, to) => {
    expect(parseIsoWeek(label)).toMatchObject({ label, from, to, monday: parseDay(from), sunday: parseDay(to) });
  });

  it.each(['2026-W00', '2025-W53', '2026-W54', '2026-w47', '2026-47', '2026-W7', '26-W07', '2026-W47 ', '', '1969-W10'])(
    '%j is refused',
    (text) => {
      expect(parseIsoWeek(text)).toBeUndefined();
    },
  );

  it.each([
    [2020, 53],
    [2026, 53],
    [2025, 52],
    [2021, 52],
  ])('%i has %i weeks', (year, n) => expect(weeksInIsoYear(year)).toBe(n));

  it.each([
    ['2026-12-02', '2026-W48'], // a Wednesday: the week before its own
    ['2026-11-30', '2026-W48'], // a Monday: the week that ended yesterday
    ['2026-11-29', '2026-W47'], // a Sunday: its own week is not complete
    ['2026-01-01', '2025-W52'],
  ])('the last complete week on %s is %s', (today, label) => expect(lastCompleteWeek(parseDay(today)).label).toBe(label));

  it.each([
    ['2026-W47', 1, '2025-W47'],
    ['2026-W53', 1, '2025-W52'], // 2025 has no week 53
    ['2026-W53', 6, '2020-W53'],
  ])('%s, %i year(s) back, is %s', (label, years, want) => expect(sameWeekYearsBack(parseIsoWeek(label)!, years).label).toBe(want));
});
