import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';
import { produceRaw, readAll, testKafka, uniqueName, type TestBroker } from './kafka.ts';
import {
  countDiff,
  expectedCounts,
  letterBytes,
  logMessage,
  messageBytes,
  poisonMessage,
  simulatedEvents,
  storedCounts,
  topicOf,
} from './kafka-data.ts';
import { createStore, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createMetricsRegistry } from '../../platform/metrics.ts';
import { createKafkaEventLog, type createNetworkGate, type KafkaEventLog } from '../../platform/event-log/kafka.ts';
import { createCountProcessor } from '../../processors/count/count-processor.ts';
import { classifyEvent } from '../../processors/classify/index.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { createRng } from '../../simulator/random.ts';
import { deadLetterV1, TOPICS } from '../../schemas/topics.ts';

export interface GroupTestInput {
  seed: number;
  /** Distinct simulated events. */
  events: number;
  /** Exact resends of some of them, as a share of `events` (default 0). */
  resendShare?: number;
  /** Poison records (not JSON, or breaking the contract), on the encounters topic. */
  poison: number;
}

/** The records of a group test by topic: simulated events, resends of some, and poison. */
export function groupTestInput(input: GroupTestInput, topics: { encounters: string; labs: string }) {
  const rng = createRng(input.seed);
  const events = simulatedEvents(input.events, input.seed);
  const byTopic: Record<string, Message[]> = { [topics.encounters]: [], [topics.labs]: [] };
  for (const ev of events) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
  const resent = Array.from({ length: Math.round(input.events * (input.resendShare ?? 0)) }, () => events[rng.int(events.length)]!);
  for (const ev of resent) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
  const poison = Array.from({ length: input.poison }, (_, i) => poisonMessage(i, events[rng.int(events.length)]!));
  byTopic[topics.encounters]!.push(...poison);
  return { events, resent, poison, byTopic };
}

/**
 * Consumer-group members in one process sharing one embedded store, on topics of their own
 * filled with `groupTestInput`: the scaffolding of the in-process group tests. Members read
 * small batches (`fetchBytes` per partition, default 32 KiB), so there are many.
 */
export async function startGroupTest(name: string, broker: TestBroker, log: Logger, input: GroupTestInput & { fetchBytes?: number }) {
  const prefix = `${uniqueName(name)}.`;
  const group = uniqueName(`${name}-group`);
  const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
  const dir = mkdtempSync(join(tmpdir(), `ews-${name}-`));
  const kafka: Kafka = testKafka(broker.brokers);
  const admin: Admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })),
  });
  const { events, resent, poison, byTopic } = groupTestInput(input, topics);
  for (const [topic, messages] of Object.entries(byTopic)) await produceRaw(kafka, topic, messages);
  const store: ClickHouseClient = await createStore({ database: 'ews', dataDir: join(dir, 'clickhouse') });
  await migrate(store, readMigrations(MIGRATIONS_DIR), log);
  const logs: KafkaEventLog[] = [];

  return {
    group,
    topics,
    admin,
    store,
    events,
    resent,
    produced: Object.values(byTopic).reduce((n, m) => n + m.length, 0),
    /** A member: its event log (subscribe with `group`), count processor, and its group joins so far. */
    member(memberName: string, gate?: ReturnType<typeof createNetworkGate>) {
      const metrics = createMetricsRegistry({ defaultMetrics: false });
      const eventLog = createKafkaEventLog({
        brokers: broker.brokers.split(','),
        clientId: `${name}-${memberName}`,
        logger: log.child({ member: memberName }),
        metrics,
        topicPrefix: prefix,
        topics: { partitions: 6 },
        deadLetterTopic: TOPICS.deadletter,
        consumer: {
          sessionTimeoutMs: 6000,
          partitionFetchBytes: input.fetchBytes ?? 32 * 1024,
          concurrency: 12,
          transactionTimeoutMs: 60_000,
        },
        produceTimeoutMs: 10_000,
        gate,
      });
      logs.push(eventLog);
      const processor = createCountProcessor({
        log,
        metrics,
        clock: { now: () => Date.now() },
        store,
        deadLetters: eventLog.deadLetters,
        classify: classifyEvent,
        onCountsChanged: () => undefined,
      });
      const joins = async () =>
        (await metrics.getSingleMetric('ews_kafka_consumer_rebalances_total')!.get()).values.reduce((n, v) => n + v.value, 0);
      return { eventLog, processor, joins };
    },
    /** Differences between the stored counts and those of the distinct events (none expected). */
    async countDiffs(): Promise<string[]> {
      return countDiff(expectedCounts(events), await storedCounts(store));
    },
    /** The dead-letter topic's records and the poison produced, as comparable sorted lists. */
    async deadLetters(): Promise<{ letters: string[]; poison: string[] }> {
      const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
      return { letters: letters.map(letterBytes).sort(), poison: poison.map(messageBytes).sort() };
    },
    async close() {
      await Promise.all(logs.map((l) => Promise.race([l.close(), new Promise((r) => setTimeout(r, 5000))])));
      await store.close();
      await admin.deleteTopics({ topics: [...Object.values(topics), prefix + TOPICS.deadletter] }).catch(() => undefined);
      await admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
