import { describe, expect, it } from 'vitest';
import { createHl7RateLimiter } from '../../ingest/hl7/hl7-rate-limit.ts';

/** The per-hospital HL7 v2 message limit: a fixed one-minute window per hospital. */
describe('createHl7RateLimiter', () => {
  // [limit per minute, the times (ms) BV-A sends at, what each gets: true allowed / seconds to wait]
  const cases: [string, number, number[], (true | number)[]][] = [
    ['under the limit', 3, [0, 1000, 2000], [true, true, true]],
    ['over it: refused with the seconds left in the window', 2, [0, 10_000, 20_000, 59_500], [true, true, 40, 1]],
    ['a new window after a minute', 1, [0, 30_000, 60_000, 60_001], [true, 30, true, 60]],
    ['0: no limit', 0, [0, 0, 0, 0, 0], [true, true, true, true, true]],
  ];
  it.each(cases)('%s', (_name, limit, times, expected) => {
    let t = 0;
    const limiter = createHl7RateLimiter(limit, () => t);
    const got = times.map((at) => {
      t = at;
      const r = limiter.take('BV-A');
      return r.ok ? true : r.retryAfterSeconds;
    });
    expect(got).toEqual(expected);
  });
  it('each hospital has its own allowance', () => {
    const limiter = createHl7RateLimiter(1, () => 0);
    expect(limiter.take('BV-A').ok).toBe(true);
    expect(limiter.take('BV-A').ok).toBe(false);
    expect(limiter.take('BV-B').ok).toBe(true);
  });
});
