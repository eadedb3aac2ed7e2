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
import type { ConsumedBatch } from '../../../platform/event-log/types.ts';
import { createCountProcessor } from '../../../processors/count-processor.ts';
import { classifyEvent } from '../../../processors/classify/index.ts';
import { MIGRATIONS_DIR } from '../../../cli/pipeline.ts';
import { createRng } from '../../../simulator/random.ts';
import { deadLetterV1, TOPICS } from '../../../schemas/topics.ts';

/**
 * A consumer hands a batch back to kafkajs once it has read it and commits it later, after the
 * store write (platform/event-log/kafka-consumer.ts), so a rebalance can take a partition away
 * while handed-back batches of it are still uncommitted. Those must stay uncommitted, and the
 * partition must be read again from its last commit — by its new owner, or by the same member
 * if it gets it back — never from past them. Here member A's store writes are slowed so that
 * several batches per partition are in flight when member B joins.
 */
const broker = await requireBroker('rebalance-in-flight.test.ts');
const log = createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' });

describe.skipIf(!broker)('rebalance while handed-back batches are uncommitted', () => {
  const prefix = `${uniqueName('infl')}.`;
  const group = uniqueName('infl-group');
  const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
  const dir = mkdtempSync(join(tmpdir(), 'ews-infl-'));
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

  it('in-flight batches of revoked partitions are read again, none skipped; counts exact, each poison dead-lettered once', { timeout: 180_000 }, async () => {
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })) });
    const rng = createRng(91);
    const events = simulatedEvents(20_000, 91);
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
        clientId: `infl-${name}`,
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
      return { eventLog, processor };
    };
    const a = member('a');
    const b = member('b');
    // Every record offset each member handled (a record handled twice was read again).
    const handled = new Map<string, number>();
    const note = (batch: ConsumedBatch) => {
      for (const r of batch.records) {
        const k = `${batch.topic}|${batch.partition}|${r.offset}`;
        handled.set(k, (handled.get(k) ?? 0) + 1);
      }
    };
    let batchesA = 0;
    let joinB: (() => void) | undefined;
    const bJoined = new Promise<void>((resolve) => (joinB = resolve));
    await a.eventLog.subscribe({
      topics: [TOPICS.encounters, TOPICS.labs],
      group,
      handler: async (batch) => {
        note(batch);
        await a.processor.handle(batch);
        // Slow tails: the batch is written but not yet committed while A reads on.
        if (++batchesA === 12) joinB?.();
        if (batchesA < 60) await new Promise((r) => setTimeout(r, 400));
      },
    });
    await bJoined;
    await b.eventLog.subscribe({
      topics: [TOPICS.encounters, TOPICS.labs],
      group,
      handler: async (batch) => {
        note(batch);
        await b.processor.handle(batch);
      },
    });

    await waitForZeroLag(admin, group, Object.values(topics), 150_000);
    // Every produced record was handled at least once, and some were read again after the
    // rebalance took their partition while their batch was handed back but uncommitted.
    const produced = Object.values(byTopic).reduce((n, m) => n + m.length, 0);
    expect(handled.size).toBe(produced);
    expect([...handled.values()].some((n) => n > 1), 'some in-flight batch was read again').toBe(true);
    expect(countDiff(expectedCounts(events), await storedCounts(store))).toEqual([]);
    const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
    expect(letters.map(letterBytes).sort()).toEqual(poison.map(messageBytes).sort());
  });
});
