/**
 * Group commit for INSERTs into one table. Consumers handle several partitions at once; each
 * batch inserted on its own makes one part per batch, and the engine spends more on the
 * parts (writing, then merging them) than on the rows: measured on chDB with 300,000 events,
 * 3,000-row inserts cost 7.5 s of engine CPU, 20,000-row inserts 3.1 s.
 *
 * So at most `maxInFlight` INSERTs run at a time, and the rows of every batch that arrives
 * meanwhile go into the next one, whose size thus follows the load: a lone batch is written
 * at once, a busy consumer's batches are written together. Each caller's promise settles with
 * the INSERT that carried its rows: resolved once they are stored, rejected with that
 * INSERT's error (the caller retries its batch; rows are idempotent in the store, see
 * schemas/migrations/001_init.sql). When the engine refused the rows of a joined INSERT
 * (`isolate`), one caller's bad rows must not fail the others' every time: each part is then
 * written again alone, and each caller learns the fate of its own rows.
 */
export interface InsertCoalescer {
  /** Adds rows (complete lines in the table's insert format). */
  insert(body: Buffer): Promise<void>;
}

export interface InsertCoalescerOptions {
  /** Writes one body of rows (the callers' bodies, concatenated). */
  write(body: Buffer): Promise<void>;
  /**
   * INSERTs in flight at most. Default 1: with the Kafka consumer's hand-back pipeline the
   * next batches are read meanwhile anyway, and one at a time makes the largest INSERTs.
   */
  maxInFlight?: number;
  /**
   * Failures after which a joined INSERT is written again one caller's part at a time (the
   * engine refused some rows: the other callers' parts may well be fine). Default: none, so a
   * store that is down fails every caller at once, without one more attempt per part.
   */
  isolate?: (err: unknown) => boolean;
}

interface Pending {
  bodies: Buffer[];
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

export function createInsertCoalescer(options: InsertCoalescerOptions): InsertCoalescer {
  const maxInFlight = options.maxInFlight ?? 1;
  let inFlight = 0;
  let pending: Pending | undefined;

  const flush = (): void => {
    if (!pending || inFlight >= maxInFlight) return;
    const { bodies, waiters } = pending;
    pending = undefined;
    inFlight++;
    // Only the joined body stays referenced while the INSERT runs; each part is a view of it.
    const body = bodies.length === 1 ? bodies[0]! : Buffer.concat(bodies);
    const ends: number[] = [];
    let end = 0;
    for (const b of bodies) ends.push((end += b.length));
    bodies.length = 0;
    options
      .write(body)
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (err: unknown) => {
          if (waiters.length > 1 && options.isolate?.(err)) return writeApart(body, ends, waiters);
          for (const w of waiters) w.reject(err);
          return undefined;
        },
      )
      .finally(() => {
        inFlight--;
        flush();
      });
  };

  // Each part of a refused joined INSERT on its own, one after the other (still one INSERT in
  // flight), settling each caller with its own part's result.
  const writeApart = async (body: Buffer, ends: readonly number[], waiters: Pending['waiters']): Promise<void> => {
    for (let k = 0; k < waiters.length; k++) {
      const w = waiters[k]!;
      await options.write(body.subarray(k === 0 ? 0 : ends[k - 1], ends[k])).then(w.resolve, w.reject);
    }
  };

  return {
    insert(body) {
      return new Promise<void>((resolve, reject) => {
        pending ??= { bodies: [], waiters: [] };
        pending.bodies.push(body);
        pending.waiters.push({ resolve, reject });
        flush();
      });
    },
  };
}
