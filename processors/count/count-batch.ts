import type { LogRecordV1 } from '../../schemas/events.ts';
import { latestDefinitions } from '../../schemas/code-tables/definitions.ts';
import { parseLogRecord, parseTrustedLogRecord } from '../../schemas/topics.ts';
import { DEFAULT_EVENT_TIME_WINDOW, STORABLE_MS, eventTimeProblem, type EventTimeWindow } from '../../schemas/event-time.ts';
import { dayString, localDayNumber, timestampMs } from './window.ts';
import { TsvRows, tsvArray, tsvNumber, tsvString } from '../../storage/tsv.ts';

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
  'definitions_version',
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
  /** Not JSON; breaks the contract (times included); or its row was refused by the store (count-processor.ts). */
  code: 'RECORD_UNREADABLE' | 'RECORD_INVALID' | 'RECORD_REFUSED_BY_STORE';
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
   * The syndrome definitions version `classify` applies (`v1`, …), stored with each row
   * (migration 007). Default the latest shipped, which the default `classifyEvent` applies.
   */
  definitionsVersion?: string | undefined;
  /**
   * The records were validated by this process's own ingest (the embedded log): parse JSON
   * only, without checking the v1 contract a second time.
   */
  trusted: boolean;
  /**
   * How far an event time may lie from its record's `received_at` (schemas/event-time.ts);
   * default DEFAULT_EVENT_TIME_WINDOW (3650 days back, 1 day ahead).
   */
  window?: Readonly<EventTimeWindow> | undefined;
}

/**
 * Local days the `events.day` column (Date: days since 1970 in a UInt16) can hold, 1970-01-01 …
 * 2149-06-06. The engine moves a day outside them to the nearest end without a word, so an
 * event on such a day is refused instead of counted on the wrong day.
 */
export const STORABLE_DAYS = Object.freeze({ min: 0, max: 65_535 });

/** Longest part of a refused value quoted in a reason. */
const QUOTE_CAP = 200;

const NONE: readonly string[] = [];

/**
 * The denominator of telehealth consultations (setting `telehealth`): each such encounter also
 * counts in it, beside `_visits` and its syndromes (schemas/code-tables/syndrome-names.ts). It
 * rides in the event's `syndromes` column, so every reader that counts that column (the
 * counts view of migration 001, the finalizer, trends) counts it without a change.
 */
export const TELEHEALTH_VISITS = '_visits_telehealth';
/** An enum or code the v1 contract has already checked: no tab, newline or backslash in it. */
const asChecked = (s: string): string => s;

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
  const window = options.window ?? DEFAULT_EVENT_TIME_WINDOW;
  // The v1 contract's enums and codes (schema, commune, sex, setting, LOINC, result) need no
  // escaping once checked; a trusted record's were not checked here, so they are escaped.
  // Ids and free text may hold a backslash: always escaped.
  const checked = options.trusted ? tsvString : asChecked;
  const version = tsvString(options.definitionsVersion ?? latestDefinitions().version);
  for (const rec of records) {
    // A record that is not JSON or breaks the topic's v1 contract (schemas/topics.ts) is
    // poison: refused with its reason, never retried, so it cannot block the log.
    const read = options.trusted ? parseTrustedLogRecord(rec.value) : parseLogRecord(rec.value);
    if (!read.ok) {
      refused.push({ offset: rec.offset, raw: rec.value, code: read.code, reason: read.reason });
      continue;
    }
    const parsed = read.record;
    // A trusted record is not re-checked: one without readable times is poison all the same.
    const occurredAt: unknown = (parsed.event as Partial<LogRecordV1['event']> | undefined)?.occurred_at;
    const receivedAt: unknown = parsed.received_at;
    const occurredMs = typeof occurredAt === 'string' ? timestampMs(occurredAt) : Number.NaN;
    const receivedMs = typeof receivedAt === 'string' ? timestampMs(receivedAt) : Number.NaN;
    const dayNumber = localDayNumber(occurredMs);
    // Every instant the contract admits (years 0000–9999, any offset) is either refused here
    // or one the store holds as it is: no row the engine would refuse or silently move.
    const timeProblem = eventTimeRefusal(occurredAt, occurredMs, receivedAt, receivedMs, dayNumber, window);
    if (timeProblem !== undefined) {
      refused.push({ offset: rec.offset, raw: rec.value, code: 'RECORD_INVALID', reason: timeProblem });
      continue;
    }
    const ev = parsed.event;
    const day = dayString(dayNumber);
    try {
      const classified = options.classify(ev);
      const enc = ev.schema === 'ews.encounter.v1' ? ev : undefined;
      const syndromes = enc?.setting === 'telehealth' ? [...classified, TELEHEALTH_VISITS] : classified;
      const lab = ev.schema === 'ews.lab.v1' ? ev : undefined;
      // Column order of EVENT_COLUMNS; one template per row (no per-row array to join). One
      // record must make exactly one line: ids and free text are always escaped, the
      // contract's enums and codes only when they were not checked (`checked`).
      rows.push(
        `${tsvString(ev.hospital_id)}\t${tsvString(ev.event_id)}\t${checked(ev.schema)}\t${dateTime64Field(occurredMs)}\t${day}\t${checked(ev.commune_code)}\t${tsvString(ev.patient_key)}\t${checked(ev.sex)}\t${tsvNumber(ev.age_years)}\t${checked(enc?.setting ?? '')}\t${tsvArray(enc?.diagnoses ?? NONE)}\t${tsvString(enc?.chief_complaint ?? '')}\t${tsvNumber(enc?.temperature_c)}\t${checked(lab?.test_code ?? '')}\t${checked(lab?.result ?? '')}\t${tsvArray(syndromes)}\t${dateTime64Field(receivedMs)}\t${rec.offset}\t${version}\n`,
      );
      // Changed cells are what detection evaluates: the classified series, not the denominator
      // (as `_visits`, which the counts view adds, is not one either).
      for (const syndrome of classified) {
        const k = `${syndrome}|${ev.commune_code}|${day}`;
        if (!changed.has(k)) changed.set(k, { syndrome, commune_code: ev.commune_code, day });
      }
    } catch (err) {
      // Only a trusted record (fields not checked) can get here, e.g. with a field of the wrong
      // type: poison like any other, rather than an error that would stop the whole batch.
      refused.push({
        offset: rec.offset,
        raw: rec.value,
        code: 'RECORD_INVALID',
        reason: `log record cannot be encoded: ${quote(String(err))}`,
      });
    }
  }
  return { tsv: rows.bytes(), rows: rows.rows, refused, changed: [...changed.values()] };
}

