/** Batches per partition handed back to kafkajs whose store write and commit may still run. */
export const PIPELINE_DEPTH = 2;

/**
 * Per partition, the chain of batches handed back to kafkajs whose store write and offset
 * commit (their "tail") still run, oldest first, and where reading must start again when a
 * tail ended without committing.
 *
 * kafkajs fetches again only once every batch of the last fetch was handed back, and with one
 * broker it does not fetch while batches are handled. So a batch is handed back as soon as its
 * records are read, and its tail goes on while the next fetches are under way. Each partition
 * has at most `PIPELINE_DEPTH` tails, so memory stays bounded; a tail commits only after the
 * one before it committed (the runner awaits `newest()` taken before it joined the chain), so
 * commits stay in offset order (2 rather than 1: +15 % events/s on the bench, inserts coalesce
 * better). When a tail ends without committing, the tails after it do not commit either, later
 * batches of that partition are refused, and the partition is read again from the earliest
 * uncommitted batch (`resumePoint`): an offset is never committed past records whose effects
 * are not in the store.
 */
export class PartitionPipeline {
  /** Per partition key: the tails, oldest first; each resolves true once committed. */
  private readonly tails = new Map<string, Promise<boolean>[]>();
  /** Per partition key: the first offset of the earliest batch handed back but not committed. */
  private readonly resumeAt = new Map<string, number>();

  constructor(private readonly depth = PIPELINE_DEPTH) {}

  /** True while partition `key` has `depth` tails running: the next batch waits for `oldest`. */
  isFull(key: string): boolean {
    const chain = this.tails.get(key);
    return chain !== undefined && chain.length >= this.depth;
  }

  /** The oldest tail of partition `key` (settles when it committed or gave up). */
  oldest(key: string): Promise<boolean> | undefined {
    return this.tails.get(key)?.[0];
  }

  /** The newest tail of partition `key`: the next batch commits only once it resolved true. */
  newest(key: string): Promise<boolean> | undefined {
    const chain = this.tails.get(key);
    return chain?.[chain.length - 1];
  }

  /** Adds a batch's tail to its partition's chain; it leaves the chain once settled. */
  add(key: string, tail: Promise<boolean>): void {
    const chain = this.tails.get(key);
    if (chain) chain.push(tail);
    else this.tails.set(key, [tail]);
    void tail.then(() => this.remove(key, tail));
  }

  /** Where partition `key` must be read from again, if a handed-back batch lost its commit. */
  resumePoint(key: string): number | undefined {
    return this.resumeAt.get(key);
  }

  /** Reading has come back to the resume point of partition `key`. */
  resumed(key: string): void {
    this.resumeAt.delete(key);
  }

  /**
   * The batch of partition `key` starting at `offset` was handed back but not committed: read
   * the partition again from there, unless an earlier batch is already the resume point.
   */
  uncommitted(key: string, offset: number): void {
    if (!(offset > (this.resumeAt.get(key) ?? Infinity))) this.resumeAt.set(key, offset);
  }

  /** A new assignment reads from the group's committed offsets again (kafkajs resets its positions on every join). */
  forgetResumePoints(): void {
    this.resumeAt.clear();
  }

  private remove(key: string, tail: Promise<boolean>): void {
    const chain = this.tails.get(key);
    if (!chain) return;
    // Tails may settle out of order (a lost one ends before the one it waits for).
    const rest = chain.filter((t) => t !== tail);
    if (rest.length > 0) this.tails.set(key, rest);
    else this.tails.delete(key);
  }
}
