import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';

export interface TopicSpec {
  partitions: number;
  /** Undefined: the broker's default.replication.factor. */
  replicationFactor?: number | undefined;
}

/**
 * Creates the topics that do not exist yet (idempotent; several processes may race to create
 * them). An existing topic is left as it is; a partition count other than the configured one
 * is logged, since keys would then map to other partitions than a fresh deployment's.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], spec: TopicSpec, log: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor ?? -1 })),
      });
      log.info({ topics: missing, partitions: spec.partitions }, 'created Kafka topics');
    } catch (err) {
      // Another process created them between listTopics and createTopics.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
  }
  const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
  for (const t of meta.topics) {
    if (t.partitions.length !== spec.partitions) {
      log.warn(
        { topic: t.name, partitions: t.partitions.length, configured: spec.partitions },
        'existing Kafka topic has another partition count than KAFKA_PARTITIONS; left unchanged',
      );
    }
  }
}

/** `topic|partition` → offset. */
export type OffsetMap = Map<string, number>;
export const tpKey = (topic: string, partition: number) => `${topic}|${partition}`;

/** First and end offsets (log start, high watermark) of every partition of the topics. */
export type PartitionEnds = Map<string, { low: number; high: number }>;

export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionEnds> {
  const out: PartitionEnds = new Map();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(tpKey(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
  }
  return out;
}

/** Committed offsets of a group (-1 where nothing was committed yet). */
export async function committedOffsets(admin: Admin, group: string, topics: readonly string[]): Promise<OffsetMap> {
  const out: OffsetMap = new Map();
  for (const t of await admin.fetchOffsets({ groupId: group, topics: [...topics] })) {
    for (const p of t.partitions) out.set(tpKey(t.topic, p.partition), Number(p.offset));
  }
  return out;
}

/**
 * Records between the committed and the end offset, per partition. Nothing committed counts
 * from the log start (the group reads from the earliest offset).
 */
export function lagOf(ends: PartitionEnds, committed: OffsetMap): OffsetMap {
  const out: OffsetMap = new Map();
  for (const [k, { low, high }] of ends) out.set(k, Math.max(0, high - Math.max(low, committed.get(k) ?? -1)));
  return out;
}
