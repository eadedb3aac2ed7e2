import { afterAll, describe, expect, it } from 'vitest';
import { requireBroker, waitForZeroLag } from '../../helpers/kafka.ts';
import { startGroupTest } from '../../helpers/kafka-group.ts';
import { createLogger } from '../../../platform/logger.ts';
import { TOPICS } from '../../../schemas/topics.ts';

/**
 * Commits stay in offset order even when handed-back batches finish out of order. Member A
 * cannot write one batch N (its store write keeps failing, as a store outage would) while the
 * batch after it, N+1, of the same partition is written at once. N+1 must not commit before N
 * does: committing it would put the group's offset past N, whose records are not in the store.
 * Then B joins; the rebalance ends A's attempts at N (a new assignment drops batches still in
 * flight), and whoever owns the partition reads it again from N — A now writes it. Without the
 * in-order guard this test loses N's records (checked by removing the guard).
 */
const broker = await requireBroker('commit-order.test.ts');
const log = createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' });

describe.skipIf(!broker)('a batch that cannot be written holds back the commits after it', () => {
  let t: Awaited<ReturnType<typeof startGroupTest>> | undefined;
  afterAll(async () => t?.close());

  it(
    'records of the stuck batch are written after the rebalance, none skipped; counts exact, each poison dead-lettered once',
    { timeout: 180_000 },
    async () => {
      t = await startGroupTest('order', broker!, log, { seed: 93, events: 20_000, poison: 60 });
      const a = t.member('a');
      const b = t.member('b');
      // The stuck batch: A's 10th, identified by its partition and first offset.
      let seen = 0;
      let stuck: string | undefined;
      let stuckAttempts = 0;
      let startB: (() => void) | undefined;
      const bMayJoin = new Promise<void>((resolve) => (startB = resolve));
      const topics = [TOPICS.encounters, TOPICS.labs];
      await a.eventLog.subscribe({
        topics,
        group: t.group,
        handler: async (batch) => {
          const id = `${batch.topic}|${batch.partition}|${batch.records[0]!.offset}`;
          if (++seen === 10) stuck = id;
          // A store outage for this one batch, for as long as A's first assignment lasts.
          if (id === stuck && (await a.joins()) < 2) {
            if (++stuckAttempts === 3) startB?.();
            throw Object.assign(new Error('store unavailable (test)'), { name: 'StoreDown' });
          }
          await a.processor.handle(batch);
        },
      });
      await bMayJoin;
      await b.eventLog.subscribe({ topics, group: t.group, handler: (batch) => b.processor.handle(batch) });

      await waitForZeroLag(t.admin, t.group, Object.values(t.topics), 150_000);
      expect(stuckAttempts, 'the stuck batch was retried while the batches after it waited').toBeGreaterThanOrEqual(3);
      expect(await t.countDiffs()).toEqual([]);
      const { letters, poison } = await t.deadLetters();
      expect(letters).toEqual(poison);
    },
  );
});
