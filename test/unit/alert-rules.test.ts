import { describe, expect, it } from 'vitest';
import { decide, type AlertRules } from '../../alerts/rules.ts';
import type { Signal } from '../../schemas/signals.ts';

const rules: AlertRules = { minLevel: 'red', minObserved: 3 };
const ctx = { now: '2026-11-25T00:00:00.000Z', newId: 'A1' };
const sig = (over: Partial<Signal>): Signal => ({
  syndrome: 'dengue',
  commune_code: '09187',
  area_level: 'commune',
  granularity: 'day',
  day: '2026-11-24',
  algorithm: 'ears_c2',
  params: {},
  observed: 8,
  expected: 1,
  upperbound: 4.1,
  p_value: 0.0001,
  score: null,
  alarm: true,
  level: 'red',
  ...over,
});

describe('alert rules', () => {
  it.each([
    ['a red alarm opens an alert', sig({}), 'open'],
    ['no alarm opens nothing', sig({ alarm: false, level: 'none', observed: 2 }), 'none'],
    ['yellow does not open when the minimum level is red', sig({ alarm: false, level: 'yellow' }), 'none'],
    ['an alarm on too few cases opens nothing', sig({ observed: 2 }), 'none'],
  ])('%s', (_name, s, action) => {
    expect(decide(s, undefined, rules, ctx).action).toBe(action);
  });

  it('yellow opens when the minimum level is yellow', () => {
    const d = decide(sig({ alarm: false, level: 'yellow' }), undefined, { ...rules, minLevel: 'yellow' }, ctx);
    expect(d.action).toBe('open');
    if (d.action === 'open') expect(d.alert.level).toBe('yellow');
  });

  it('a later alarm for the same commune and syndrome updates the open alert', () => {
    const opened = decide(sig({}), undefined, rules, ctx);
    if (opened.action !== 'open') throw new Error('expected open');
    const next = decide(sig({ day: '2026-11-25', observed: 12, upperbound: 5 }), opened.alert, rules, { ...ctx, newId: 'A2' });
    expect(next.action).toBe('update');
    if (next.action !== 'update') return;
    expect(next.alert.alert_id).toBe('A1');
    expect(next.alert.first_day).toBe('2026-11-24');
    expect(next.alert.last_day).toBe('2026-11-25');
    expect(next.alert.observed).toBe(12);
    expect(next.alert.threshold).toBe(5);
    expect(next.alert.signal_count).toBe(2);
  });

  it('re-evaluating the same day with no higher count changes nothing', () => {
    const opened = decide(sig({}), undefined, rules, ctx);
    if (opened.action !== 'open') throw new Error('expected open');
    expect(decide(sig({}), opened.alert, rules, ctx).action).toBe('none');
    const more = decide(sig({ observed: 10 }), opened.alert, rules, ctx);
    expect(more.action).toBe('update');
    if (more.action === 'update') expect(more.alert.signal_count).toBe(1);
  });
});
