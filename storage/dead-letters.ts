import { randomUUID } from 'node:crypto';
import { insertTsv, type ClickHouseClient } from '../platform/clickhouse.ts';
import {
  capText,
  DEAD_LETTER_DETAILS_CAP,
  DEAD_LETTER_ID_CAP,
  DEAD_LETTER_RAW_CAP,
  DEAD_LETTER_REASON_CAP,
  type DeadLetter,
  type DeadLetterStore,
} from '../schemas/dead-letter.ts';
import { tsvString } from './tsv.ts';

const COLUMNS = [
  'id',
  'received_at',
  'source',
  'reason_code',
  'reason',
  'event_id',
  'hospital_id',
  'details',
  'raw',
  'raw_bytes',
  'raw_truncated',
] as const;

/**
 * The `dead_letters` table as a DeadLetterStore. Rows go in as TabSeparated bytes, so `raw`
 * holds exactly the bytes received (the first DEAD_LETTER_RAW_CAP of them), even when they are not
 * valid UTF-8; readers that need text check `isValidUTF8(raw)` and fall back to
 * `base64Encode(raw)`. Reason, ids and details are capped so refused input cannot grow the table
 * without bound.
 */
export function createDeadLetterStore(client: ClickHouseClient): DeadLetterStore {
  return {
    async record(items, receivedAt) {
      if (items.length === 0) return;
      const at = (receivedAt / 1000).toFixed(3);
      const rows = items.map((d) => encodeRow(d, at));
      await insertTsv(client, 'dead_letters', COLUMNS, Buffer.concat(rows));
    },
  };
}

function encodeRow(d: DeadLetter, at: string): Buffer {
  const bytes = typeof d.raw === 'string' ? Buffer.from(d.raw, 'utf8') : Buffer.from(d.raw.buffer, d.raw.byteOffset, d.raw.byteLength);
  // Exactly the first bytes received: a character cut at the cap is left cut (the column
  // holds bytes, and a reader meets invalid UTF-8 in raw anyway).
  const kept = bytes.length > DEAD_LETTER_RAW_CAP ? bytes.subarray(0, DEAD_LETTER_RAW_CAP) : bytes;
  const total = Math.max(d.raw_bytes ?? bytes.length, bytes.length);
  const head = [
    randomUUID(),
    at,
    tsvString(capText(d.source, DEAD_LETTER_ID_CAP)),
    tsvString(capText(d.reason_code, DEAD_LETTER_ID_CAP)),
    tsvString(capText(d.reason, DEAD_LETTER_REASON_CAP)),
    tsvString(capText(d.event_id ?? '', DEAD_LETTER_ID_CAP)),
    tsvString(capText(d.hospital_id ?? '', DEAD_LETTER_ID_CAP)),
    tsvString(detailsJson(d.details)),
  ].join('\t');
  const tail = `\t${total}\t${total > kept.length ? 'true' : 'false'}\n`;
  return Buffer.concat([Buffer.from(head + '\t', 'utf8'), tsvBytes(kept), Buffer.from(tail, 'utf8')]);
}

/** The details as JSON; when longer than the cap, a valid JSON object holding its beginning. */
function detailsJson(details: unknown): string {
  if (details === undefined) return '';
  const json = JSON.stringify(details) ?? '';
  if (json.length <= DEAD_LETTER_DETAILS_CAP) return json;
  return JSON.stringify({ truncated: true, characters: json.length, head: capText(json, DEAD_LETTER_DETAILS_CAP) });
}

// TabSeparated escapes of a String field, byte by byte (backslash, tab, LF, CR, NUL, BS, FF).
const BYTE_ESCAPES: Record<number, number> = { 0x5c: 0x5c, 0x09: 0x74, 0x0a: 0x6e, 0x0d: 0x72, 0x00: 0x30, 0x08: 0x62, 0x0c: 0x66 };

function tsvBytes(bytes: Buffer): Buffer {
  let escapes = 0;
  for (const b of bytes) if (BYTE_ESCAPES[b] !== undefined) escapes++;
  if (escapes === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + escapes);
  let j = 0;
  for (const b of bytes) {
    const e = BYTE_ESCAPES[b];
    if (e === undefined) out[j++] = b;
    else {
      out[j++] = 0x5c;
      out[j++] = e;
    }
  }
  return out;
}
