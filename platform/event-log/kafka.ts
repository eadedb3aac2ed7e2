import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DeadLetterStore } from './kafka-dead-letter.ts';
import type { ConsumedRecord, EventLog, LogRecord, SubscribeOptions } from './types.ts';
import { createKafkaClient, type createNetworkGate } from './kafka-client.ts';
import { createGroupProducer } from './kafka-producer.ts';
import { subscribeKafka, type ConsumerSettings, type KafkaSubscription } from './kafka-consumer.ts';
import { createKafkaDeadLetterStore, type BatchScope } from './kafka-dead-letter.ts';
import { ensureTopics, type TopicSpec } from './kafka-topics.ts';
import { kafkaMetrics } from './kafka-metrics.ts';
import { createTestHook, type TestHookSpec } from './kafka-test-hook.ts';

export type { KafkaSubscription } from './kafka-consumer.ts';
export { createNetworkGate, type NetworkGate } from './kafka-client.ts';
export { TEST_HOOK_POINTS, type TestHookSpec } from './kafka-test-hook.ts';

export interface KafkaLogOptions {
  /** Bootstrap servers, `host:port`. */
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  metrics: Registry;
  /** Prepended to every topic name on the broker (namespacing); code keeps the logical names. */
  topicPrefix?: string;
  /** Partitions and replication of the topics `ensureTopics` creates. */
  topics: TopicSpec;
  /** Logical name of the dead-letter topic. */
  deadLetterTopic: string;
  consumer: ConsumerSettings;
  /** An append not acknowledged within this many ms fails with LOG_UNAVAILABLE (503 at ingest). */
  produceTimeoutMs: number;
  /** Crash points for the crash tests; never set in production. */
  testHook?: TestHookSpec | undefined;
  /** Failure injection for tests: a gate that can cut this client off the network. */
  gate?: ReturnType<typeof createNetworkGate> | undefined;
  /** Apply the kafkajs 2.2.4 idle-CPU fix (default true). */
  idleCpuFix?: boolean;
  /** A consumer stopped for good (non-retryable error): the process should stop. */
  onFatal?: (err: Error) => void;
}

export interface KafkaEventLog extends EventLog {
  /** Creates missing topics (idempotent). Takes logical names. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /**
   * Dead letters to the dead-letter topic. Inside a batch handler they are published with the
   * batch's offsets in one transaction; elsewhere at once, resolving after the broker's ack.
   */
  readonly deadLetters: DeadLetterStore;
  subscribe(options: SubscribeOptions): Promise<KafkaSubscription>;
}

/**
 * The event log on Apache Kafka (kafkajs 2.2.4, kept behind this module and its
 * `kafka-*.ts` helpers: nothing else imports kafkajs). Appends go through one idempotent
 * producer with acks=all and resolve after the broker acknowledged them; subscriptions are
 * consumer-group members that commit offsets only after their handler resolved.
 */
export function createKafkaEventLog(options: KafkaLogOptions): KafkaEventLog {
  const log = options.logger;
  const prefix = options.topicPrefix ?? '';
  const toPhysical = (topic: string) => prefix + topic;
  const toLogical = (topic: string) => (prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic);
  const kafka = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId,
    logger: log,
    gate: options.gate,
    idleCpuFix: options.idleCpuFix ?? true,
  });
  const metrics = kafkaMetrics(options.metrics);
  const producer = createGroupProducer(kafka, { log, metrics, timeoutMs: options.produceTimeoutMs });
  const admin = kafka.admin();
  let adminReady: Promise<void> | undefined;
  const connectedAdmin = async () => {
    adminReady ??= admin.connect().catch((err: unknown) => {
      adminReady = undefined;
      throw err;
    });
    await adminReady;
    return admin;
  };
  const scope = new AsyncLocalStorage<BatchScope>();
  const hook = createTestHook(options.testHook);
  const subscriptions = new Set<KafkaSubscription>();
  const deadLetterTopic = toPhysical(options.deadLetterTopic);

  const deadLetters = createKafkaDeadLetterStore({
    scope,
    publish: (messages) => producer.send(deadLetterTopic, messages),
    onRecorded: (n, via) => metrics.deadLetters.inc({ via }, n),
  });

  return {
    deadLetters,

    append(topic: string, records: readonly LogRecord[]) {
      return producer.send(
        toPhysical(topic),
        records.map((r) => ({ key: r.key, value: r.value })),
      );
    },

    async ensureTopics(topics) {
      await ensureTopics(await connectedAdmin(), topics.map(toPhysical), options.topics, log);
    },

    async subscribe(opts) {
      const sub = await subscribeKafka(
        {
          kafka,
          admin: await connectedAdmin(),
          log,
          metrics,
          scope,
          toPhysical,
          toLogical,
          deadLetterTopic,
          settings: options.consumer,
          hook,
          onFatal: (err) => {
            log.error({ err }, 'Kafka consumer stopped for good');
            options.onFatal?.(err);
          },
        },
        opts,
      );
      subscriptions.add(sub);
      return {
        lag: () => sub.lag(),
        drained: () => sub.drained(),
        close: async () => {
          subscriptions.delete(sub);
          await sub.close();
        },
      };
    },

    async close() {
      for (const s of [...subscriptions]) await s.close();
      subscriptions.clear();
      await producer.close();
      if (adminReady) await admin.disconnect().catch(() => undefined);
    },
  };
}

/** The headers of a consumed record (empty for one of the embedded log, which has none). */
export function recordHeaders(record: ConsumedRecord): Readonly<Record<string, string>> {
  return record.headers ?? {};
}

/** The value's bytes as received; from `value` for a record of the embedded log. */
export function recordBytes(record: ConsumedRecord): Buffer {
  return record.bytes ?? Buffer.from(record.value, 'utf8');
}
