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
import { tsvArray, tsvNumber, tsvString } from '../storage/tsv.ts';

const EVENT_COLUMNS = [
  'hospital_id', 'event_id', 'schema', 'occurred_at', 'day', 'commune_code', 'patient_key', 'sex', 'age_years', 'setting',
  'diagnoses', 'chief_complaint', 'temperature_c', 'test_code', 'result', 'syndromes', 'received_at', 'log_offset',
].join(', ');

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

  return {
    async handle(batch: ConsumedBatch): Promise<void> {
      const lines: string[] = [];
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
            // The contract's date-time pattern admits a few impossible dates (2026-02-30).
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
        // Column order of EVENT_COLUMNS.
        lines.push(
          [
            tsvString(ev.hospital_id),
            tsvString(ev.event_id),
            ev.schema,
            ev.occurred_at,
            day,
            ev.commune_code,
            tsvString(ev.patient_key),
            ev.sex,
            tsvNumber(ev.age_years),
            enc?.setting ?? '',
            tsvArray(enc?.diagnoses ?? []),
            tsvString(enc?.chief_complaint ?? ''),
            tsvNumber(enc?.temperature_c),
            lab?.test_code ?? '',
            lab?.result ?? '',
            tsvArray(syndromes),
            parsed.received_at,
            String(rec.offset),
          ].join('\t'),
        );
        for (const syndrome of syndromes) {
          const k = `${syndrome}|${ev.commune_code}|${day}`;
          if (!changed.has(k)) changed.set(k, { syndrome, commune_code: ev.commune_code, day });
        }
      }
      const end = writeSeconds.startTimer();
      try {
        if (lines.length > 0) {
          await deps.store.command({ query: `INSERT INTO events (${EVENT_COLUMNS}) FORMAT TabSeparated\n${lines.join('\n')}\n` });
        }
      } catch (err) {
        throw new AppError('STORE_UNAVAILABLE', 'writing events to ClickHouse failed', { cause: err });
      }
      end();
      if (letters.length > 0) {
        await deps.deadLetters.record(letters, deps.clock.now());
        poison.inc({ topic: batch.topic }, letters.length);
      }
      processed.inc({ topic: batch.topic }, lines.length);
      batchSize.observe(batch.records.length);
      deps.log.debug({ topic: batch.topic, records: batch.records.length, cells: changed.size }, 'batch processed');
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
