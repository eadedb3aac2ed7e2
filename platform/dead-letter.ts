import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';

/** Raw payloads are kept up to this many bytes; longer ones are cut and flagged. */
export const DEAD_LETTER_RAW_CAP = 64 * 1024;

export interface DeadLetter {
  source: string;
  reason_code: string;
  reason: string;
  event_id?: string | undefined;
  hospital_id?: string | undefined;
  details?: unknown;
  raw: string;
}

export interface DeadLetterStore {
  /** Records refused input durably; resolves after the store acknowledged the write. */
  record(items: readonly DeadLetter[], receivedAt: number): Promise<void>;
}

export function createDeadLetterStore(client: ClickHouseClient): DeadLetterStore {
  return {
    async record(items, receivedAt) {
      if (items.length === 0) return;
      const at = new Date(receivedAt).toISOString();
      await client.insert({
        table: 'dead_letters',
        format: 'JSONEachRow',
        values: items.map((d) => {
          const bytes = Buffer.byteLength(d.raw, 'utf8');
          const truncated = bytes > DEAD_LETTER_RAW_CAP;
          return {
            id: randomUUID(),
            received_at: at,
            source: d.source,
            reason_code: d.reason_code,
            reason: d.reason,
            event_id: d.event_id ?? '',
            hospital_id: d.hospital_id ?? '',
            details: d.details === undefined ? '' : JSON.stringify(d.details),
            raw: truncated ? Buffer.from(d.raw, 'utf8').subarray(0, DEAD_LETTER_RAW_CAP).toString('utf8') : d.raw,
            raw_bytes: bytes,
            raw_truncated: truncated,
          };
        }),
      });
    },
  };
}
