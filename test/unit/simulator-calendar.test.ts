import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_START_DATE, dayOfDate, localMidnight } from '../../simulator/calendar.ts';
import { generateDay } from '../../simulator/model.ts';
import { createRng } from '../../simulator/random.ts';
import { loadDemoUnits } from '../../cli/units.ts';
import { dayString, localDayNumber } from '../../processors/count/window.ts';

afterEach(() => vi.useRealTimers());

describe('the simulated calendar', () => {
  it.each([
    ['2026-07-01', 20635],
    ['1970-01-01', 0],
    ['2024-02-29', 19782],
  ])('%s is day %i', (date, day) => {
    expect(dayOfDate(date)).toBe(day);
    expect(dayString(day)).toBe(date);
    // Local midnight (UTC+7) lies on that local day.
    expect(localDayNumber(localMidnight(day))).toBe(day);
    expect(localDayNumber(localMidnight(day) - 1)).toBe(day - 1);
  });

  it.each(['2026-02-30', '2026-13-01', '01/07/2026', 'today', ''])('refuses %o', (date) => {
    expect(dayOfDate(date)).toBeUndefined();
  });

  it('the same start date gives the same traffic in December and in July (seasons do not read the wall clock)', () => {
    const units = loadDemoUnits()
      .slice(0, 40)
      .map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
    const start = dayOfDate(DEFAULT_START_DATE)!;
    const run = (now: string) => {
      vi.useFakeTimers({ now: new Date(now) });
      const rng = createRng(2026);
      const days = [];
      for (let d = start - 3; d < start + 3; d++) days.push(generateDay(d, units, { scale: 1, outbreaks: [] }, rng));
      vi.useRealTimers();
      return days;
    };
    const december = run('2025-12-15T03:00:00Z');
    expect(run('2027-07-15T03:00:00Z')).toEqual(december);
    expect(december.flat().length).toBeGreaterThan(100);
  });
});
