import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { ConsumedBatch } from '../../platform/event-log/types.ts';
import type { DeadLetter, DeadLetterStore } from '../../schemas/dead-letter.ts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { insertTsv } from '../../platform/clickhouse.ts';
import { rowsRefusedReason } from '../../platform/clickhouse-errors.ts';
import type { LogRecordV1 } from '../../schemas/events.ts';
import type { EventTimeWindow } from '../../schemas/event-time.ts';
import { createInsertCoalescer } from '../../storage/insert-coalescer.ts';
import { EVENT_COLUMNS, encodeBatch, type CountKey, type EncodeOptions, type Refused } from './count-batch.ts';
import { assessProgress, retryGapMs, type ProgressState } from './processor-health.ts';

export type { CountKey } from './count-batch.ts';

export interface CountProcessorDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  store: ClickHouseClient;
  deadLetters: DeadLetterStore;
  classify: (event: LogRecordV1['event']) => readonly string[];
  /**
   * The syndrome definitions version `classify` applies, stored with each event (migration 007).
   * Default the latest shipped, which the default `classifyEvent` applies.
   */
  definitionsVersion?: string;
  /** Told which cells changed once a batch is durable in the store. */
  onCountsChanged: (keys: CountKey[]) => void;
  /**
   * The log holds only records this process's ingest validated (the embedded log), so the
   * v1 contract need not be checked a second time per event; a record that is not JSON is
   * still dead-lettered. Leave false for Kafka, where any producer may write.
   */
  trustedLog?: boolean;
  /** How far an event time may lie from its record's received_at; default DEFAULT_EVENT_TIME_WINDOW. */
  eventTimeWindow?: Readonly<EventTimeWindow> | undefined;
  /** Backlog of the log this processor consumes (bytes of the embedded log, records of Kafka); default 0. */
  lag?: () => number;
  /**
   * A batch failing, or a backlog with no batch handled, for longer than this makes the
   * processor unhealthy (ms). Default 60 000: six retries at the longest backoff.
   */
  stallAfterMs?: number;
  /** Real time, for stall tracking (the domain `clock` may be accelerated, as in the demo). Default the system clock. */
  realClock?: Clock;
}

/** The processor's progress, for /healthz and /metrics. */
export interface CountProcessorHealth {
  ok: boolean;
  /** Why it is stuck (when not ok). */
  reason?: string;
  /** How long the longest failing batch or unhandled backlog has lasted. */
  stalledSeconds: number;
  /** Event-log backlog (bytes or records). */
  lag: number;
}

export interface CountProcessor {
  handle(batch: ConsumedBatch): Promise<void>;
  health(): CountProcessorHealth;
}

/**
 * Consumes event-log batches: classify, window by local day, write events to ClickHouse.
 * Counts follow from the `syndrome_counts` view, whose state is the exact set of event
 * identities, so a batch replayed after a crash (written, offset not yet committed) or a
 * resend changes nothing. A record that cannot be read or breaks the log-record contract
 * (schemas/topics.ts) is dead-lettered, never retried; so is one whose row the store refuses
 * (the batch is split to find it, the rest written). Its health: a batch failing or a backlog
 * not handled for `stallAfterMs` (processor-health.ts).
 */
