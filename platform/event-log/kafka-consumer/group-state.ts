import { tpKey } from '../kafka-topics.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * This member's view of its consumer group: the generation (bumped on every join) and the
 * partitions assigned at the last join whose committed offset has not been checked yet
 * (see start-offset.ts).
 *
 * A batch records the generation it started under; once the group has joined again it is
 * dropped uncommitted (`isCurrent` false). kafkajs would commit it with the new generation,
 * even for a partition another member owns now, which could move the group's offset back
 * behind that member's progress; the partition's owner reads it again instead.
 */
export class GroupState {
  private joins = 0;
  private readonly unchecked = new Set<string>();

  /** The current generation, as counted by this member's joins. */
  get generation(): number {
    return this.joins;
  }

  /** The group joined again with this assignment (kafkajs GROUP_JOIN). */
  join(assigned: readonly TopicPartition[]): void {
    this.unchecked.clear();
    for (const a of assigned) this.unchecked.add(tpKey(a.topic, a.partition));
    this.joins++;
  }

  /** False once the group joined again after `generation`: work started under it is dropped. */
  isCurrent(generation: number): boolean {
    return generation === this.joins;
  }

  /** True until the committed offset of newly assigned partition `key` was checked. */
  needsStartCheck(key: string): boolean {
    return this.unchecked.has(key);
  }

  startChecked(key: string): void {
    this.unchecked.delete(key);
  }
}
