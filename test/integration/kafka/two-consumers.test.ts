import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { produceRaw, readAll, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import { countDiff, expectedCounts, letterBytes, totalOf, logMessage, messageBytes, NAIVE_COUNTS_SQL, poisonMessage, simulatedEvents, storedCounts, topicOf } from '../../helpers/kafka-data.ts';
import { spawnEws, type Child } from '../../helpers/kafka-processes.ts';
import { createStore, type ClickHouseClient } from '../../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../../platform/migrations.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { createKafkaEventLog, createNetworkGate, type KafkaEventLog, type KafkaSubscription } from '../../../platform/event-log/kafka.ts';
import type { ConsumedBatch } from '../../../platform/event-log/types.ts';
import { createCountProcessor } from '../../../processors/count-processor.ts';
import { classifyEvent } from '../../../processors/classify/index.ts';
import { MIGRATIONS_DIR } from '../../../cli/pipeline.ts';
import { createRng } from '../../../simulator/random.ts';
import { deadLetterV1, TOPICS } from '../../../schemas/topics.ts';

/**
 * Two processors in one consumer group share the partitions and one store. One of them is cut
 * off the network mid-stream right after writing a batch to the store — it neither leaves the
 * group nor commits — and the other must take its partitions over after the session timeout
 * and end with exactly the counts of the distinct events.
 */
const broker = await requireBroker('two-consumers.test.ts');
const log = createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' });

function inputs(seed: number, distinct: number, topics: { encounters: string; labs: string }) {
  const rng = createRng(seed);
  const events = simulatedEvents(distinct, seed);
  const byTopic: Record<string, Message[]> = { [topics.encounters]: [], [topics.labs]: [] };
  for (const ev of events) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
  const resent = Array.from({ length: distinct * 0.05 }, () => events[rng.int(events.length)]!);
  for (const ev of resent) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
  const poison = Array.from({ length: distinct / 200 }, (_, i) => poisonMessage(i, events[rng.int(events.length)]!));
  byTopic[topics.encounters]!.push(...poison);
  return { events, resent, byTopic, poison };
}

describe.skipIf(!broker)('two processors in one group', () => {
  const prefix = `${uniqueName('two')}.`;
  const group = uniqueName('two-group');
  const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
  const dir = mkdtempSync(join(tmpdir(), 'ews-two-'));
  let kafka: Kafka;
  let admin: Admin;
  let store: ClickHouseClient | undefined;
  const logs: KafkaEventLog[] = [];
  afterAll(async () => {
    // The severed member cannot leave its group: do not wait on it for long.
    await Promise.all(logs.map((l) => Promise.race([l.close(), new Promise((r) => setTimeout(r, 3000))])));
    await store?.close();
    await admin?.deleteTopics({ topics: [...Object.values(topics), prefix + TOPICS.deadletter] }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sharing one store in one process: one dropped without leaving or committing, the other takes over; counts exact', { timeout: 180_000 }, async () => {
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })) });
    const { events, resent, byTopic, poison } = inputs(77, 30_000, topics);
    for (const [topic, messages] of Object.entries(byTopic)) await produceRaw(kafka, topic, messages);

    store = await createStore({ database: 'ews', dataDir: join(dir, 'clickhouse') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), log);
    for (const query of NAIVE_COUNTS_SQL) await store.command({ query });

    const member = (name: string, gate?: ReturnType<typeof createNetworkGate>) => {
      const metrics = createMetricsRegistry({ defaultMetrics: false });
      const eventLog = createKafkaEventLog({
        brokers: broker!.brokers.split(','),
        clientId: `two-${name}`,
        logger: log.child({ member: name }),
        metrics,
        topicPrefix: prefix,
        topics: { partitions: 6 },
        deadLetterTopic: TOPICS.deadletter,
        // Small fetches: many batches, so the drop happens mid-stream.
        consumer: { sessionTimeoutMs: 6000, partitionFetchBytes: 64 * 1024, concurrency: 12, transactionTimeoutMs: 60_000 },
        produceTimeoutMs: 10_000,
        gate,
      });
      logs.push(eventLog);
      const processor = createCountProcessor({
        log,
        metrics,
        clock: { now: () => Date.now() },
        store: store!,
        deadLetters: eventLog.deadLetters,
        classify: classifyEvent,
        onCountsChanged: () => undefined,
      });
      return { eventLog, processor };
    };

    const gateA = createNetworkGate();
    const a = member('a', gateA);
    const b = member('b');
    let batchesA = 0;
    let droppedAfterWrite: ConsumedBatch | undefined;
    const subscribe = (m: typeof a, handler: (batch: ConsumedBatch) => Promise<void>): Promise<KafkaSubscription> =>
      m.eventLog.subscribe({ topics: [TOPICS.encounters, TOPICS.labs], group, handler });
    await subscribe(a, async (batch) => {
      await a.processor.handle(batch);
      // The crash: this batch is in the store, and A loses the network before committing it.
      if (++batchesA === 20 && !gateA.severed) {
        droppedAfterWrite = batch;
        gateA.sever();
      }
    });
    await subscribe(b, (batch) => b.processor.handle(batch));

    await waitForZeroLag(admin, group, Object.values(topics), 150_000);
    expect(gateA.severed, 'A was dropped mid-stream').toBe(true);
    expect(droppedAfterWrite!.records.length).toBeGreaterThan(0);

    const expected = expectedCounts(events);
    expect(countDiff(expected, await storedCounts(store))).toEqual([]);
    // Negative control: without idempotency, the resends and A's replayed batch count twice.
    const naive = await storedCounts(store, 'naive_counts', 'sum(n)');
    expect(countDiff(expected, naive).length).toBeGreaterThan(0);
    expect(totalOf(naive)).toBeGreaterThan(totalOf(expectedCounts([...events, ...resent], { distinct: false })));
    // The dead-letter topic holds each poison record exactly once.
    const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
    expect(letters.map(letterBytes).sort()).toEqual(poison.map(messageBytes).sort());
  });
});

/**
 * The same with two processor processes. chDB binds a data directory to one process, so
 * separate processes need a ClickHouse server: this runs only where CLICKHOUSE_URL points at
 * one (none exists on the development machines or in CI here).
 */
const clickhouseUrl = process.env['CLICKHOUSE_URL'];
if (!clickhouseUrl && broker) {
  process.stderr.write('SKIPPED two-consumers.test.ts "two processor processes": needs a ClickHouse server (CLICKHOUSE_URL); chDB cannot be shared by two processes.\n');
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
    await admin.createTopics({ waitForLeaders: true, topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })) });
    const { events, byTopic } = inputs(78, 50_000, topics);
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
    const store = await createStore({ url: clickhouseUrl, username: process.env['CLICKHOUSE_USER'], password: process.env['CLICKHOUSE_PASSWORD'], database, dataDir: '' });
    try {
      expect(countDiff(expectedCounts(events), await storedCounts(store))).toEqual([]);
      await store.command({ query: `DROP DATABASE ${database}` });
    } finally {
      await store.close();
      await admin.disconnect();
    }
  });
});
