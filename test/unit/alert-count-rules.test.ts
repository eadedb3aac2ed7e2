import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateRules, populationsFrom, ruleSeriesNeeds, type RuleCounts } from '../../alerts/count-rules.ts';
import { DEFAULT_RULES_FILE, parseRuleFile, type AlertRule } from '../../alerts/rule-file.ts';

const rule = (r: Record<string, unknown>): AlertRule =>
  parseRuleFile(JSON.stringify({ rules: [{ id: 'r', level: 'red', ...r }] })).rules[0]!;

// 2026-06-01 is a Monday; the series start 30 days before it, one day before the 30-day
// window of the measles rule, so index 0 is just outside that window and index 1 inside.
const FROM = '2026-05-02';
const DAY = '2026-06-01';
const at = (counts: Record<number, number>, length = 40): number[] => Array.from({ length }, (_, i) => counts[i] ?? 0);
const IDX = 30; // index of DAY

function counts(
  commune: Record<string, number[]>,
  population: Record<string, number> = {},
  province: Record<string, number[]> = {},
): RuleCounts {
  return {
    from: FROM,
    commune: new Map(Object.entries(commune)),
    province: new Map(Object.entries(province)),
    population: (_level, area) => population[area],
  };
}

const measles = rule({ kind: 'count', syndrome: 'lab_measles', area: 'commune', threshold: 3, days: 30 });
const weekCount = rule({ kind: 'count', syndrome: 'dengue', area: 'commune', threshold: 2, days: 7 });

describe('count rules: ≥ threshold cases in the D days ending on the day', () => {
  // [what, rule, series (index → count), fires]
  const cases: [string, AlertRule, Record<number, number>, boolean][] = [
    ['3 within 30 days: fires (= threshold)', measles, { 1: 1, 10: 1, [IDX]: 1 }, true],
    ['2 within 30 days: quiet (threshold − 1)', measles, { 10: 1, [IDX]: 1 }, false],
    ['4 within 30 days: fires', measles, { 1: 2, [IDX]: 2 }, true],
    ['a case on day −29 is inside the 30 days', measles, { [IDX - 29]: 1, [IDX]: 2 }, true],
    ['a case on day −30 is outside the 30 days', measles, { [IDX - 30]: 1, [IDX]: 2 }, false],
    ['cases after the evaluated day do not count', measles, { [IDX]: 2, [IDX + 1]: 5 }, false],
    ['7-day window: a case on day −6 is inside', weekCount, { [IDX - 6]: 1, [IDX]: 1 }, true],
    ['7-day window: a case on day −7 is outside', weekCount, { [IDX - 7]: 1, [IDX]: 1 }, false],
  ];
  it.each(cases)('%s', (_what, r, series, fires) => {
    const ev = evaluateRules([r], DAY, counts({ [`${r.kind === 'immediate' ? '' : r.syndrome}|07210`]: at(series) }));
    expect(ev.signals.length).toBe(fires ? 1 : 0);
  });

  it('a hit has the evidence shape of a signal', () => {
    const ev = evaluateRules([measles], DAY, counts({ 'lab_measles|07210': at({ 5: 1, [IDX]: 2 }) }));
    expect(ev.signals).toEqual([
      {
        syndrome: 'lab_measles',
        commune_code: '07210',
        area_level: 'commune',
        granularity: 'day',
        day: DAY,
        algorithm: 'rule:r',
        params: { rule_kind: 'count', window_from: '2026-05-03', window_to: DAY, days: 30 },
        observed: 3,
        expected: null,
        upperbound: 3,
        p_value: null,
        score: null,
        alarm: true,
        level: 'red',
      },
    ]);
  });

  it('only the rule syndrome is read; other series are ignored (negative control)', () => {
    const ev = evaluateRules([measles], DAY, counts({ 'measles_rubella|07210': at({ [IDX]: 9 }), 'lab_measles|07211': at({ [IDX]: 3 }) }));
    expect(ev.signals.map((s) => [s.syndrome, s.commune_code])).toEqual([['lab_measles', '07211']]);
  });

  it('province rules read the province series', () => {
    const r = rule({ kind: 'count', syndrome: 'dengue', area: 'province', threshold: 10, days: 1 });
    const ev = evaluateRules([r], DAY, counts({ 'dengue|07210': at({ [IDX]: 50 }) }, {}, { 'dengue|24': at({ [IDX]: 10 }) }));
    expect(ev.signals.map((s) => [s.area_level, s.commune_code, s.observed])).toEqual([['province', '24', 10]]);
  });

  it('a window the counts do not cover is skipped with its reason, not read as zeros', () => {
    const ev = evaluateRules([measles], DAY, counts({ 'lab_measles|07210': at({ [IDX]: 3 }).slice(0, IDX) }));
    expect(ev.signals).toEqual([]);
    expect(ev.skipped[0]?.reason).toMatch(/not the window 2026-05-03…2026-06-01/);
  });
});

