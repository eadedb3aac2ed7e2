import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConsumedBatch } from '../platform/event-log/types.ts';
import type { DeadLetter, DeadLetterStore } from '../platform/dead-letter.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import type { LogRecordV1 } from '../schemas/events.ts';
import { parseLogRecord } from '../schemas/topics.ts';
import { localDay } from './window.ts';
import { TsvRows, tsvArray, tsvNumber, tsvString } from '../storage/tsv.ts';
import { insertTsv } from '../platform/clickhouse.ts';
import { createInsertCoalescer } from '../storage/insert-coalescer.ts';

const NONE: readonly string[] = [];

const EVENT_COLUMNS: readonly string[] = [
  'hospital_id', 'event_id', 'schema', 'occurred_at', 'day', 'commune_code', 'patient_key', 'sex', 'age_years', 'setting',
  'diagnoses', 'chief_complaint', 'temperature_c', 'test_code', 'result', 'syndromes', 'received_at', 'log_offset',
];

/** A (syndrome, commune, day) cell whose count may have changed. */
export interface CountKey {
  syndrome: string;
  commune_code: string;
  day: string;
}

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

  // Batches of partitions handled at the same time share INSERTs (fewer, larger parts).
  const events = createInsertCoalescer({
    write: (body) => insertTsv(deps.store, 'events', EVENT_COLUMNS, body),
  });

  return {
    async handle(batch: ConsumedBatch): Promise<void> {
      const rows = new TsvRows();
      const { topic } = batch;
      const records = batch.records.length;
      const letters: DeadLetter[] = [];
      const changed = new Map<string, CountKey>();
      for (const rec of batch.records) {
        // A record that is not JSON or breaks the topic's v1 contract (schemas/topics.ts) is
        // poison: dead-lettered with its reason, never retried, so it cannot block the log.
        let read = deps.trustedLog ? readTrusted(rec.value) : parseLogRecord(rec.value);
        let day = '';
        if (read.ok) {
          try {
            day = localDay(read.record.event.occurred_at);
          } catch (err) {
            // Only reachable for trusted records (not re-checked here): an unreadable time is poison.
            read = { ok: false, code: 'RECORD_INVALID', reason: `event.occurred_at: ${(err as Error).message}` };
          }
        }
        if (!read.ok) {
          letters.push({ source: `${batch.topic}/${batch.partition}/${rec.offset}`, reason_code: read.code, reason: read.reason, raw: rec.value });
          continue;
        }
        const parsed: LogRecordV1 = read.record;
        const ev = parsed.event;
        const syndromes = deps.classify(ev);
        const enc = ev.schema === 'ews.encounter.v1' ? ev : undefined;
        const lab = ev.schema === 'ews.lab.v1' ? ev : undefined;
        // Column order of EVENT_COLUMNS; one template per row (no per-row array to join).
        rows.push(`${tsvString(ev.hospital_id)}\t${tsvString(ev.event_id)}\t${ev.schema}\t${ev.occurred_at}\t${day}\t${ev.commune_code}\t${tsvString(ev.patient_key)}\t${ev.sex}\t${tsvNumber(ev.age_years)}\t${enc?.setting ?? ''}\t${tsvArray(enc?.diagnoses ?? NONE)}\t${tsvString(enc?.chief_complaint ?? '')}\t${tsvNumber(enc?.temperature_c)}\t${lab?.test_code ?? ''}\t${lab?.result ?? ''}\t${tsvArray(syndromes)}\t${parsed.received_at}\t${rec.offset}\n`);
        for (const syndrome of syndromes) {
          const k = `${syndrome}|${ev.commune_code}|${day}`;
          if (!changed.has(k)) changed.set(k, { syndrome, commune_code: ev.commune_code, day });
        }
      }
      const end = writeSeconds.startTimer();
      try {
        if (rows.rows > 0) await events.insert(rows.bytes());
      } catch (err) {
        throw new AppError('STORE_UNAVAILABLE', 'writing events to ClickHouse failed', { cause: err });
      }
      end();
      if (letters.length > 0) {
        await deps.deadLetters.record(letters, deps.clock.now());
        poison.inc({ topic }, letters.length);
      }
      processed.inc({ topic }, rows.rows);
      batchSize.observe(records);
      deps.log.debug({ topic, records, cells: changed.size }, 'batch processed');
      deps.onCountsChanged([...changed.values()]);
    },
  };
}

/** JSON only, for records ingest validated itself before appending (see `trustedLog`). */
function readTrusted(text: string): ReturnType<typeof parseLogRecord> {
  try {
    return { ok: true, record: JSON.parse(text) as LogRecordV1 };
  } catch (err) {
    return { ok: false, code: 'RECORD_UNREADABLE', reason: `log record is not JSON: ${(err as Error).message}` };
  }
}
