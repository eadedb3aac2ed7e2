import { AsyncLocalStorage } from 'node:async_hooks';
import { isUtf8 } from 'node:buffer';

/**
 * The dead letter as this store takes it: structurally schemas/dead-letter.ts's `DeadLetter`
 * and `DeadLetterStore` (platform/ may not import schemas/; cli/ hands this store on as that
 * port, so the compiler checks the two agree), and its raw cap, which a unit test pins to
 * DEAD_LETTER_RAW_CAP.
 */
export interface DeadLetter {
  source: string;
  reason_code: string;
  reason: string;
  event_id?: string | undefined;
  hospital_id?: string | undefined;
  details?: unknown;
  raw: string | Uint8Array;
  raw_bytes?: number | undefined;
}
export interface DeadLetterStore {
  record(items: readonly DeadLetter[], receivedAt: number): Promise<void>;
}
export const KAFKA_DEAD_LETTER_RAW_CAP = 64 * 1024;

/** A dead-letter record ready to publish (value per schemas/topics.ts `deadLetterV1`). */
export interface DeadLetterMessage {
  key: string | null;
  value: string;
}

/**
 * Dead letters raised while a consumed batch is being handled. They are published in the same
 * Kafka transaction that commits the batch's offsets, so a crash either loses both (the batch
 * is replayed and dead-letters again) or keeps both: each poison record appears exactly once.
 */
export interface BatchScope {
  letters: DeadLetterMessage[];
  /** Original bytes of the batch's record at an offset (undefined: not in this batch). */
  rawAt(offset: number): Buffer | null | undefined;
  /** Topic name the handler sees, and the Kafka topic it is read from (with any prefix). */
  topic: string;
  physicalTopic: string;
  partition: number;
}

/**
 * The `ews.deadletter.v1` value: reason, code, source, time, and the raw bytes capped at 64 KiB
 * (text when valid UTF-8, else base64).
 */
export function encodeDeadLetter(d: DeadLetter, receivedAtIso: string, rawBytes?: Buffer | null): DeadLetterMessage {
  const bytes = rawBytes === undefined ? toBuffer(d.raw) : (rawBytes ?? Buffer.alloc(0));
  const utf8 = isUtf8(bytes);
  const kept =
    bytes.length > KAFKA_DEAD_LETTER_RAW_CAP
      ? bytes.subarray(0, utf8 ? utf8Boundary(bytes, KAFKA_DEAD_LETTER_RAW_CAP) : KAFKA_DEAD_LETTER_RAW_CAP)
      : bytes;
  // A body refused while arriving is only its beginning; raw_bytes says how large it was.
  const total = Math.max(rawBytes === undefined ? (d.raw_bytes ?? bytes.length) : bytes.length, bytes.length);
  const truncated = total > kept.length;
  const value = {
    reason: d.reason,
    code: d.reason_code,
    source: d.source,
    received_at: receivedAtIso,
    raw: utf8 ? kept.toString('utf8') : kept.toString('base64'),
    raw_encoding: utf8 ? 'utf8' : 'base64',
    raw_bytes: total,
    raw_truncated: truncated,
    ...(d.event_id ? { event_id: d.event_id } : {}),
    ...(d.hospital_id ? { hospital_id: d.hospital_id } : {}),
    ...(d.details === undefined ? {} : { details: d.details }),
  };
  return { key: d.hospital_id ?? null, value: JSON.stringify(value) };
}

const toBuffer = (raw: string | Uint8Array): Buffer =>
  typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);

/** Largest length ≤ cap that does not cut a UTF-8 sequence. */
function utf8Boundary(buf: Buffer, cap: number): number {
  let i = cap;
  while (i > 0 && (buf[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** Parses `<topic>/<partition>/<offset>` sources of records from the current batch. */
function offsetOf(source: string, scope: BatchScope): number | undefined {
  const m = /^(.+)\/(\d+)\/(\d+)$/.exec(source);
  if (!m || m[1] !== scope.topic || Number(m[2]) !== scope.partition) return undefined;
  return Number(m[3]);
}

/**
 * The DeadLetterStore of a Kafka deployment. Called from inside a batch handler, letters join
 * that batch's commit transaction (see BatchScope); called from anywhere else (ingest, `ews
 * produce`), they are published at once and the call resolves after the broker acknowledged.
 */
export function createKafkaDeadLetterStore(deps: {
  scope: AsyncLocalStorage<BatchScope>;
  publish: (messages: DeadLetterMessage[]) => Promise<void>;
  onRecorded: (count: number, where: 'batch' | 'direct') => void;
}): DeadLetterStore {
  return {
    async record(items, receivedAt) {
      if (items.length === 0) return;
      const at = new Date(receivedAt).toISOString();
      const scope = deps.scope.getStore();
      if (scope) {
        for (const d of items) {
          const offset = offsetOf(d.source, scope);
          if (offset === undefined) {
            scope.letters.push(encodeDeadLetter(d, at));
            continue;
          }
          // Name the Kafka topic operators can look the record up in.
          const source = `${scope.physicalTopic}/${scope.partition}/${offset}`;
          scope.letters.push(encodeDeadLetter({ ...d, source }, at, scope.rawAt(offset)));
        }
        deps.onRecorded(items.length, 'batch');
        return;
      }
      await deps.publish(items.map((d) => encodeDeadLetter(d, at)));
      deps.onRecorded(items.length, 'direct');
    },
  };
}