describe('immediate rules: one case on the day', () => {
  const groupA = rule({ kind: 'immediate', syndromes: ['cholera', 'plague'] });
  it.each([
    ['one cholera case', 'cholera', 1, 1],
    ['no case', 'cholera', 0, 0],
    ['two plague cases: one signal, observed 2', 'plague', 2, 1],
    ['a case of a series the rule does not list', 'acute_diarrhoea', 5, 0],
  ] as const)('%s', (_what, syndrome, n, signals) => {
    const ev = evaluateRules([groupA], DAY, counts({ [`${syndrome}|07210`]: at({ [IDX]: n }) }));
    expect(ev.signals).toHaveLength(signals);
    if (signals > 0) expect(ev.signals[0]).toMatchObject({ observed: n, upperbound: 1, level: 'red', algorithm: 'rule:r' });
  });
  it('a case yesterday does not fire today', () => {
    expect(evaluateRules([groupA], DAY, counts({ 'cholera|07210': at({ [IDX - 1]: 1 }) })).signals).toEqual([]);
  });
});

describe('rate rules: cases × 100,000 ≥ threshold × population, in the ISO week', () => {
  const rate = rule({
    kind: 'rate',
    syndrome: 'meningitis_encephalitis',
    area: 'commune',
    threshold: 3,
    min_population: 30000,
    max_population: 100000,
  });
  const key = 'meningitis_encephalitis|07210';
  // Thursday 2026-06-04 = IDX + 3; its ISO week starts Monday 2026-06-01 (IDX).
  const THU = '2026-06-04';
  it.each([
    ['100,000 residents, 3 cases: exactly 3/100,000 fires', 100000, { [IDX]: 1, [IDX + 3]: 2 }, true],
    ['100,000 residents, 2 cases: 2/100,000 quiet', 100000, { [IDX]: 1, [IDX + 3]: 1 }, false],
    ['50,000 residents, 2 cases = 4/100,000: fires', 50000, { [IDX + 1]: 2 }, true],
    ['50,000 residents, 1 case = 2/100,000: quiet', 50000, { [IDX + 1]: 1 }, false],
    ['Sunday before the week does not count', 100000, { [IDX - 1]: 1, [IDX + 3]: 2 }, false],
    ['a case after the day does not count', 100000, { [IDX + 2]: 2, [IDX + 4]: 1 }, false],
  ] as const)('%s', (_what, population, series, fires) => {
    const ev = evaluateRules([rate], THU, counts({ [key]: at(series) }, { '07210': population }));
    expect(ev.signals).toHaveLength(fires ? 1 : 0);
    if (fires) {
      expect(ev.signals[0]).toMatchObject({ granularity: 'week', day: '2026-06-01', upperbound: (3 * population) / 100000 });
      expect(ev.signals[0]?.params).toMatchObject({ population, per_100k_threshold: 3 });
    }
  });

  it.each([
    ['unknown population', undefined, /population unknown/],
    ['population 0 (unknown)', 0, /population unknown/],
    ['below the bounds', 29999, /population 29999 below min_population 30000/],
    ['above the bounds', 100001, /population 100001 above max_population 100000/],
  ] as const)('%s: skipped with the reason', (_what, population, reason) => {
    const pop: Record<string, number> = population === undefined ? {} : { '07210': population };
    const ev = evaluateRules([rate], THU, counts({ [key]: at({ [IDX + 3]: 50 }) }, pop));
    expect(ev.signals).toEqual([]);
    expect(ev.skipped).toHaveLength(1);
    expect(ev.skipped[0]?.reason).toMatch(reason);
  });

  it('the bounds themselves are inside (30,000 and 100,000)', () => {
    for (const population of [30000, 100000]) {
      const ev = evaluateRules([rate], THU, counts({ [key]: at({ [IDX + 3]: 50 }) }, { '07210': population }));
      expect(ev.signals).toHaveLength(1);
    }
  });

  it('a rate rule without bounds still needs a population', () => {
    const open = rule({ kind: 'rate', syndrome: 'dengue', area: 'province', threshold: 1 });
    const ev = evaluateRules([open], THU, counts({}, {}, { 'dengue|24': at({ [IDX + 3]: 50 }) }));
    expect(ev.skipped[0]).toMatchObject({
      rule_id: 'r',
      area: '24',
      area_level: 'province',
      reason: expect.stringMatching(/population unknown/),
    });
  });
});

