import type { ClickHouseClient } from '../platform/clickhouse.ts';

/** Rows per page of dead letters: default and most. */
export const DEAD_LETTER_PAGE = Object.freeze({ default: 100, max: 1000 });

/** Which dead letters to read; every filter is optional. */
export interface DeadLetterQuery {
  source?: string | undefined;
  reason_code?: string | undefined;
  hospital_id?: string | undefined;
  /** Only letters of these hospitals (a caller's jurisdiction); undefined: every hospital, and letters of none. */
  hospitals?: readonly string[] | undefined;
  /** Received at or after this instant (epoch ms). */
  from?: number | undefined;
  /** Received before this instant (epoch ms). */
  to?: number | undefined;
  /** Rows per page, 1–DEAD_LETTER_PAGE.max. Default DEAD_LETTER_PAGE.default. */
  limit?: number | undefined;
  /** The `next` of the previous page: rows after it. */
  after?: string | undefined;
}

/** One dead letter as read back. */
export interface DeadLetterRead {
  id: string;
  /** RFC 3339, UTC, milliseconds. */
  received_at: string;
  source: string;
  reason_code: string;
  reason: string;
  hospital_id: string;
  event_id: string;
  /** The structured reason (JSON), or null when none was stored. */
  details: unknown;
  /** The bytes received: as text when they are UTF-8, else base64 (see raw_encoding). */
  raw: string;
  raw_encoding: 'utf8' | 'base64';
  /** Size of the whole payload received; raw holds at most its first 64 KiB. */
  raw_bytes: number;
  raw_truncated: boolean;
}

export interface DeadLetterPage {
  rows: DeadLetterRead[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/** Thrown for a cursor this module did not write. */
export class DeadLetterCursorError extends Error {
  constructor(cursor: string) {
    super(`not a dead-letter cursor: ${cursor.slice(0, 80)}`);
    this.name = 'DeadLetterCursorError';
  }
}

const CURSOR = /^(\d{1,16})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A page cursor: the (received_at ms, id) of the last row of a page. */
export function parseDeadLetterCursor(cursor: string): { ms: number; id: string } {
  const m = CURSOR.exec(cursor);
  if (!m) throw new DeadLetterCursorError(cursor);
  return { ms: Number(m[1]), id: m[2]! };
}

/** The read side of the `dead_letters` table (the write side is storage/dead-letters.ts). */
export interface DeadLetterReader {
  /** One page of dead letters, oldest first; see readDeadLetters. */
  read(q: DeadLetterQuery): Promise<DeadLetterPage>;
}

export function createDeadLetterReader(client: ClickHouseClient): DeadLetterReader {
  return { read: (q) => readDeadLetters(client, q) };
}

/**
 * Dead letters in the order they were received, oldest first, one page at a time: keyset
 * paging on the table's sort key (received_at, id), so a page costs the same however deep
 * it is and rows written meanwhile never shift the pages already read.
 */
export async function readDeadLetters(client: ClickHouseClient, q: DeadLetterQuery): Promise<DeadLetterPage> {
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEAD_LETTER_PAGE.default)), DEAD_LETTER_PAGE.max);
  const after = q.after === undefined ? undefined : parseDeadLetterCursor(q.after);
  const rs = await client.query({
    query: `SELECT toString(id) AS letter_id, toUnixTimestamp64Milli(received_at) AS at_ms, source, reason_code, reason,
                   hospital_id, event_id, details, isValidUTF8(raw) AS utf8, if(utf8, raw, base64Encode(raw)) AS raw_text,
                   raw_bytes, raw_truncated
            FROM dead_letters
            WHERE ({source:Nullable(String)} IS NULL OR source = {source:Nullable(String)})
              AND ({code:Nullable(String)} IS NULL OR reason_code = {code:Nullable(String)})
              AND ({hospital:Nullable(String)} IS NULL OR hospital_id = {hospital:Nullable(String)})
              AND (NOT {scoped:Bool} OR has({hospitals:Array(String)}, hospital_id))
              AND ({from:Nullable(Int64)} IS NULL OR received_at >= fromUnixTimestamp64Milli(assumeNotNull({from:Nullable(Int64)}), 'UTC'))
              AND ({to:Nullable(Int64)} IS NULL OR received_at < fromUnixTimestamp64Milli(assumeNotNull({to:Nullable(Int64)}), 'UTC'))
              AND ({after_ms:Nullable(Int64)} IS NULL
                   OR (received_at, id) > (fromUnixTimestamp64Milli(assumeNotNull({after_ms:Nullable(Int64)}), 'UTC'), toUUID({after_id:String})))
            ORDER BY received_at, id
            LIMIT {limit:UInt32}`,
    query_params: {
      source: q.source ?? null,
      code: q.reason_code ?? null,
      hospital: q.hospital_id ?? null,
      scoped: q.hospitals !== undefined,
      hospitals: q.hospitals ?? [],
      from: q.from ?? null,
      to: q.to ?? null,
      after_ms: after?.ms ?? null,
      after_id: after?.id ?? '00000000-0000-0000-0000-000000000000',
      // One more than asked tells whether there is a next page.
      limit: limit + 1,
    },
    format: 'JSONEachRow',
  });
  const found = await rs.json<StoredRow>();
  const rows = found.slice(0, limit).map(toRead);
  const last = found.length > limit ? found[limit - 1] : undefined;
  return { rows, next: last ? `${Number(last.at_ms)}_${last.letter_id}` : null };
}

interface StoredRow {
  // Not `id`: an alias of that name would shadow the column in WHERE and ORDER BY.
  letter_id: string;
  at_ms: string | number;
  source: string;
  reason_code: string;
  reason: string;
  hospital_id: string;
  event_id: string;
  details: string;
  utf8: boolean | number;
  raw_text: string;
  raw_bytes: string | number;
  raw_truncated: boolean | number;
}

function toRead(r: StoredRow): DeadLetterRead {
  return {
    id: r.letter_id,
    received_at: new Date(Number(r.at_ms)).toISOString(),
    source: r.source,
    reason_code: r.reason_code,
    reason: r.reason,
    hospital_id: r.hospital_id,
    event_id: r.event_id,
    details: parseDetails(r.details),
    raw: r.raw_text,
    raw_encoding: r.utf8 === true || r.utf8 === 1 ? 'utf8' : 'base64',
    raw_bytes: Number(r.raw_bytes),
    raw_truncated: r.raw_truncated === true || r.raw_truncated === 1,
  };
}

function parseDetails(details: string): unknown {
  if (details === '') return null;
  try {
    return JSON.parse(details) as unknown;
  } catch {
    return details;
  }
}
