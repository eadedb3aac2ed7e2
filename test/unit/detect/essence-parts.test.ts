import { describe, expect, it } from 'vitest';
import { baselineWindow, levelOf } from '../../../processors/detect/algorithms/essence-common.ts';
import { essenceEwma } from '../../../processors/detect/algorithms/essence-ewma.ts';
import { essenceRegression, weekdayOf } from '../../../processors/detect/algorithms/essence-regression.ts';
import { essenceSwitch } from '../../../processors/detect/algorithms/essence-switch.ts';

describe('ESSENCE building blocks', () => {
  it.each([
    [0.0099, 'red'],
    [0.01, 'yellow'],
    [0.0499, 'yellow'],
    [0.05, 'blue'],
    [Number.NaN, null],
    [null, null],
  ])('p = %s → %s', (p, level) => {
    expect(levelOf(p)).toBe(level);
  });

  it.each([
    // day, guard, B → baseline start and length: grows from 11 days up to B, ends g + 1 days before
    [13, 2, 28, 0, 11],
    [20, 2, 28, 0, 18],
    [30, 2, 28, 0, 28],
    [40, 2, 28, 10, 28],
    [40, 0, 14, 26, 14],
  ])('baseline of day %i (g %i, B %i) = %i + %i days', (i, g, B, from, length) => {
    expect(baselineWindow(i, g, B)).toEqual({ from, length });
  });

  it('weekdays cycle from the start weekday (ISO, Sunday = 7)', () => {
    expect([0, 1, 5, 6, 7].map((i) => weekdayOf(i, 3))).toEqual([3, 4, 1, 2, 3]);
  });
});

// 10 weeks with a clean weekday pattern around a slow trend.
const pattern = [20, 18, 17, 16, 15, 8, 6];
const clean = Array.from({ length: 70 }, (_, i) => (pattern[i % 7] as number) + Math.floor(i / 14));

describe('adaptive regression', () => {
  it('explains a weekday pattern (adjusted R² high) and predicts the next value', () => {
    const [p] = essenceRegression(clean, { startWeekday: 1, range: [69, 69] });
    expect(p?.adjustedR2).toBeGreaterThan(0.9);
    expect(Math.abs((p?.expected ?? 0) - (clean[69] as number))).toBeLessThan(1.5);
    expect(p?.level).toBe('blue');
  });

  it('upperbound is where red starts: one above alarms, one below does not (negative control)', () => {
    const [p] = essenceRegression(clean, { startWeekday: 1, range: [69, 69] });
    const u = p?.upperbound ?? 0;
    const at = (y: number) => essenceRegression([...clean.slice(0, 69), y], { startWeekday: 1, range: [69, 69] })[0];
    expect(at(Math.ceil(u + 1e-9))?.level).toBe('red');
    expect(at(Math.floor(u - 1e-9))?.level).not.toBe('red');
  });

  it('requires the weekday and a multiple of 7 for B', () => {
    expect(() => essenceRegression(clean, {})).toThrow(/startWeekday/);
    expect(() => essenceRegression(clean, { startWeekday: 1, baseline: 30 })).toThrow(/baseline/);
  });
});

describe('EWMA', () => {
  const calm = Array.from({ length: 60 }, (_, i) => 5 + (i % 3));

  it('a spike turns red; the averages are pulled back to the red limit, so the day after is calmer', () => {
    const series = [...calm, 40, 6];
    const [spike, after] = essenceEwma(series, { range: [60, 61] });
    expect(spike?.level).toBe('red');
    expect(after?.score ?? 0).toBeLessThan(spike?.score ?? 0);
  });

  it('upperbound separates red from not red (negative control)', () => {
    const [p] = essenceEwma([...calm, 6], { range: [60, 60] });
    const u = p?.upperbound ?? 0;
    const at = (y: number) => essenceEwma([...calm, y], { range: [60, 60] })[0];
    expect(at(Math.ceil(u + 1e-9))?.level).toBe('red');
    expect(at(Math.floor(u - 1e-9))?.level).not.toBe('red');
  });
});

describe('switch', () => {
  it('uses the regression on a weekday-driven series and the EWMA on a flat noisy one', () => {
    expect(essenceSwitch(clean, { startWeekday: 1, range: [69, 69] })[0]?.detector).toBe('regression');
    const noisy = Array.from({ length: 70 }, (_, i) => [3, 0, 2, 1, 4, 0, 1, 2, 0, 3, 1][i % 11] as number);
    expect(essenceSwitch(noisy, { startWeekday: 1, range: [69, 69] })[0]?.detector).toBe('ewma');
  });
});
