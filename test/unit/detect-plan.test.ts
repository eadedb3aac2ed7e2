import { describe, expect, it } from 'vitest';
import { planEvaluation } from '../../processors/detect-plan.ts';
import { parseDay, dayString } from '../../processors/window.ts';

const today = parseDay('2026-11-25');
const opts = { today, horizonDays: 7, influenceDays: 9, historyDays: 9, isDetectable: (s: string) => !s.startsWith('_') };
const key = (day: string, syndrome = 'dengue', commune_code = '09187') => ({ syndrome, commune_code, day });
const days = (plan: ReturnType<typeof planEvaluation>, k = 'dengue|09187') => plan?.targets.get(k)?.map(dayString);

describe('which days to re-evaluate when counts change', () => {
  it('today only, when today changes', () => {
    expect(days(planEvaluation([key('2026-11-25')], opts))).toEqual(['2026-11-25']);
  });
  it('a late event re-evaluates its day and the later days whose baseline holds it', () => {
    expect(days(planEvaluation([key('2026-11-22')], opts))).toEqual(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
  });
  it('an old day outside the horizon re-evaluates only the influenced days inside it', () => {
    expect(days(planEvaluation([key('2026-11-10')], opts))).toEqual(['2026-11-18', '2026-11-19']);
  });
  it('history far in the past evaluates nothing', () => {
    expect(planEvaluation([key('2025-01-01')], opts)).toBeUndefined();
  });
  it('denominator series and future days are not evaluated', () => {
    expect(planEvaluation([key('2026-11-25', '_visits'), key('2026-11-26')], opts)).toBeUndefined();
  });
  it('reads the history the detector needs', () => {
    const plan = planEvaluation([key('2026-11-24'), key('2026-11-25', 'ili', '09190')], opts)!;
    expect(dayString(plan.readFrom)).toBe('2026-11-15');
    expect(dayString(plan.readTo)).toBe('2026-11-25');
    expect(plan.targets.size).toBe(2);
  });
});
