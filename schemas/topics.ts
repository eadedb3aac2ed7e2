import { z } from 'zod';
import { encounterV1, labV1, type LogRecordV1 } from './events.ts';

/**
 * Event-log topics (Kafka topics in production, embedded log files by default). The contract
 * of each topic (key, value, partitioning, retention) is in schemas/topics.md. A deployment
 * may prefix the physical Kafka names (KAFKA_TOPIC_PREFIX); code always uses these logical names.
 */
export const TOPICS = {
  encounters: 'ews.encounters.v1',
  labs: 'ews.labs.v1',
  deadletter: 'ews.deadletter.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Consumer group of the count processors. */
export const PROCESSOR_GROUP = 'ews-processors';

/** Partitions of the topics the project creates when they are missing (KAFKA_PARTITIONS). */
export const DEFAULT_PARTITIONS = 6;

/** The pseudonym that replaces `patient_id` on the log (HMAC-SHA256, base64url). */
const patientKey = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const receivedAt = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' });

/** An accepted encounter as it travels on `ews.encounters.v1`: `patient_id` replaced by `patient_key`. */
export const loggedEncounterV1 = encounterV1.omit({ patient_id: true }).extend({ patient_key: patientKey }).strict();
/** An accepted lab result as it travels on `ews.labs.v1`. */
export const loggedLabV1 = labV1.omit({ patient_id: true }).extend({ patient_key: patientKey }).strict();

/**
 * Value of `ews.encounters.v1` / `ews.labs.v1` records: the event exactly as ingest accepted
 * it (validated, pseudonymised) and the time ingest accepted it.
 */
export const logRecordV1 = z
  .object({
    event: z.discriminatedUnion('schema', [loggedEncounterV1, loggedLabV1], {
      message: 'event.schema must be "ews.encounter.v1" or "ews.lab.v1"',
    }),
    received_at: receivedAt,
  })
  .strict();

export type LogRecordParse = { ok: true; record: LogRecordV1 } | { ok: false; code: 'RECORD_UNREADABLE' | 'RECORD_INVALID'; reason: string };

/**
 * Reads one log record value: JSON, then the `logRecordV1` contract. A record that fails is
 * poison (dead-lettered by the processor), with a reason naming the fields.
 */
export function parseLogRecord(text: string): LogRecordParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'RECORD_UNREADABLE', reason: `log record is not JSON: ${(err as Error).message}` };
  }
  const parsed = logRecordV1.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data as LogRecordV1 };
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
  return { ok: false, code: 'RECORD_INVALID', reason: `log record does not match ${TOPICS.encounters}/${TOPICS.labs} v1: ${issues.join('; ')}` };
}

/**
 * Value of `ews.deadletter.v1` records: one refused input with why it was refused, where it
 * came from, and its raw bytes (capped). `raw` is the original text when it is valid UTF-8,
 * else base64 (`raw_encoding`).
 */
export const deadLetterV1 = z
  .object({
    reason: z.string(),
    code: z.string(),
    /** `<topic>/<partition>/<offset>` of a poison log record, or the ingest endpoint (`http:/v1/events`, `file:NAME`). */
    source: z.string(),
    received_at: receivedAt,
    raw: z.string(),
    raw_encoding: z.enum(['utf8', 'base64']),
    raw_bytes: z.number().int().nonnegative(),
    raw_truncated: z.boolean(),
    event_id: z.string().optional(),
    hospital_id: z.string().optional(),
    details: z.unknown().optional(),
  })
  .strict();

export type DeadLetterV1 = z.infer<typeof deadLetterV1>;
