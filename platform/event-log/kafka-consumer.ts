import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { SubscribeOptions, Subscription } from './types.ts';
import type { BatchScope } from './kafka-dead-letter.ts';
import type { KafkaMetrics } from './kafka-metrics.ts';
import { createTransactionalCommitter } from './kafka-transactions.ts';
import type { TestHook } from './kafka-test-hook.ts';
import { GroupState } from './kafka-consumer/group-state.ts';
import { LagTracker } from './kafka-consumer/lag.ts';
import { PartitionPipeline } from './kafka-consumer/partition-pipeline.ts';
import { createBatchRetrier } from './kafka-consumer/retrier.ts';
import { BatchRunner } from './kafka-consumer/runner.ts';
import { StartOffsetCheck } from './kafka-consumer/start-offset.ts';

export interface ConsumerSettings {
  sessionTimeoutMs: number;
  /** Most bytes fetched per partition per request: bounds a batch. */
  partitionFetchBytes: number;
  /** Partitions handled at the same time by this consumer. */
  concurrency: number;
  transactionTimeoutMs: number;
}

export interface ConsumerShellDeps {
  kafka: Kafka;
  admin: Admin;
  log: Logger;
  metrics: KafkaMetrics;
  scope: AsyncLocalStorage<BatchScope>;
  toPhysical: (topic: string) => string;
  toLogical: (topic: string) => string;
  deadLetterTopic: string;
  settings: ConsumerSettings;
  hook: TestHook;
  onFatal: (err: Error) => void;
}

export interface KafkaSubscription extends Subscription {
  /** Resolves once the group has committed everything in the topics when it was called. */
  drained(): Promise<void>;
}

/**
 * A consumer-group member running `handler` on batches of one topic partition. Offsets are
 * committed only after the handler resolved; a batch's dead letters are published in the same
 * transaction as its offsets. Store or broker failures are retried with backoff on the same
 * batch (heartbeating meanwhile); if the partition is lost in the meantime the batch is
 * dropped uncommitted and its new owner replays it. Nothing is skipped either way.
 *
 * This function only wires the pieces in kafka-consumer/ (README.md there lists them): the
 * runner handles batches, the partition pipeline orders their commits, the group state tracks
 * joins, the lag tracker reads offsets.
 */
export async function subscribeKafka(deps: ConsumerShellDeps, opts: SubscribeOptions): Promise<KafkaSubscription> {
  const { settings, log, metrics } = deps;
  const topics = opts.topics.map(deps.toPhysical);
  const heartbeatMs = Math.max(500, Math.floor(settings.sessionTimeoutMs / 6));
  let closed = false;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: opts.group,
    sessionTimeout: settings.sessionTimeoutMs,
    rebalanceTimeout: Math.max(settings.sessionTimeoutMs, 30_000),
    heartbeatInterval: heartbeatMs,
    maxBytesPerPartition: settings.partitionFetchBytes,
    maxBytes: settings.partitionFetchBytes * 8,
    minBytes: 1,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
    readUncommitted: false,
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 12, restartOnFailure: () => Promise.resolve(!closed) },
  });
  const committer = createTransactionalCommitter({
    kafka: deps.kafka,
    group: opts.group,
    deadLetterTopic: deps.deadLetterTopic,
    transactionTimeoutMs: settings.transactionTimeoutMs,
    log,
  });
  const groupState = new GroupState();
  const pipeline = new PartitionPipeline();
  const lag = new LagTracker({ admin: deps.admin, group: opts.group, topics, metrics, log, toLogical: deps.toLogical });
  const retry = createBatchRetrier({ log, metrics });
  const startCheck = new StartOffsetCheck({ admin: deps.admin, consumer, committer, groupState, group: opts.group, retry, log });
  const runner = new BatchRunner({
    consumer,
    committer,
    groupState,
    pipeline,
    startCheck,
    lag,
    retry,
    metrics,
    hook: deps.hook,
    scope: deps.scope,
    handler: opts.handler,
    maxBatchRecords: opts.maxBatchRecords,
    heartbeatMs,
    toLogical: deps.toLogical,
    isClosed: () => closed,
    onFatal: deps.onFatal,
  });

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    metrics.rebalances.inc();
    const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, parts]) => parts.map((partition) => ({ topic, partition })));
    log.info({ group: opts.group, member: payload.memberId, assigned: assigned.length }, 'joined consumer group');
    groupState.join(assigned);
    pipeline.forgetResumePoints();
    committer.assign(assigned);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (closed) return;
    if (payload.restart) log.warn({ err: payload.error, group: opts.group }, 'Kafka consumer failed; restarting it');
    else deps.onFatal(payload.error);
  });

  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: settings.concurrency,
    eachBatch: (ctx) => runner.handleBatch(ctx),
  });
  await lag.start();

  return {
    lag: () => lag.total(),
    drained: () => lag.drained(),
    async close() {
      if (closed) return;
      closed = true;
      lag.stop();
      await consumer.disconnect().catch((err: unknown) => log.warn({ err }, 'Kafka consumer disconnect failed'));
      await committer.close();
    },
  };
}
