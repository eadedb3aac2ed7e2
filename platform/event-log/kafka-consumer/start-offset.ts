import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { committedOffsets, tpKey } from '../kafka-topics.ts';
import type { TransactionalCommitter } from '../kafka-transactions.ts';
import type { GroupState } from './group-state.ts';
import type { BatchRetrier } from './retrier.ts';

export interface StartOffsetDeps {
  admin: Admin;
  consumer: Pick<Consumer, 'seek'>;
  committer: Pick<TransactionalCommitter, 'ready'>;
  groupState: GroupState;
  group: string;
  retry: BatchRetrier;
  log: Logger;
}

/**
 * kafkajs reads the committed offset at assignment without KIP-447's requireStable, so it can
 * miss offsets the previous owner committed in a transaction whose markers were still being
 * written, and replay that batch (its dead letters twice). Before the first batch of a newly
 * assigned partition: wait until the partition's transactional id is initialised (the broker
 * completes the previous owner's transaction first), read the committed offset again, and if
 * it is past this batch, seek there instead of handling the batch (`skipped`).
 */
export class StartOffsetCheck {
  constructor(private readonly deps: StartOffsetDeps) {}

  /** `ok`: handle the batch; `lost`: the partition was lost first; `skipped`: sought past it. */
  async verify(topic: string, partition: number, firstOffset: number, lost: () => boolean): Promise<'ok' | 'lost' | 'skipped'> {
    const { groupState, committer, admin, group, log } = this.deps;
    const k = tpKey(topic, partition);
    if (!groupState.needsStartCheck(k)) return 'ok';
    let offset = -1;
    const ok = await this.deps.retry('commit', lost, async () => {
      await committer.ready(topic, partition);
      offset = (await committedOffsets(admin, group, [topic])).get(k) ?? -1;
    });
    if (!ok) return 'lost';
    groupState.startChecked(k);
    if (offset <= firstOffset) return 'ok';
    log.info(
      { topic, partition, fetched: firstOffset, committed: offset },
      'offset committed by the previous owner arrived late; skipping to it',
    );
    this.deps.consumer.seek({ topic, partition, offset: String(offset) });
    return 'skipped';
  }
}
