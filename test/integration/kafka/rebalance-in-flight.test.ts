import { afterAll, describe, expect, it } from 'vitest';
import { requireBroker, waitForZeroLag } from '../../helpers/kafka.ts';
import { startGroupTest } from '../../helpers/kafka-group.ts';
import { createLogger } from '../../../platform/logger.ts';
import type { ConsumedBatch } from '../../../platform/event-log/types.ts';
import { TOPICS } from '../../../schemas/topics.ts';

/**
 * A consumer hands a batch back to kafkajs once it has read it and commits it later, after the
 * store write (platform/event-log/kafka-consumer.ts), so a rebalance can take a partition away
 * while handed-back batches of it are still uncommitted. Those must stay uncommitted, and the
 * partition must be read again from its last commit — by its new owner, or by the same member
 * if it gets it back — never from past them. Here member A's batches linger after their store
 * write, so several per partition are in flight when member B joins.
 */
const broker = await requireBroker('rebalance-in-flight.test.ts');
const log = createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' });

describe.skipIf(!broker)('rebalance while handed-back batches are uncommitted', () => {
  let t: Awaited<ReturnType<typeof startGroupTest>> | undefined;
  afterAll(async () => t?.close());

  it(
    'in-flight batches of revoked partitions are read again, none skipped; counts exact, each poison dead-lettered once',
    { timeout: 180_000 },
    async () => {
      t = await startGroupTest('infl', broker!, log, { seed: 91, events: 20_000, poison: 60 });
      const a = t.member('a');
      const b = t.member('b');
      // How often each record (topic|partition|offset) was handled, by either member.
      const handled = new Map<string, number>();
      const note = (batch: ConsumedBatch) => {
        for (const r of batch.records) {
          const k = `${batch.topic}|${batch.partition}|${r.offset}`;
          handled.set(k, (handled.get(k) ?? 0) + 1);
        }
      };
      let batchesA = 0;
      let joinB: (() => void) | undefined;
      const bMayJoin = new Promise<void>((resolve) => (joinB = resolve));
      const topics = [TOPICS.encounters, TOPICS.labs];
      await a.eventLog.subscribe({
        topics,
        group: t.group,
        handler: async (batch) => {
          note(batch);
          await a.processor.handle(batch);
          // Slow tails: the batch is written but not yet committed while A reads on.
          if (++batchesA === 12) joinB?.();
          if (batchesA < 60) await new Promise((r) => setTimeout(r, 400));
        },
      });
      await bMayJoin;
      await b.eventLog.subscribe({
        topics,
        group: t.group,
        handler: async (batch) => {
          note(batch);
          await b.processor.handle(batch);
        },
      });

      await waitForZeroLag(t.admin, t.group, Object.values(t.topics), 150_000);
      // Every produced record was handled, and some again after the rebalance took their
      // partition while their batch was handed back but uncommitted.
      expect(handled.size).toBe(t.produced);
      expect(
        [...handled.values()].some((n) => n > 1),
        'some in-flight batch was read again',
      ).toBe(true);
      expect(await t.countDiffs()).toEqual([]);
      const { letters, poison } = await t.deadLetters();
      expect(letters).toEqual(poison);
    },
  );
});