export function createCountProcessor(deps: CountProcessorDeps): CountProcessor {
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

  const refusedByStore = new Counter({
    name: 'ews_processors_store_refused_total',
    help: 'Log records whose rows the store refused (found by splitting their batch), dead-lettered',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });
  const batchFailures = new Counter({
    name: 'ews_processors_batch_failures_total',
    help: 'Batch attempts that failed and will be retried',
    labelNames: ['topic'],
    registers: [deps.metrics],
  });

  const options: EncodeOptions = {
    classify: deps.classify,
    definitionsVersion: deps.definitionsVersion,
    trusted: deps.trustedLog ?? false,
    window: deps.eventTimeWindow,
  };
  const write = (body: Buffer) => insertTsv(deps.store, 'events', EVENT_COLUMNS, body);
  // Batches of partitions handled at the same time share INSERTs (fewer, larger parts); a
  // joined INSERT whose rows the engine refused is written again one batch at a time.
  const events = createInsertCoalescer({ write, isolate: (err) => rowsRefusedReason(err) !== undefined });

  /**
   * The records of `records` whose rows the store refuses, found by bisection after the store
   * refused their rows together; every other row is written meanwhile. Costs about two INSERTs
   * per level for each bad record, only on this path.
   */
  const splitRefused = async (records: ConsumedBatch['records'], reason: string, out: Refused[]): Promise<void> => {
    if (records.length === 1) {
      const rec = records[0]!;
      out.push({ offset: rec.offset, raw: rec.value, code: 'RECORD_REFUSED_BY_STORE', reason: `the store refused the row: ${reason}` });
      return;
    }
    const mid = records.length >>> 1;
    for (const half of [records.slice(0, mid), records.slice(mid)]) {
      // The encoder's own refusals are already known from the whole batch: only rows matter here.
      const { tsv, rows } = encodeBatch(half, options);
      if (rows === 0) continue;
      try {
        await write(tsv);
      } catch (err) {
        const refused = rowsRefusedReason(err);
        if (refused === undefined) throw err;
        await splitRefused(half, refused, out);
      }
    }
  };

  const handleBatch = async (batch: ConsumedBatch): Promise<void> => {
    const { topic, partition } = batch;
    const records = batch.records.length;
    // Only the rows' bytes are held while the INSERT runs (the coalescer lets go of them).
    const { tsv, rows, refused, changed } = encodeBatch(batch.records, options);
    const end = writeSeconds.startTimer();
    const storeRefused: Refused[] = [];
    try {
      if (rows > 0) await events.insert(tsv);
    } catch (err) {
      // Rows the engine refuses would be refused on every retry: find them, write the rest.
      const reason = rowsRefusedReason(err);
      if (reason === undefined) throw new AppError('STORE_UNAVAILABLE', 'writing events to ClickHouse failed', { cause: err });
      try {
        await splitRefused(batch.records, reason, storeRefused);
      } catch (splitErr) {
        throw new AppError('STORE_UNAVAILABLE', 'writing events to ClickHouse failed', { cause: splitErr });
      }
      deps.log.warn(
        { topic, partition, refused: storeRefused.length, reason },
        'store refused rows of a batch: dead-lettered, the rest written',
      );
    }
    end();
    const letters: DeadLetter[] = [...refused, ...storeRefused].map((r) => ({
      source: `${topic}/${partition}/${r.offset}`,
      reason_code: r.code,
      reason: r.reason,
      raw: r.raw,
    }));
    if (letters.length > 0) {
      await deps.deadLetters.record(letters, deps.clock.now());
      poison.inc({ topic }, letters.length);
      if (storeRefused.length > 0) refusedByStore.inc({ topic }, storeRefused.length);
    }
    processed.inc({ topic }, rows - storeRefused.length);
    batchSize.observe(records);
    deps.log.debug({ topic, records, cells: changed.length }, 'batch processed');
    deps.onCountsChanged(changed);
  };

  // Stall tracking (real time): what the batches did, assessed by processor-health.ts.
  const real = deps.realClock ?? systemClock;
  const stallAfterMs = deps.stallAfterMs ?? 60_000;
  const lag = deps.lag ?? (() => 0);
  const failing = new Map<string, { sinceMs: number; lastAttemptMs: number; reason: string }>();
  const progress: ProgressState = { failing, lastActivityMs: real.now(), backlogSeenMs: undefined };
  const health = (): CountProcessorHealth => {
    const backlog = lag();
    const now = real.now();
    const h = assessProgress(progress, backlog, now, stallAfterMs);
    progress.backlogSeenMs = h.backlogSeenMs;
    // Partitions no longer retried here (moved to another consumer) are forgotten.
    for (const [k, f] of failing) if (now - f.lastAttemptMs > retryGapMs(stallAfterMs)) failing.delete(k);
    return { ok: h.ok, ...(h.reason === undefined ? {} : { reason: h.reason }), stalledSeconds: h.stalledMs / 1000, lag: backlog };
  };
  new Gauge({
    name: 'ews_processors_lag',
    help: 'Event-log backlog the count processor has not handled: bytes (embedded log) or records (Kafka)',
    registers: [deps.metrics],
    collect() {
      this.set(lag());
    },
  });
  new Gauge({
    name: 'ews_processors_stalled_seconds',
    help: 'How long the longest failing batch, or a backlog with no batch handled, has lasted; 0 when progressing',
    registers: [deps.metrics],
    collect() {
      this.set(health().stalledSeconds);
    },
  });

  return {
    async handle(batch) {
      const key = `${batch.topic}/${batch.partition}`;
      progress.lastActivityMs = real.now();
      try {
        await handleBatch(batch);
      } catch (err) {
        const now = real.now();
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
        const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n', 1)[0]!.slice(0, 300);
        failing.set(key, { sinceMs: failing.get(key)?.sinceMs ?? now, lastAttemptMs: now, reason });
        progress.lastActivityMs = now;
        batchFailures.inc({ topic: batch.topic });
        throw err;
      }
      failing.delete(key);
      progress.lastActivityMs = real.now();
    },
    health,
  };
}
