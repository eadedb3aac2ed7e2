import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCountFeed, scopeCounts, type CountChangeKey } from '../../dashboards/live-counts.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

const PROVINCE: Record<string, string> = { '09187': '24', '09190': '24', '11953': '33' };
const provinceOf = (c: string) => PROVINCE[c];
const key = (syndrome: string, commune_code: string, day = '2026-11-20'): CountChangeKey => ({ syndrome, commune_code, day });

describe('scopeCounts: only the communes the jurisdiction covers', () => {
  const keys = [key('dengue', '09187'), key('_visits', '09187'), key('ili', '09190', '2026-11-19'), key('dengue', '11953')];
  it.each<[string, Jurisdiction, ReturnType<typeof scopeCounts>]>([
    [
      'national',
      { level: 'national' },
      { communes: ['09187', '09190', '11953'], syndromes: ['dengue', 'ili'], days: ['2026-11-19', '2026-11-20'] },
    ],
    [
      'province 24',
      { level: 'province', province: '24' },
      { communes: ['09187', '09190'], syndromes: ['dengue', 'ili'], days: ['2026-11-19', '2026-11-20'] },
    ],
    ['province 33', { level: 'province', province: '33' }, { communes: ['11953'], syndromes: ['dengue'], days: ['2026-11-20'] }],
    ['commune 09187', { level: 'communes', communes: ['09187'] }, { communes: ['09187'], syndromes: ['dengue'], days: ['2026-11-20'] }],
    ['another province', { level: 'province', province: '01' }, null],
  ])('%s', (_name, j, want) => {
    expect(scopeCounts(j, keys, provinceOf)).toEqual(want);
  });
});

describe('createCountFeed: coalesced, at most one batch per window', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pushes within a window reach each listener once, distinct; the next window is another batch', () => {
    const feed = createCountFeed({ throttleMs: 3000 });
    const got: CountChangeKey[][] = [];
    const off = feed.subscribe((k) => got.push([...k]));
    feed.push([key('dengue', '09187')]);
    vi.advanceTimersByTime(1000);
    feed.push([key('dengue', '09187'), key('ili', '09190')]);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(2000);
    expect(got).toEqual([[key('dengue', '09187'), key('ili', '09190')]]);
    feed.push([key('dengue', '11953')]);
    vi.advanceTimersByTime(2999);
    expect(got).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(got).toHaveLength(2);
    off();
  });

  it('nothing is kept while nobody listens; unsubscribing the last listener drops what is pending', () => {
    const feed = createCountFeed({ throttleMs: 100 });
    feed.push([key('dengue', '09187')]);
    const got: CountChangeKey[][] = [];
    const off = feed.subscribe((k) => got.push([...k]));
    vi.advanceTimersByTime(500);
    expect(got).toEqual([]);
    feed.push([key('ili', '09190')]);
    off();
    const again = feed.subscribe((k) => got.push([...k]));
    vi.advanceTimersByTime(500);
    expect(got).toEqual([]);
    again();
  });
});