/**
 * Why a record's times cannot be counted (undefined when they can): unreadable, outside what
 * the store holds, or an event time implausibly far from the time it was received. Arithmetic
 * on the instants already read; a string is built only for a refusal.
 */
function eventTimeRefusal(
  occurredAt: unknown,
  occurredMs: number,
  receivedAt: unknown,
  receivedMs: number,
  dayNumber: number,
  window: Readonly<EventTimeWindow>,
): string | undefined {
  if (Number.isNaN(occurredMs)) return `event.occurred_at: not a timestamp: ${quote(String(occurredAt))}`;
  if (!(receivedMs >= STORABLE_MS.min && receivedMs < STORABLE_MS.max)) {
    return Number.isNaN(receivedMs)
      ? `received_at: not a timestamp: ${quote(String(receivedAt))}`
      : `received_at: ${quote(String(receivedAt))} lies outside the years 1900–2299`;
  }
  const problem = eventTimeProblem(occurredMs, receivedMs, window);
  if (problem !== undefined) return `event.occurred_at: ${quote(String(occurredAt))} ${problem}`;
  if (dayNumber < STORABLE_DAYS.min || dayNumber > STORABLE_DAYS.max) {
    return `event.occurred_at: ${quote(String(occurredAt))} falls on local day ${dayString(dayNumber)}, outside the days the store counts (1970-01-01 … 2149-06-06)`;
  }
  return undefined;
}

function quote(s: string): string {
  return s.length > QUOTE_CAP ? `${s.slice(0, QUOTE_CAP)}… (${s.length} characters)` : s;
}

/**
 * A DateTime64(3) field of an instant in the store's range (STORABLE_MS). Seconds since the
 * epoch with milliseconds where the engine reads them as such (the engine parses that in half
 * the time of a date-time text, ~1 µs per event less for the two fields): only with 9 or 10
 * integer digits, 1973-03-03T09:46:40Z … 2286-11-20T17:46:39.999Z; with fewer it refuses them
 * or reads them as a date, with more it refuses them. Any other instant as UTC text
 * `YYYY-MM-DD hh:mm:ss.sss`, which every input format of the engine reads in the column's
 * time zone (UTC). Exported for the round-trip tests.
 */
export function dateTime64Field(ms: number): string {
  if (ms >= 100_000_000_000 && ms < 10_000_000_000_000) {
    const milli = ms % 1000;
    return `${(ms - milli) / 1000}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}`;
  }
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
