import { describe, expect, it } from 'vitest';
import { dataQualityHospital, planDataQualityAlerts, silentHospitalAlert, type HospitalSilence } from '../../alerts/data-quality-alerts.ts';
import type { LifecycleAlert, LifecycleStatus } from '../../schemas/alert-lifecycle.ts';

const H = 3_600_000;
const AT = '2026-11-20T08:00:00.000Z';
const last = Date.parse(AT) - 7 * H;
const silence = (over: Partial<HospitalSilence> = {}): HospitalSilence => ({
  id: 'BV-1',
  provinceCode: '24',
  silent: true,
  lastReceivedMs: last,
  usualGapMs: 6 * H,
  ...over,
});
const activeOf = (id: string, status: LifecycleStatus): LifecycleAlert => ({
  ...silentHospitalAlert({ ...silence({ id }), provinceCode: '24', lastReceivedMs: last }, AT, `a-${id}`),
  status,
});
let n = 0;
const ctx = { at: AT, newId: () => `new-${++n}` };

describe('planDataQualityAlerts', () => {
  it('opens one alert per silent hospital, on its province, with the silence as evidence', () => {
    const plan = planDataQualityAlerts([silence(), silence({ id: 'BV-2', silent: false })], [], ctx);
    expect(plan.open).toHaveLength(1);
    const [a] = plan.open;
    expect(dataQualityHospital(a!)).toBe('BV-1');
    expect(a).toMatchObject({ family: '_data_quality', area: { level: 'province', code: '24' }, status: 'open', level: 'yellow' });
    // Silent from 01:00 UTC + 6 h = 07:00 UTC = 14:00 in Vietnam, 20 November.
    expect(a!.evidence[0]).toMatchObject({ observed: 7, threshold: 6, day: '2026-11-20' });
    expect(plan.end).toEqual([]);
  });

  it.each([
    ['silent, alert active', true, 'open', 0, null],
    ['heard again, alert open', false, 'open', 0, 'discard'],
    ['heard again, alert monitoring', false, 'monitoring', 0, 'discard'],
    ['heard again, alert verified', false, 'verified', 0, 'close'],
    ['heard again, alert risk assessed', false, 'risk_assessed', 0, 'close'],
    // A discarded alert is no longer active: a new silence opens a new one.
    ['silent, alert discarded', true, 'discarded', 1, null],
    ['heard again, alert closed', false, 'closed', 0, null],
  ] as const)('%s', (_, silent, status, opened, action) => {
    const plan = planDataQualityAlerts([silence({ silent })], [activeOf('BV-1', status)], ctx);
    expect(plan.open).toHaveLength(opened);
    expect(plan.end.map((e) => e.action.type)).toEqual(action === null ? [] : [action]);
    if (action === 'close') expect(plan.end[0]!.action).toMatchObject({ outcome: 'other', notes: expect.stringMatching(/again/) });
  });

  it('a silent hospital without a province opens nothing and is reported', () => {
    const plan = planDataQualityAlerts([silence({ provinceCode: null })], [], ctx);
    expect(plan).toEqual({ open: [], end: [], unplaced: ['BV-1'] });
  });

  it('a hospital that never sent is not silent and ends nothing', () => {
    const plan = planDataQualityAlerts([silence({ silent: false, lastReceivedMs: null })], [activeOf('BV-1', 'open')], ctx);
    expect(plan).toEqual({ open: [], end: [], unplaced: [] });
  });

  it('an alert of another family is no data-quality alert', () => {
    expect(dataQualityHospital({ family: 'dengue', criterion: 'dengue|province:24|hospital:X' })).toBeUndefined();
  });
});
