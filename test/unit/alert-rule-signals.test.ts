import { describe, expect, it } from 'vitest';
import { decide, enoughCases, isRuleSignal, type AlertRules } from '../../alerts/rules.ts';
import type { Signal } from '../../schemas/signals.ts';

// EWS_ALERT_MIN_COUNT guards against statistical noise on sparse series; a rule hit carries its
// own threshold (one cholera case), which that floor must not hide.
const rules: AlertRules = { minLevel: 'red', minObserved: 5 };
const ctx = { now: '2026-11-25T00:00:00.000Z', newId: 'A1' };
const sig = (over: Partial<Signal>): Signal => ({
  syndrome: 'cholera',
  commune_code: '09187',
  area_level: 'commune',
  granularity: 'day',
  day: '2026-11-24',
  algorithm: 'rule:group-a-case',
  params: {},
  observed: 1,
  expected: null,
  upperbound: 1,
  p_value: null,
  score: null,
  alarm: true,
  level: 'red',
  ...over,
});

describe('rule signals and the case floor', () => {
  // [what, signal, passes the floor, decision without an open alert]
  const cases: [string, Signal, boolean, 'open' | 'none'][] = [
    ['a rule hit on one case passes the floor of 5', sig({}), true, 'open'],
    ['a statistical alarm on one case is held back (negative control)', sig({ algorithm: 'ears_c2' }), false, 'none'],
    ['a statistical alarm at the floor passes', sig({ algorithm: 'ears_c2', observed: 5 }), true, 'open'],
    ['an algorithm merely containing "rule:" is statistical', sig({ algorithm: 'x-rule:y' }), false, 'none'],
    ['a yellow rule hit still needs the minimum level', sig({ level: 'yellow' }), true, 'none'],
  ];
  it.each(cases)('%s', (_what, s, floor, action) => {
    expect(enoughCases(s, rules)).toBe(floor);
    expect(decide(s, undefined, rules, ctx).action).toBe(action);
  });

  it('isRuleSignal knows rule hits by their algorithm prefix', () => {
    expect([isRuleSignal({ algorithm: 'rule:afp-case' }), isRuleSignal({ algorithm: 'farrington' })]).toEqual([true, false]);
  });
});
