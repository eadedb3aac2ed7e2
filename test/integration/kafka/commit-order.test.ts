import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { produceRaw, readAll, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import { countDiff, expectedCounts, letterBytes, logMessage, messageBytes, poisonMessage, simulatedEvents, storedCounts, topicOf } from '../../helpers/kafka-data.ts';
import { createStore, type ClickHouseClient } from '../../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../../platform/migrations.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { createKafkaEventLog, type KafkaEventLog } from '../../../platform/event-log/kafka.ts';
import { createCountProcessor } from '../../../processors/count-processor.ts';
import { classifyEvent } from '../../../processors/classify/index.ts';
import { MIGRATIONS_DIR } from '../../../cli/pipeline.ts';
import { createRng } from '../../../simulator/random.ts';
import { deadLetterV1, TOPICS } from '../../../schemas/topics.ts';

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
  const prefix = `${uniqueName('order')}.`;
  const group = uniqueName('order-group');
  const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
  const dir = mkdtempSync(join(tmpdir(), 'ews-order-'));
  let kafka: Kafka;
  let admin: Admin;
  let store: ClickHouseClient | undefined;
  const logs: KafkaEventLog[] = [];
  afterAll(async () => {
    await Promise.all(logs.map((l) => Promise.race([l.close(), new Promise((r) => setTimeout(r, 5000))])));
    await store?.close();
    await admin?.deleteTopics({ topics: [...Object.values(topics), prefix + TOPICS.deadletter] }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records of the stuck batch are written after the rebalance, none skipped; counts exact, each poison dead-lettered once', { timeout: 180_000 }, async () => {
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })) });
    const rng = createRng(93);
    const events = simulatedEvents(20_000, 93);
    const byTopic: Record<string, Message[]> = { [topics.encounters]: [], [topics.labs]: [] };
    for (const ev of events) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
    const poison = Array.from({ length: 60 }, (_, i) => poisonMessage(i, events[rng.int(events.length)]!));
    byTopic[topics.encounters]!.push(...poison);
    for (const [topic, messages] of Object.entries(byTopic)) await produceRaw(kafka, topic, messages);

    store = await createStore({ database: 'ews', dataDir: join(dir, 'clickhouse') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), log);

    const member = (name: string) => {
      const metrics = createMetricsRegistry({ defaultMetrics: false });
      const eventLog = createKafkaEventLog({
        brokers: broker!.brokers.split(','),
        clientId: `order-${name}`,
        logger: log.child({ member: name }),
        metrics,
        topicPrefix: prefix,
        topics: { partitions: 6 },
        deadLetterTopic: TOPICS.deadletter,
        consumer: { sessionTimeoutMs: 6000, partitionFetchBytes: 32 * 1024, concurrency: 12, transactionTimeoutMs: 60_000 },
        produceTimeoutMs: 10_000,
      });
      logs.push(eventLog);
      const processor = createCountProcessor({ log, metrics, clock: { now: () => Date.now() }, store: store!, deadLetters: eventLog.deadLetters, classify: classifyEvent, onCountsChanged: () => undefined });
      const joins = async () => (await metrics.getSingleMetric('ews_kafka_consumer_rebalances_total')!.get()).values.reduce((n, v) => n + v.value, 0);
      return { eventLog, processor, joins };
    };
    const a = member('a');
    const b = member('b');
    // The stuck batch: A's 10th, identified by its partition and first offset.
    let seen = 0;
    let stuck: string | undefined;
    let stuckAttempts = 0;
    let startB: (() => void) | undefined;
    const bMayJoin = new Promise<void>((resolve) => (startB = resolve));
    await a.eventLog.subscribe({
      topics: [TOPICS.encounters, TOPICS.labs],
      group,
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
    await b.eventLog.subscribe({ topics: [TOPICS.encounters, TOPICS.labs], group, handler: (batch) => b.processor.handle(batch) });

    await waitForZeroLag(admin, group, Object.values(topics), 150_000);
    expect(stuckAttempts, 'the stuck batch was retried while the batches after it waited').toBeGreaterThanOrEqual(3);
    expect(countDiff(expectedCounts(events), await storedCounts(store))).toEqual([]);
    const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
    expect(letters.map(letterBytes).sort()).toEqual(poison.map(messageBytes).sort());
  });
});
