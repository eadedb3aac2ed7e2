import { describe, expect, it } from 'vitest';
import { createDedupIndex } from '../../ingest/dedup-index.ts';

describe('dedup index', () => {
  it('remembers identities and tells resends apart', () => {
    const idx = createDedupIndex({ capacity: 1_000_000 });
    expect(idx.add('H1', 'e1')).toBe(true);
    expect(idx.add('H1', 'e1')).toBe(false);
    expect(idx.has('H1', 'e1')).toBe(true);
    // Identity is the pair: the same event id at another hospital is another event.
    expect(idx.add('H2', 'e1')).toBe(true);
    // The separator keeps ("H1","0e") and ("H10","e") apart.
    expect(idx.add('H10', 'e1')).toBe(true);
    expect(idx.has('H1', '0e1')).toBe(false);
  });

  it('holds 200,000 keys without false positives and grows', () => {
    const idx = createDedupIndex({ capacity: 1_000_000 });
    for (let i = 0; i < 200_000; i++) expect(idx.add('BV', `E${i}`)).toBe(true);
    expect(idx.size).toBe(200_000);
    let falsePositives = 0;
    for (let i = 200_000; i < 400_000; i++) if (idx.has('BV', `E${i}`)) falsePositives++;
    expect(falsePositives).toBe(0);
    for (let i = 0; i < 200_000; i += 997) expect(idx.has('BV', `E${i}`)).toBe(true);
  });

  it('stays bounded: the oldest generation is forgotten past capacity', () => {
    const idx = createDedupIndex({ capacity: 4096 });
    for (let i = 0; i < 10_000; i++) idx.add('BV', `E${i}`);
    expect(idx.size).toBeLessThanOrEqual(4096);
    expect(idx.has('BV', 'E9999')).toBe(true);
    expect(idx.has('BV', 'E0')).toBe(false);
  });
});
