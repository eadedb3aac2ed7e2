import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { produceRaw, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import { countDiff, expectedCounts, totalOf, NAIVE_COUNTS_SQL, storedCounts } from '../../helpers/kafka-data.ts';
import { groupTestInput, startGroupTest } from '../../helpers/kafka-group.ts';
import { spawnEws, type Child } from '../../helpers/kafka-processes.ts';
import { createStore } from '../../../platform/clickhouse.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createNetworkGate } from '../../../platform/event-log/kafka.ts';
import type { ConsumedBatch } from '../../../platform/event-log/types.ts';
import { TOPICS } from '../../../schemas/topics.ts';

/**
 * Two processors in one consumer group share the partitions and one store. One of them is cut
 * off the network mid-stream right after writing a batch to the store — it neither leaves the
 * group nor commits — and the other must take its partitions over after the session timeout
 * and end with exactly the counts of the distinct events.
 */
const broker = await requireBroker('two-consumers.test.ts');
const log = createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' });

describe.skipIf(!broker)('two processors in one group', () => {
  let t: Awaited<ReturnType<typeof startGroupTest>> | undefined;
  // The severed member cannot leave its group: the scaffold does not wait on it for long.
  afterAll(async () => t?.close());

  it(
    'sharing one store in one process: one dropped without leaving or committing, the other takes over; counts exact',
    { timeout: 180_000 },
    async () => {
      // Fetches of 64 KiB: many batches, so the drop happens mid-stream.
      t = await startGroupTest('two', broker!, log, { seed: 77, events: 30_000, resendShare: 0.05, poison: 150, fetchBytes: 64 * 1024 });
      for (const query of NAIVE_COUNTS_SQL) await t.store.command({ query });
      const gateA = createNetworkGate();
      const a = t.member('a', gateA);
      const b = t.member('b');
      let batchesA = 0;
      let droppedAfterWrite: ConsumedBatch | undefined;
      const topics = [TOPICS.encounters, TOPICS.labs];
      await a.eventLog.subscribe({
        topics,
        group: t.group,
        handler: async (batch) => {
          await a.processor.handle(batch);
          // The crash: this batch is in the store, and A loses the network before committing it.
          if (++batchesA === 20 && !gateA.severed) {
            droppedAfterWrite = batch;
            gateA.sever();
          }
        },
      });
      await b.eventLog.subscribe({ topics, group: t.group, handler: (batch) => b.processor.handle(batch) });

      await waitForZeroLag(t.admin, t.group, Object.values(t.topics), 150_000);
      expect(gateA.severed, 'A was dropped mid-stream').toBe(true);
      expect(droppedAfterWrite!.records.length).toBeGreaterThan(0);

      expect(await t.countDiffs()).toEqual([]);
      // Negative control: without idempotency, the resends and A's replayed batch count twice.
      const expected = expectedCounts(t.events);
      const naive = await storedCounts(t.store, 'naive_counts', 'sum(n)');
      expect(countDiff(expected, naive).length).toBeGreaterThan(0);
      expect(totalOf(naive)).toBeGreaterThan(totalOf(expectedCounts([...t.events, ...t.resent], { distinct: false })));
      // The dead-letter topic holds each poison record exactly once.
      const { letters, poison } = await t.deadLetters();
      expect(letters).toEqual(poison);
    },
  );
});

/**
 * The same with two processor processes. chDB binds a data directory to one process, so
 * separate processes need a ClickHouse server: this runs only where CLICKHOUSE_URL points at
 * one (none exists on the development machines or in CI here).
 */
const clickhouseUrl = process.env['CLICKHOUSE_URL'];
if (!clickhouseUrl && broker) {
  process.stderr.write(
    'SKIPPED two-consumers.test.ts "two processor processes": needs a ClickHouse server (CLICKHOUSE_URL); chDB cannot be shared by two processes.\n',
  );
}

describe.skipIf(!broker || !clickhouseUrl)('two processor processes against a ClickHouse server (CLICKHOUSE_URL)', () => {
  const prefix = `${uniqueName('twop')}.`;
  const group = uniqueName('twop-group');
  const database = uniqueName('ews_test').replace(/-/g, '_');
  const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
  const children: Child[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const c of children) c.process.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('one process killed -9 mid-stream, the other takes over; counts exact', { timeout: 240_000 }, async () => {
    const kafka = testKafka(broker!.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })),
    });
    const { events, byTopic } = groupTestInput({ seed: 78, events: 50_000, resendShare: 0.05, poison: 250 }, topics);
    for (const [topic, messages] of Object.entries(byTopic)) await produceRaw(kafka, topic, messages);
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ews-twop-'));
      dirs.push(dataDir);
      const c = spawnEws(['serve', '--role', 'processor'], {
        KAFKA_BROKERS: broker!.brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP: group,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_PARTITION_FETCH_BYTES: String(64 * 1024),
        CLICKHOUSE_URL: clickhouseUrl!,
        ...(process.env['CLICKHOUSE_USER'] ? { CLICKHOUSE_USER: process.env['CLICKHOUSE_USER'] } : {}),
        ...(process.env['CLICKHOUSE_PASSWORD'] ? { CLICKHOUSE_PASSWORD: process.env['CLICKHOUSE_PASSWORD'] } : {}),
        CLICKHOUSE_DATABASE: database,
        EWS_DATA_DIR: dataDir,
        EWS_PSEUDONYM_KEY: 'two-process-key-two-process-key-0123',
        EWS_PRINT_ALERTS: 'false',
        EWS_LOG_LEVEL: 'warn',
        PORT: '0',
      });
      children.push(c);
      return c;
    };
    const first = start();
    start();
    await new Promise((r) => setTimeout(r, 8000));
    first.process.kill('SIGKILL');
    await waitForZeroLag(admin, group, Object.values(topics), 200_000);
    const store = await createStore({
      url: clickhouseUrl,
      username: process.env['CLICKHOUSE_USER'],
      password: process.env['CLICKHOUSE_PASSWORD'],
      database,
      dataDir: '',
    });
    try {
      expect(countDiff(expectedCounts(events), await storedCounts(store))).toEqual([]);
      await store.command({ query: `DROP DATABASE ${database}` });
    } finally {
      await store.close();
      await admin.disconnect();
    }
  });
});
