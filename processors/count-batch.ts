import type { LogRecordV1 } from '../schemas/events.ts';
import { parseLogRecord, parseTrustedLogRecord } from '../schemas/topics.ts';
import { dayString, localDayNumber, timestampMs } from './window.ts';
import { TsvRows, tsvArray, tsvNumber, tsvString } from '../storage/tsv.ts';

/** Columns of `events` in the order `encodeBatch` writes them. */
export const EVENT_COLUMNS: readonly string[] = [
  'hospital_id',
  'event_id',
  'schema',
  'occurred_at',
  'day',
  'commune_code',
  'patient_key',
  'sex',
  'age_years',
  'setting',
  'diagnoses',
  'chief_complaint',
  'temperature_c',
  'test_code',
  'result',
  'syndromes',
  'received_at',
  'log_offset',
];

/** A (syndrome, commune, day) cell whose count may have changed. */
export interface CountKey {
  syndrome: string;
  commune_code: string;
  day: string;
}

/** A record of the batch that cannot be counted: poison, for the dead-letter store. */
export interface Refused {
  /** Offset of the record in its partition. */
  offset: number;
  /** The record as read. */
  raw: string;
  code: 'RECORD_UNREADABLE' | 'RECORD_INVALID';
  reason: string;
}

export interface EncodedBatch {
  /** The countable records as `events` rows (EVENT_COLUMNS), TabSeparated UTF-8. */
  tsv: Buffer;
  rows: number;
  refused: Refused[];
  /** Cells whose counts the rows may change, each once. */
  changed: CountKey[];
}

export interface EncodeOptions {
  classify: (event: LogRecordV1['event']) => readonly string[];
  /**
   * The records were validated by this process's own ingest (the embedded log): parse JSON
   * only, without checking the v1 contract a second time.
   */
  trusted: boolean;
}

const NONE: readonly string[] = [];

/**
 * The per-record work of counting, pure: read each log record (JSON, the v1 contract unless
 * trusted), window it by local day, classify it, and encode it as an `events` row.
 */
export function encodeBatch(records: readonly { value: string; offset: number }[], options: EncodeOptions): EncodedBatch {
  // A row takes about as many bytes as its record's JSON: start there, grow if need be.
  let size = 0;
  for (const rec of records) size += rec.value.length;
  const rows = new TsvRows(Math.max(64 * 1024, size));
  const refused: Refused[] = [];
  const changed = new Map<string, CountKey>();
  for (const rec of records) {
    // A record that is not JSON or breaks the topic's v1 contract (schemas/topics.ts) is
    // poison: refused with its reason, never retried, so it cannot block the log.
    let read = options.trusted ? parseTrustedLogRecord(rec.value) : parseLogRecord(rec.value);
    // A trusted record is not re-checked: one without a readable event time is poison all the same.
    const occurredAt: unknown = read.ok ? (read.record.event as Partial<LogRecordV1['event']> | undefined)?.occurred_at : undefined;
    const occurredMs = typeof occurredAt === 'string' ? timestampMs(occurredAt) : Number.NaN;
    if (read.ok && Number.isNaN(occurredMs))
      read = { ok: false, code: 'RECORD_INVALID', reason: `event.occurred_at: not a timestamp: ${String(occurredAt)}` };
    if (!read.ok) {
      refused.push({ offset: rec.offset, raw: rec.value, code: read.code, reason: read.reason });
      continue;
    }
    const parsed = read.record;
    const ev = parsed.event;
    const day = dayString(localDayNumber(occurredMs));
    const syndromes = options.classify(ev);
    const enc = ev.schema === 'ews.encounter.v1' ? ev : undefined;
    const lab = ev.schema === 'ews.lab.v1' ? ev : undefined;
    // Column order of EVENT_COLUMNS; one template per row (no per-row array to join).
    rows.push(
      `${tsvString(ev.hospital_id)}\t${tsvString(ev.event_id)}\t${ev.schema}\t${timeField(ev.occurred_at, occurredMs)}\t${day}\t${ev.commune_code}\t${tsvString(ev.patient_key)}\t${ev.sex}\t${tsvNumber(ev.age_years)}\t${enc?.setting ?? ''}\t${tsvArray(enc?.diagnoses ?? NONE)}\t${tsvString(enc?.chief_complaint ?? '')}\t${tsvNumber(enc?.temperature_c)}\t${lab?.test_code ?? ''}\t${lab?.result ?? ''}\t${tsvArray(syndromes)}\t${timeField(parsed.received_at, timestampMs(parsed.received_at))}\t${rec.offset}\n`,
    );
    for (const syndrome of syndromes) {
      const k = `${syndrome}|${ev.commune_code}|${day}`;
      if (!changed.has(k)) changed.set(k, { syndrome, commune_code: ev.commune_code, day });
    }
  }
  return { tsv: rows.bytes(), rows: rows.rows, refused, changed: [...changed.values()] };
}

/**
 * A DateTime64(3) field: seconds since the epoch with milliseconds (the engine parses that in
 * half the time of an ISO date-time with an offset, ~1 µs per event less for the two fields);
 * the text as given when it was not read or lies before 1970 (the engine reads it best-effort).
 */
function timeField(text: string, ms: number): string {
  if (!(ms >= 0)) return text;
  const milli = ms % 1000;
  return `${(ms - milli) / 1000}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}`;
}
