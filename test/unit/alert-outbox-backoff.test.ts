import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../alerts/outbox-sender.ts';

describe('outbox backoff: exponential, capped, with equal jitter', () => {
  it.each([
    // attempt, random, expected ms (initial 30 s, max 1 h)
    [1, 0, 15_000],
    [1, 0.999999, 30_000],
    [2, 0, 30_000],
    [3, 0.5, 90_000],
    [7, 0, 960_000],
    [8, 0, 1_800_000],
    [8, 0.999999, 3_599_998],
    [20, 0, 1_800_000],
    [20, 0.999999, 3_599_998],
  ])('attempt %i, random %d → %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, 30_000, 3_600_000, () => random)).toBe(expected);
  });

  it('grows: the shortest wait after attempt n+1 is at least the longest after attempt n−1 (below the cap)', () => {
    for (let n = 2; n < 7; n++) {
      expect(backoffDelayMs(n + 1, 30_000, 3_600_000, () => 0)).toBeGreaterThanOrEqual(
        backoffDelayMs(n - 1, 30_000, 3_600_000, () => 0.999999),
      );
    }
  });
});
