import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaMetrics } from '../kafka-metrics.ts';
import { committedOffsets, endOffsets, lagOf, type OffsetMap, type PartitionEnds } from '../kafka-topics.ts';

/** How often the broker's end and committed offsets are read again (ms). */
const REFRESH_MS = 2000;

export interface LagDeps {
  admin: Admin;
  group: string;
  /** Physical topic names. */
  topics: readonly string[];
  metrics: KafkaMetrics;
  log: Logger;
  toLogical: (topic: string) => string;
}

/**
 * The group's lag on the subscribed topics: end offsets and committed offsets, read from the
 * broker every 2 s and advanced at once by this member's own commits, so `total()` is cheap
 * and never behind what this member knows. Publishes `ews_kafka_consumer_lag_records`.
 */
export class LagTracker {
  private readonly ends: PartitionEnds = new Map();
  private readonly committed: OffsetMap = new Map();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LagDeps) {}

  /** Partition `key` committed up to `nextOffset`; `high` is its high watermark as of the batch's fetch. */
  recordCommit(key: string, nextOffset: number, high: number): void {
    this.committed.set(key, Math.max(this.committed.get(key) ?? -1, nextOffset));
    this.ends.set(key, { low: this.ends.get(key)?.low ?? 0, high: Math.max(this.ends.get(key)?.high ?? 0, high) });
  }

  /** Reads end and committed offsets from the broker, updates the gauge, returns the total. */
  async refresh(): Promise<number> {
    const { admin, group, topics } = this.deps;
    const [e, c] = await Promise.all([endOffsets(admin, topics), committedOffsets(admin, group, topics)]);
    for (const [k, v] of e) this.ends.set(k, v);
    for (const [k, v] of c) this.committed.set(k, Math.max(this.committed.get(k) ?? -1, v));
    let total = 0;
    for (const [k, n] of lagOf(this.ends, this.committed)) {
      const [topic, partition] = k.split('|') as [string, string];
      this.deps.metrics.lag.set({ topic: this.deps.toLogical(topic), partition }, n);
      total += n;
    }
    return total;
  }

  /** First refresh (a failure is only logged), then one every 2 s until `stop()`. */
  async start(): Promise<void> {
    await this.refresh().catch((err: unknown) => this.deps.log.warn({ err }, 'could not read consumer lag yet'));
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Records not yet committed, as last known. */
  total(): number {
    let total = 0;
    for (const n of lagOf(this.ends, this.committed).values()) total += n;
    return total;
  }

  /** Resolves once the group has committed everything in the topics when it was called. */
  async drained(): Promise<void> {
    const { admin, group, topics } = this.deps;
    const target = await endOffsets(admin, topics);
    for (;;) {
      const c = await committedOffsets(admin, group, topics);
      if ([...lagOf(target, c).values()].every((n) => n === 0)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
