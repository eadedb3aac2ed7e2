import { describe, expect, it } from 'vitest';
import { planRulesForCells, planRulesForDay, type RuleCell } from '../../alerts/rule-plan.ts';
import { parseRuleFile, type AlertRule } from '../../alerts/rule-file.ts';
import { parseDay } from '../../platform/days.ts';

const rule = (r: Record<string, unknown>): AlertRule =>
  parseRuleFile(JSON.stringify({ rules: [{ id: 'r', level: 'red', ...r }] })).rules[0]!;

const cholera = rule({ kind: 'immediate', syndromes: ['cholera', 'plague'] });
const measles = rule({ kind: 'count', syndrome: 'lab_measles', area: 'commune', threshold: 3, days: 30 });
const provinceCount = rule({ kind: 'count', syndrome: 'dengue', area: 'province', threshold: 10, days: 7 });
const rate = rule({ kind: 'rate', syndrome: 'meningitis_encephalitis', area: 'commune', threshold: 3 });

// 2026-06-03 is a Wednesday; "today" is 2026-06-05 (Friday).
const TODAY = parseDay('2026-06-05');
const d = (day: string) => parseDay(day);
const cell = (syndrome: string, day: string, commune_code = '09187'): RuleCell => ({ syndrome, commune_code, day });
const opts = { today: TODAY, horizonDays: 7, provinceOf: (c: string) => (c === '09187' ? '24' : undefined) };

describe('rule plan after counts changed: the days whose windows hold a change', () => {
  // [what, rule, cells, expected `syndrome|area` → days, or undefined for nothing to do]
  const cases: [string, AlertRule, RuleCell[], Record<string, string[]> | undefined][] = [
    ['immediate: the changed day only', cholera, [cell('cholera', '2026-06-03')], { 'cholera|09187': ['2026-06-03'] }],
    ['immediate: each listed series apart', cholera, [cell('plague', '2026-06-05')], { 'plague|09187': ['2026-06-05'] }],
    ['a series no rule reads: nothing', cholera, [cell('dengue', '2026-06-05')], undefined],
    [
      'count: the changed day up to today (inside its 30-day reach)',
      measles,
      [cell('lab_measles', '2026-06-03')],
      { 'lab_measles|09187': ['2026-06-03', '2026-06-04', '2026-06-05'] },
    ],
    ['a day after today: nothing', cholera, [cell('cholera', '2026-06-06')], undefined],
    ['a day older than the horizon: nothing (immediate)', cholera, [cell('cholera', '2026-05-28')], undefined],
    ['the first day of the horizon: evaluated', cholera, [cell('cholera', '2026-05-29')], { 'cholera|09187': ['2026-05-29'] }],
    [
      'count: an old change reaches into the horizon, evaluated from its first day',
      measles,
      [cell('lab_measles', '2026-05-20')],
      {
        'lab_measles|09187': [
          '2026-05-29',
          '2026-05-30',
          '2026-05-31',
          '2026-06-01',
          '2026-06-02',
          '2026-06-03',
          '2026-06-04',
          '2026-06-05',
        ],
      },
    ],
    ['province rule: the commune’s province', provinceCount, [cell('dengue', '2026-06-05')], { 'dengue|24': ['2026-06-05'] }],
    ['province rule: a commune of unknown province is skipped', provinceCount, [cell('dengue', '2026-06-05', '99999')], undefined],
    [
      'rate: up to the Sunday of the week, capped at today',
      rate,
      [cell('meningitis_encephalitis', '2026-06-01')],
      { 'meningitis_encephalitis|09187': ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05'] },
    ],
    [
      'rate: a change in the past week does not reach this one',
      rate,
      [cell('meningitis_encephalitis', '2026-05-30')],
      { 'meningitis_encephalitis|09187': ['2026-05-30', '2026-05-31'] },
    ],
  ];
  it.each(cases)('%s', (_what, r, cells, expected) => {
    const plan = planRulesForCells([r], cells, opts);
    if (expected === undefined) return expect(plan).toBeUndefined();
    expect(plan).toBeDefined();
    const got = Object.fromEntries(
      [...plan!.rules[0]!.targets].map(([k, days]) => [k, days.map((x) => new Date(x * 86_400_000).toISOString().slice(0, 10))]),
    );
    expect(got).toEqual(expected);
  });

  it('reads each level once, from the earliest window start to the last day', () => {
    const plan = planRulesForCells(
      [cholera, measles, provinceCount],
      [cell('cholera', '2026-06-05'), cell('lab_measles', '2026-06-03'), cell('dengue', '2026-06-04')],
      opts,
    )!;
    expect(plan.read.commune).toEqual({
      from: d('2026-06-03') - 29, // the measles window of its first evaluated day
      to: d('2026-06-05'),
      pairs: [
        { syndrome: 'cholera', area: '09187' },
        { syndrome: 'lab_measles', area: '09187' },
      ],
    });
    expect(plan.read.province).toEqual({ from: d('2026-06-04') - 6, to: d('2026-06-05'), pairs: [{ syndrome: 'dengue', area: '24' }] });
    expect(plan.size).toBe(1 + 3 + 2);
  });
});

describe('rule plan of the scheduled daily run', () => {
  it('every rule on every series of its level, that day only', () => {
    const plan = planRulesForDay([cholera, provinceCount], d('2026-06-04'), { communes: ['A', 'B'], provinces: ['24'] })!;
    expect(plan.rules.map((r) => [...r.targets.keys()])).toEqual([['cholera|A', 'cholera|B', 'plague|A', 'plague|B'], ['dengue|24']]);
    expect(plan.size).toBe(5);
    expect(planRulesForDay([], d('2026-06-04'), { communes: ['A'], provinces: ['24'] })).toBeUndefined();
  });
});
