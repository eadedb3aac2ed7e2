import { describe, expect, it } from 'vitest';
import { PartitionPipeline } from '../../../platform/event-log/kafka-consumer/partition-pipeline.ts';

/** A tail whose settlement the test controls. */
const tail = () => {
  let settle!: (committed: boolean) => void;
  const promise = new Promise<boolean>((resolve) => (settle = resolve));
  return { promise, settle };
};
const ticks = () => new Promise((r) => setImmediate(r));

describe('partition pipeline (handed-back batches per partition)', () => {
  it('holds at most two tails per partition; the next batch waits for the oldest and commits after the newest', async () => {
    const p = new PartitionPipeline();
    const a = tail();
    const b = tail();
    expect(p.isFull('t|0')).toBe(false);
    expect(p.newest('t|0')).toBeUndefined();
    p.add('t|0', a.promise);
    expect(p.newest('t|0')).toBe(a.promise);
    p.add('t|0', b.promise);
    expect(p.isFull('t|0')).toBe(true);
    expect(p.isFull('t|1')).toBe(false);
    expect(p.oldest('t|0')).toBe(a.promise);
    expect(p.newest('t|0')).toBe(b.promise);
    a.settle(true);
    await ticks();
    expect(p.isFull('t|0')).toBe(false);
    expect(p.oldest('t|0')).toBe(b.promise);
  });

  it('a tail that settles before the one it follows leaves the chain without taking the other', async () => {
    const p = new PartitionPipeline();
    const a = tail();
    const b = tail();
    p.add('t|0', a.promise);
    p.add('t|0', b.promise);
    b.settle(false);
    await ticks();
    expect(p.oldest('t|0')).toBe(a.promise);
    expect(p.newest('t|0')).toBe(a.promise);
    a.settle(true);
    await ticks();
    expect(p.newest('t|0')).toBeUndefined();
  });

  it.each([
    ['one lost batch', [500], 500],
    ['a later lost batch keeps the earlier resume point', [500, 900], 500],
    ['an earlier lost batch moves it back', [900, 500], 500],
    ['the same batch twice', [500, 500], 500],
  ])('resume point: %s', (_name, lost, expected) => {
    const p = new PartitionPipeline();
    for (const offset of lost) p.uncommitted('t|0', offset);
    expect(p.resumePoint('t|0')).toBe(expected);
    expect(p.resumePoint('t|1')).toBeUndefined();
    p.resumed('t|0');
    expect(p.resumePoint('t|0')).toBeUndefined();
  });

  it('a new assignment forgets every resume point', () => {
    const p = new PartitionPipeline();
    p.uncommitted('t|0', 5);
    p.uncommitted('t|1', 7);
    p.forgetResumePoints();
    expect([p.resumePoint('t|0'), p.resumePoint('t|1')]).toEqual([undefined, undefined]);
  });
});