describe('the default rules on the demo shape', () => {
  const { rules } = parseRuleFile(readFileSync(DEFAULT_RULES_FILE, 'utf8'), { requireSource: true });

  it('say what to read', () => {
    const need = ruleSeriesNeeds(rules, DAY);
    expect(need.from).toBe('2026-05-03'); // the 30-day measles window
    expect(need.to).toBe(DAY);
    expect(need.commune).toEqual(expect.arrayContaining(['cholera', 'afp', 'lab_measles', 'meningitis_encephalitis']));
    expect(need.province).toEqual([]);
  });

  it('a quiet commune raises nothing; one cholera case raises one red signal', () => {
    const zero = at({});
    const base = { 'cholera|07210': zero, 'meningitis_encephalitis|07210': zero, 'lab_measles|07210': zero };
    const q = evaluateRules(rules, DAY, { ...counts(base, { '07210': 12000 }), from: '2026-05-03' });
    expect(q.signals).toEqual([]);
    const one = evaluateRules(rules, DAY, {
      ...counts({ ...base, 'cholera|07210': at({ 29: 1 }) }, { '07210': 12000 }),
      from: '2026-05-03',
    });
    expect(one.signals.map((s) => [s.algorithm, s.level])).toEqual([['rule:group-a-case', 'red']]);
  });

  it('meningitis in a small commune uses the case-count rules, in a large one the rates', () => {
    const series = { 'meningitis_encephalitis|07210': at({ 29: 2 }) };
    const small = evaluateRules(rules, DAY, { ...counts(series, { '07210': 12000 }), from: '2026-05-03' });
    expect(small.signals.map((s) => s.algorithm)).toEqual(['rule:meningitis-alert-small-area']);
    const large = evaluateRules(rules, DAY, { ...counts(series, { '07210': 60000 }), from: '2026-05-03' });
    // 2 cases in 60,000 = 3.3 per 100,000 ≥ 3: the alert rate, not the epidemic rate.
    expect(large.signals.map((s) => s.algorithm)).toEqual(['rule:meningitis-alert-rate']);
  });
});

describe('populations from the unit registry', () => {
  const pop = populationsFrom([
    { code: '1', provinceCode: '24', population: 10000 },
    { code: '2', provinceCode: '24', population: 25000 },
    { code: '3', provinceCode: '33', population: 40000 },
    { code: '4', provinceCode: '33', population: 0 },
    { code: '5', provinceCode: '33', population: 5000 },
  ]);
  it.each([
    ['commune', '1', 10000],
    ['commune', '4', undefined],
    ['commune', '9', undefined],
    ['province', '24', 35000],
    ['province', '33', undefined],
    ['province', '99', undefined],
  ] as const)('%s %s → %s', (level, area, n) => {
    expect(pop(level, area)).toBe(n);
  });
});
