import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Batch, Consumer, EachBatchPayload } from 'kafkajs';
import type { ConsumedRecord, SubscribeOptions } from '../types.ts';
import type { BatchScope } from '../kafka-dead-letter.ts';
import type { KafkaMetrics } from '../kafka-metrics.ts';
import { tpKey } from '../kafka-topics.ts';
import type { TransactionalCommitter } from '../kafka-transactions.ts';
import { isOwnershipLost } from '../kafka-errors.ts';
import type { TestHook } from '../kafka-test-hook.ts';
import { KafkaRecord } from './kafka-record.ts';
import type { GroupState } from './group-state.ts';
import type { LagTracker } from './lag.ts';
import type { PartitionPipeline } from './partition-pipeline.ts';
import type { BatchRetrier } from './retrier.ts';
import type { StartOffsetCheck } from './start-offset.ts';

export interface RunnerDeps {
  consumer: Pick<Consumer, 'commitOffsets' | 'seek'>;
  committer: Pick<TransactionalCommitter, 'commit'>;
  groupState: GroupState;
  pipeline: PartitionPipeline;
  startCheck: StartOffsetCheck;
  lag: LagTracker;
  retry: BatchRetrier;
  metrics: KafkaMetrics;
  hook: TestHook;
  scope: AsyncLocalStorage<BatchScope>;
  handler: SubscribeOptions['handler'];
  maxBatchRecords: number | undefined;
  heartbeatMs: number;
  toLogical: (topic: string) => string;
  /** True once the subscription is closing. */
  isClosed: () => boolean;
  onFatal: (err: Error) => void;
}

/** How a chunk ended: `lost` — the partition was lost (or the consumer closed) first; `skipped` — the group had committed past it. */
type ChunkOutcome = 'committed' | 'lost' | 'skipped';

/**
 * Handles kafkajs's batches: handler → commit, one topic partition at a time. A batch is handed
 * back to kafkajs once its records are read (the handler's synchronous part: parse, classify,
 * encode) and its fetch position resolved; its store write and commit (its tail) go on in the
 * partition's pipeline (partition-pipeline.ts), committing in offset order. Failures are retried
 * on the same batch (heartbeating meanwhile); a batch whose partition is lost in the meantime
 * — rebalance seen by a heartbeat, fencing, a new join, shutdown — ends uncommitted and the
 * partition's owner reads it again. Nothing is skipped either way.
 */
