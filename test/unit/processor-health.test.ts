import { describe, expect, it } from 'vitest';
import { assessProgress, type ProgressState } from '../../processors/count/processor-health.ts';

const state = (over: Partial<ProgressState> = {}): ProgressState => ({
  failing: new Map(),
  lastActivityMs: 0,
  backlogSeenMs: undefined,
  ...over,
});
const failing = (sinceMs: number, lastAttemptMs: number) => new Map([['t/0', { sinceMs, lastAttemptMs, reason: 'engine down' }]]);

describe('assessProgress (is the count processor stuck?)', () => {
  it.each([
    ['idle, nothing waiting', state({ lastActivityMs: 0 }), 0, 500_000, true, 0],
    ['a batch failing for less than the threshold', state({ failing: failing(100_000, 150_000) }), 0, 155_000, true, 55_000],
    [
      'a batch failing for longer than the threshold, still retried',
      state({ failing: failing(100_000, 160_000) }),
      5,
      165_000,
      false,
      65_000,
    ],
    [
      'a failing batch no longer retried (partition moved away)',
      state({ failing: failing(100_000, 100_000), lastActivityMs: 100_000 }),
      0,
      200_000,
      true,
      0,
    ],
    ['a backlog first seen now, after a long idle spell', state({ lastActivityMs: 0 }), 10, 500_000, true, 0],
    [
      'a backlog seen long ago with no batch handled since',
      state({ lastActivityMs: 0, backlogSeenMs: 100_000 }),
      10,
      200_000,
      false,
      100_000,
    ],
    [
      'a backlog seen long ago, but a batch started since',
      state({ lastActivityMs: 150_000, backlogSeenMs: 100_000 }),
      10,
      200_000,
      true,
      0,
    ],
  ])('%s', (_name, s, lag, now, ok, stalledMs) => {
    const h = assessProgress(s, lag, now, 60_000);
    expect({ ok: h.ok, stalledMs: h.stalledMs }).toEqual({ ok, stalledMs });
    if (!ok) expect(h.reason).toMatch(/failing for 65 s: engine down|10 behind and no batch handled for 100 s/);
  });

  it('remembers when a backlog was first seen, and forgets it once nothing waits', () => {
    const s = state({ lastActivityMs: 0 });
    const first = assessProgress(s, 10, 500_000, 60_000);
    expect(first.backlogSeenMs).toBe(500_000);
    const later = assessProgress({ ...s, backlogSeenMs: first.backlogSeenMs }, 10, 561_000, 60_000);
    expect(later).toMatchObject({ ok: false, stalledMs: 61_000, backlogSeenMs: 500_000 });
    expect(assessProgress({ ...s, backlogSeenMs: 500_000 }, 0, 561_000, 60_000)).toMatchObject({ ok: true, backlogSeenMs: undefined });
  });
});
