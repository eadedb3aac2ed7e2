/**
 * The event log between ingest and processors: Kafka in production, an embedded durable log
 * by default. Same interface, two implementations.
 */
export interface LogRecord {
  /** Partitioning key (commune code): one key's records stay in order. */
  key: string;
  /** Serialized record (JSON text). */
  value: string;
}

export interface ConsumedRecord extends LogRecord {
  topic: string;
  partition: number;
  /** Position of this record; committing `nextOffset` of a batch acknowledges it. */
  offset: number;
  /**
   * Kafka only: the record's headers, names lower-cased, values as UTF-8 text (the first of a
   * repeated header). Absent for a record of the embedded log, which has no headers.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Kafka only: the value's bytes as received (`value` is their UTF-8 decoding, which folds invalid bytes to U+FFFD). */
  readonly bytes?: Buffer;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** Offset to commit once the batch's effects are durable. */
  nextOffset: number;
}

export interface EventLog {
  /** Appends records; resolves only once they are durable (fsync or broker ack). */
  append(topic: string, records: readonly LogRecord[]): Promise<void>;
  /**
   * Runs `handler` on batches of a consumer group until `close()`. The batch's offset is
   * committed only after the handler resolves; a handler that throws retriable errors is
   * retried on the same batch with backoff, so nothing is skipped.
   */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

export interface SubscribeOptions {
  topics: readonly string[];
  group: string;
  maxBatchRecords?: number;
  /** Wait for at least this many bytes before handling a batch (embedded log; default 1 MiB)… */
  minBatchBytes?: number;
  /** …but never longer than this (ms, default 500). */
  maxWaitMs?: number;
  handler: (batch: ConsumedBatch) => Promise<void>;
}

export interface Subscription {
  /** Offsets not yet committed across the subscription's partitions. */
  lag(): number;
  close(): Promise<void>;
}