export class BatchRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** kafkajs `eachBatch`: resolves once the batch is handed back, not once it is committed. */
  async handleBatch(ctx: EachBatchPayload): Promise<void> {
    const { batch } = ctx;
    if (batch.messages.length === 0) return;
    const { pipeline, groupState, isClosed } = this.deps;
    const k = tpKey(batch.topic, batch.partition);
    while (pipeline.isFull(k)) await pipeline.oldest(k);
    const before = pipeline.newest(k);
    const resume = pipeline.resumePoint(k);
    if (resume !== undefined) {
      if (Number(batch.messages[0]!.offset) > resume) {
        if (!isClosed()) this.deps.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(resume) });
        return;
      }
      pipeline.resumed(k);
    }
    if (isClosed() || !ctx.isRunning() || ctx.isStale()) return;
    // A rebalance seen by a heartbeat ends the batch uncommitted rather than holding up the
    // group; so does a new join while it is in flight (group-state.ts says why).
    let revoked = false;
    const joined = groupState.generation;
    const lost = () => revoked || isClosed() || !groupState.isCurrent(joined) || !ctx.isRunning() || ctx.isStale();
    const beat = setInterval(() => {
      ctx.heartbeat().catch((err: unknown) => {
        if (isOwnershipLost(err)) revoked = true;
      });
    }, this.deps.heartbeatMs);
    let handBack!: () => void;
    const handedBack = new Promise<void>((resolve) => (handBack = resolve));
    const tail = this.runTail(ctx, { key: k, joined, lost, before, beat, handBack }).catch((err: unknown) => {
      this.deps.onFatal(err as Error);
      return false;
    });
    pipeline.add(k, tail);
    await handedBack;
  }

  /**
   * A batch's tail: its chunks of at most `maxBatchRecords` in order, the first committing
   * after `before`, the last handing the batch back once read. Resolves true once all are
   * committed; false when one was not, after making its first offset the resume point if the
   * batch had been handed back under the current generation.
   */
  private async runTail(ctx: EachBatchPayload, t: TailState): Promise<boolean> {
    const { batch } = ctx;
    try {
      const size = this.deps.maxBatchRecords ?? batch.messages.length;
      for (let from = 0; from < batch.messages.length; from += size) {
        const to = Math.min(from + size, batch.messages.length);
        const last = to === batch.messages.length;
        const outcome = await this.handleChunk(ctx, from, to, t.lost, last ? t.handBack : undefined, from === 0 ? t.before : undefined);
        if (outcome === 'committed') continue;
        // Handed back but not committed: read again from the earliest such chunk on.
        if (outcome === 'lost' && last && this.deps.groupState.isCurrent(t.joined))
          this.deps.pipeline.uncommitted(t.key, Number(batch.messages[from]!.offset));
        return false;
      }
      return true;
    } finally {
      clearInterval(t.beat);
      t.handBack();
    }
  }

  /**
   * Handles and commits messages [from, to) of a batch. `onRead`, if given, is called once the
   * handler has read the records, and the batch's fetch position is then resolved at once
   * rather than after the commit. `before`: the previous tail, which must commit first.
   */
  private async handleChunk(
    ctx: EachBatchPayload,
    from: number,
    to: number,
    lost: () => boolean,
    onRead?: () => void,
    before?: Promise<boolean>,
  ): Promise<ChunkOutcome> {
    const { batch } = ctx;
    const { deps } = this;
    const logical = deps.toLogical(batch.topic);
    const messages = batch.messages.slice(from, to);
    const count = messages.length;
    // Decoded per attempt, not kept: while the batch's write and commit finish, only the raw
    // messages stay alive (for dead letters' original bytes).
    const readRecords = (): ConsumedRecord[] => messages.map((m) => new KafkaRecord(logical, batch.partition, m));
    // The last chunk also covers control records kafkajs filtered out after the last message.
    const nextOffset = to === batch.messages.length ? Number(batch.lastOffset()) + 1 : Number(messages[count - 1]!.offset) + 1;
    const high = Number(batch.highWatermark);
    const firstOffset = Number(messages[0]!.offset);
    const start = await deps.startCheck.verify(batch.topic, batch.partition, firstOffset, lost);
    if (start !== 'ok') return start;
    const scope: BatchScope = {
      letters: [],
      topic: logical,
      physicalTopic: batch.topic,
      partition: batch.partition,
      rawAt: (offset) => {
        const m = messages[offset - firstOffset];
        return m && Number(m.offset) === offset ? m.value : messages.find((x) => Number(x.offset) === offset)?.value;
      },
    };
    deps.hook.onBatchStart();
    let attempt: Promise<void> | undefined;
    const handled = deps.retry('handle', lost, async () => {
      scope.letters = [];
      attempt = deps.scope.run(scope, () =>
        deps.handler({ topic: logical, partition: batch.partition, records: readRecords(), nextOffset }),
      );
      await attempt;
    });
    if (onRead) {
      // The handler's synchronous part has run: the records are read. Let kafkajs fetch on from
      // after this batch while its write and commit finish here.
      if (attempt) ctx.resolveOffset(String(nextOffset - 1));
      onRead();
    }
    if (!(await handled)) return 'lost';
    // Commits stay in offset order: the batch handed back before this one commits first.
    if (before && !(await before)) return 'lost';
    deps.hook.onBatchHandled();
    if (!(await this.commit(batch, nextOffset, scope, lost))) return 'lost';
    if (!onRead) ctx.resolveOffset(String(nextOffset - 1));
    deps.lag.recordCommit(tpKey(batch.topic, batch.partition), nextOffset, high);
    deps.metrics.batchRecords.observe(count);
    deps.metrics.consumed.inc({ topic: logical }, count);
    return 'committed';
  }

  /**
   * Commits `nextOffset` (retried until done or the partition is lost): the offsets alone, or
   * with the batch's dead letters in one transaction (kafka-transactions.ts).
   */
  private async commit(batch: Batch, nextOffset: number, scope: BatchScope, lost: () => boolean): Promise<boolean> {
    const { consumer, committer, hook, metrics } = this.deps;
    const kind = scope.letters.length > 0 ? 'transaction' : 'offsets';
    const end = metrics.commitSeconds.startTimer({ kind });
    const ok = await this.deps.retry('commit', lost, async () => {
      if (kind === 'offsets')
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(nextOffset) }]);
      else
        await committer.commit({
          topic: batch.topic,
          partition: batch.partition,
          nextOffset,
          letters: scope.letters,
          onMidTransaction: () => hook.onMidTransaction(),
        });
    });
    if (ok) end();
    return ok;
  }
}

/** What a batch's tail carries besides the kafkajs payload. */
interface TailState {
  key: string;
  /** Generation the batch started under. */
  joined: number;
  lost: () => boolean;
  /** The partition's previous tail. */
  before: Promise<boolean> | undefined;
  beat: NodeJS.Timeout;
  handBack: () => void;
}
