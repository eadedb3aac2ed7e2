import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConsumedBatch } from '../platform/event-log/types.ts';
import type { DeadLetter, DeadLetterStore } from '../schemas/dead-letter.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { insertTsv } from '../platform/clickhouse.ts';
import type { LogRecordV1 } from '../schemas/events.ts';
import { createInsertCoalescer } from '../storage/insert-coalescer.ts';
import { EVENT_COLUMNS, encodeBatch, type CountKey } from './count-batch.ts';

export type { CountKey } from './count-batch.ts';

export interface CountProcessorDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  store: ClickHouseClient;
  deadLetters: DeadLetterStore;
  classify: (event: LogRecordV1['event']) => readonly string[];
  /** Told which cells changed once a batch is durable in the store. */
  onCountsChanged: (keys: CountKey[]) => void;
  /**
   * The log holds only records this process's ingest validated (the embedded log), so the
   * v1 contract need not be checked a second time per event; a record that is not JSON is
   * still dead-lettered. Leave false for Kafka, where any producer may write.
   */
  trustedLog?: boolean;
}

/**
 * Consumes event-log batches: classify, window by local day, write events to ClickHouse.
 * Counts follow from the `syndrome_counts` view, whose state is the exact set of event
 * identities, so a batch replayed after a crash (written, offset not yet committed) or a
 * resend changes nothing. A record that cannot be read or breaks the log-record contract
 * (schemas/topics.ts) is dead-lettered, never retried.
 */
export function createCountProcessor(deps: CountProcessorDeps) {
  const processed = new Counter({
    name: 'ews_processors_events_processed_total',
    help: 'Events classified and written to the store',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });
  const poison = new Counter({
    name: 'ews_processors_events_deadlettered_total',
    help: 'Log records that could not be read and went to the dead-letter store',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });
  const batchSize = new Histogram({
    name: 'ews_processors_batch_records',
    help: 'Records per processed batch',
    buckets: [1, 10, 100, 500, 1000, 5000, 20000, 50000],
    registers: [deps.metrics],
  });
  const writeSeconds = new Histogram({
    name: 'ews_processors_store_write_seconds',
    help: 'Time to write one batch to the store',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [deps.metrics],
  });

  const trusted = deps.trustedLog ?? false;
  // Batches of partitions handled at the same time share INSERTs (fewer, larger parts).
  const events = createInsertCoalescer({ write: (body) => insertTsv(deps.store, 'events', EVENT_COLUMNS, body) });

  return {
    async handle(batch: ConsumedBatch): Promise<void> {
      const { topic, partition } = batch;
      const records = batch.records.length;
      // Only the rows' bytes are held while the INSERT runs (the coalescer lets go of them).
      const { tsv, rows, refused, changed } = encodeBatch(batch.records, { classify: deps.classify, trusted });
      const letters: DeadLetter[] = refused.map((r) => ({
        source: `${topic}/${partition}/${r.offset}`,
        reason_code: r.code,
        reason: r.reason,
        raw: r.raw,
      }));
      const end = writeSeconds.startTimer();
      try {
        if (rows > 0) await events.insert(tsv);
      } catch (err) {
        throw new AppError('STORE_UNAVAILABLE', 'writing events to ClickHouse failed', { cause: err });
      }
      end();
      if (letters.length > 0) {
        await deps.deadLetters.record(letters, deps.clock.now());
        poison.inc({ topic }, letters.length);
      }
      processed.inc({ topic }, rows);
      batchSize.observe(records);
      deps.log.debug({ topic, records, cells: changed.length }, 'batch processed');
      deps.onCountsChanged(changed);
    },
  };
}
