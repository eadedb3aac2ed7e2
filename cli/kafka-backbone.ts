import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import { createKafkaEventLog, type KafkaEventLog, type KafkaSubscription } from '../platform/event-log/kafka.ts';
import type { ConsumedBatch } from '../platform/event-log/types.ts';
import type { DeadLetterStore } from '../schemas/dead-letter.ts';
import { TOPICS } from '../schemas/topics.ts';

/** The event log on Kafka, as the pipeline's composition root uses it. */
export interface KafkaBackbone {
  eventLog: KafkaEventLog;
  /** Refused input at ingest: the dead-letter topic and the `dead_letters` table. */
  ingestDeadLetters(table: DeadLetterStore): DeadLetterStore;
  /** Poison log records: the dead-letter topic, in the transaction that commits their batch. */
  processorDeadLetters: DeadLetterStore;
  /** Starts KAFKA_CONSUMERS members of the processor group in this process. */
  startProcessors(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  /** Records of the processor group not committed yet (refreshed every 2 s). */
  lag(): number;
  /** Resolves once the group has committed everything appended before the call. */
  drained(): Promise<void>;
  stopProcessors(): Promise<void>;
  /**
   * Starts KAFKA_INBOUND_CONSUMERS members of the inbound group (KAFKA_INBOUND_GROUP) on the
   * hospitals' topics of KAFKA_INBOUND_HOSPITALS; none when it names no hospital.
   */
  startInbound(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  /** Inbound records not committed yet (0 without inbound consumers). */
  inboundLag(): number;
  /** Resolves once the inbound group has committed everything published before the call. */
  inboundDrained(): Promise<void>;
  stopInbound(): Promise<void>;
  close(): Promise<void>;
}

/** Connects to the brokers of KAFKA_BROKERS and creates the missing topics. */
export async function startKafkaBackbone(
  config: Readonly<Config>,
  deps: { log: Logger; metrics: Registry; onFatal?: (err: Error) => void },
): Promise<KafkaBackbone> {
  const brokers = (config.KAFKA_BROKERS ?? '').split(',');
  const inboundTopics = config.KAFKA_INBOUND_HOSPITALS.map((r) => r.topic);
  const eventLog = createKafkaEventLog({
    brokers,
    clientId: config.KAFKA_CLIENT_ID,
    logger: deps.log.child({ module: 'kafka' }),
    metrics: deps.metrics,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    topics: { partitions: config.KAFKA_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR },
    deadLetterTopic: TOPICS.deadletter,
    consumer: {
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      partitionFetchBytes: config.KAFKA_PARTITION_FETCH_BYTES,
      // Every partition of both topics may be handled at once; the store writes them in parallel.
      concurrency: config.KAFKA_PARTITIONS * 2,
      transactionTimeoutMs: 60_000,
    },
    produceTimeoutMs: config.KAFKA_PRODUCE_TIMEOUT_MS,
    testHook: config.KAFKA_TEST_HOOK,
    ...(deps.onFatal ? { onFatal: deps.onFatal } : {}),
  });
  try {
    // The hospitals' inbound topics too: a deployment with ACLs may create them itself (same names).
    await eventLog.ensureTopics([TOPICS.encounters, TOPICS.labs, TOPICS.deadletter, ...inboundTopics]);
  } catch (err) {
    await eventLog.close();
    throw err;
  }
  const subscriptions: KafkaSubscription[] = [];
  const inbound: KafkaSubscription[] = [];

  return {
    eventLog,
    ingestDeadLetters: (table) => ({
      record: async (items, receivedAt) => {
        await Promise.all([eventLog.deadLetters.record(items, receivedAt), table.record(items, receivedAt)]);
      },
    }),
    processorDeadLetters: eventLog.deadLetters,
    async startProcessors(handler) {
      for (let i = 0; i < config.KAFKA_CONSUMERS; i++) {
        subscriptions.push(await eventLog.subscribe({ topics: [TOPICS.encounters, TOPICS.labs], group: config.KAFKA_GROUP, handler }));
      }
    },
    lag: () => Math.max(0, ...subscriptions.map((s) => s.lag())),
    async drained() {
      await subscriptions[0]?.drained();
    },
    async stopProcessors() {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    },
    async startInbound(handler) {
      if (inboundTopics.length === 0) return;
      for (let i = 0; i < config.KAFKA_INBOUND_CONSUMERS; i++) {
        inbound.push(await eventLog.subscribe({ topics: inboundTopics, group: config.KAFKA_INBOUND_GROUP, handler }));
      }
    },
    inboundLag: () => Math.max(0, ...inbound.map((s) => s.lag())),
    async inboundDrained() {
      await inbound[0]?.drained();
    },
    async stopInbound() {
      await Promise.all(inbound.splice(0).map((s) => s.close()));
    },
    close: () => eventLog.close(),
  };
}
