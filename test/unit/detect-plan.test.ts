import { describe, expect, it } from 'vitest';
import { planEvaluation, planFullPeriod } from '../../processors/detect/detect-plan.ts';
import { firstDayOf, lastDayOf, periodOfDay, weekOfDay } from '../../processors/detect/periods.ts';
import { isoWeek, parseDay, dayString } from '../../processors/count/window.ts';

const today = parseDay('2026-11-25');
const opts = { current: today, horizon: 7, influence: 9, history: 9, isDetectable: (s: string) => !s.startsWith('_') };
const cell = (day: string, syndrome = 'dengue', area = '09187') => ({ syndrome, area, period: parseDay(day) });
const days = (plan: ReturnType<typeof planEvaluation>, k = 'dengue|09187') => plan?.targets.get(k)?.map(dayString);

describe('which periods to re-evaluate when counts change', () => {
  it('today only, when today changes', () => {
    expect(days(planEvaluation([cell('2026-11-25')], opts))).toEqual(['2026-11-25']);
  });
  it('a late event re-evaluates its day and the later days whose baseline holds it', () => {
    expect(days(planEvaluation([cell('2026-11-22')], opts))).toEqual(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
  });
  it('an old day outside the horizon re-evaluates only the influenced days inside it', () => {
    expect(days(planEvaluation([cell('2026-11-10')], opts))).toEqual(['2026-11-18', '2026-11-19']);
  });
  it('history far in the past evaluates nothing', () => {
    expect(planEvaluation([cell('2025-01-01')], opts)).toBeUndefined();
  });
  it('denominator series and future periods are not evaluated', () => {
    expect(planEvaluation([cell('2026-11-25', '_visits'), cell('2026-11-26')], opts)).toBeUndefined();
  });
  it('reads the history the detector needs', () => {
    const plan = planEvaluation([cell('2026-11-24'), cell('2026-11-25', 'ili', '09190')], opts)!;
    expect(dayString(plan.readFrom)).toBe('2026-11-15');
    expect(dayString(plan.readTo)).toBe('2026-11-25');
    expect(plan.targets.size).toBe(2);
  });
  it('a scheduled run covers every series on one period', () => {
    const plan = planFullPeriod(['a|1', 'b|2'], 100, 10);
    expect(plan).toEqual({
      targets: new Map([
        ['a|1', [100]],
        ['b|2', [100]],
      ]),
      readFrom: 90,
      readTo: 100,
    });
  });
});

describe('weekly periods', () => {
  it.each(['2026-11-23', '2026-11-25', '2026-11-29', '2021-01-04', '2020-12-31', '1970-01-01'])(
    'week of %s starts on its ISO Monday',
    (d) => {
      const w = weekOfDay(parseDay(d));
      const monday = firstDayOf(w, 'week');
      expect(new Date(monday * 86_400_000).getUTCDay()).toBe(1);
      expect(monday).toBeLessThanOrEqual(parseDay(d));
      expect(lastDayOf(w, 'week')).toBeGreaterThanOrEqual(parseDay(d));
      expect(isoWeek(monday)).toBe(isoWeek(parseDay(d)));
    },
  );
  it('consecutive weeks are consecutive integers across a 53-week year', () => {
    expect(weekOfDay(parseDay('2021-01-04')) - weekOfDay(parseDay('2020-12-28'))).toBe(1);
    expect(periodOfDay(parseDay('2026-11-25'), 'day')).toBe(parseDay('2026-11-25'));
  });
});
