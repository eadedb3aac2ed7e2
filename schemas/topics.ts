import { Ajv2020 } from 'ajv/dist/2020.js';
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

/**
 * The Kafka entry (schemas/topics.md, "Inbound"): hospitals' integration engines publish raw
 * messages to `ews.inbound.v1.<hospital_id>`, one topic per hospital, and the topic names the
 * hospital (the deployment grants each hospital's principal Write on its own topic only). The
 * bare `ews.inbound.v1` authenticates no one and is not read.
 */
export const INBOUND_TOPIC = 'ews.inbound.v1';

/** Consumer group of the inbound consumers (KAFKA_INBOUND_GROUP). */
export const INBOUND_GROUP = 'ews-inbound';

/** The headers of an inbound record: its format (required) and, optionally, the hospital it claims to come from. */
export const INBOUND_HEADERS = { format: 'ews-format', hospital: 'ews-hospital', contentType: 'content-type' } as const;

/** What `ews-format` may say: the body POST /v1/events takes, a FHIR R4 resource, an HL7 v2 message (ER7). */
export const INBOUND_FORMATS = ['ews-json', 'fhir-r4', 'hl7v2'] as const;
export type InboundFormat = (typeof INBOUND_FORMATS)[number];

/** Characters Kafka allows in a topic name; at most 249 of them. */
export const KAFKA_TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** The default inbound topic of a hospital: `ews.inbound.v1.<hospital_id>`. */
export const inboundTopicOf = (hospitalId: string) => `${INBOUND_TOPIC}.${hospitalId}`;

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

export type LogRecordParse =
  { ok: true; record: LogRecordV1 } | { ok: false; code: 'RECORD_UNREADABLE' | 'RECORD_INVALID'; reason: string };

/**
 * Fast acceptance check for `logRecordV1`: an ajv validator compiled on first use (not at
 * import: schemas/ holds contracts, and a process that never reads a log record never pays for
 * the compile) from the JSON Schema zod itself exports for the contract (draft 2020-12). Invariant that
 * makes the fast path in `parseLogRecord` safe, pinned by test/unit/log-record-fast-path.test.ts:
 * **whenever this accepts a value, zod accepts it too and zod's output deep-equals the value**
 * (ajv is never more lenient than zod, and no zod transform changes an accepted value — the one
 * transform, `.trim()` of ICD-10 codes, is a no-op on any string the exported regex accepts).
 * ajv may be stricter than zod (e.g. it refuses " A90 ", which zod trims); such values take the
 * zod path, which stays authoritative for outputs and reasons.
 * - `unicode: false`: minLength/maxLength count UTF-16 code units. zod 4.6 counts code points
 *   (a surrogate pair is one), and a string never has more code points than units, so this is
 *   never more lenient than zod, whichever way zod counts; a string with astral characters that
 *   is over a limit in units but not in code points just takes the zod path. The option is
 *   deprecated in ajv 8 but still honoured; only that one notice is ignored.
 * - `unicodeRegExp: false`: patterns are compiled without the `u` flag, exactly like zod's regexes;
 *   those with `\p{…}` escapes with it, as zod compiles them (`zodRegExp`).
 * - `formats: { 'date-time': true }`: the exported date-time strings also carry zod's own regex as
 *   `pattern`, which is what zod checks; the format name is declared known (strict mode) but adds
 *   no check of its own.
 * - `strict: true`: any other keyword or construct ajv does not understand fails the compile,
 *   and so does any other warning ajv would print (it throws instead: no console here).
 * Exported for the fast-path tests and benchmarks only; callers use `parseLogRecord`.
 */
export function acceptsLogRecordV1(value: unknown): boolean {
  compiledCheck ??= compileLogRecordCheck();
  return compiledCheck(value);
}

let compiledCheck: ((value: unknown) => boolean) | undefined;

/**
 * Patterns as zod compiles them: without the `u` flag, except those that need it — zod's own
 * `\p{…}` property escapes (ids without control characters) mean nothing without it, and the
 * JSON Schema export keeps a pattern's source but not its flags.
 */
const zodRegExp = Object.assign((pattern: string, flags: string) => new RegExp(pattern, /\\p\{/.test(pattern) ? `${flags}u` : flags), {
  code: 'new RegExp',
});

function compileLogRecordCheck(): (value: unknown) => boolean {
  const refuse = (...args: unknown[]): void => {
    throw new Error(`ajv could not compile the log-record check: ${args.map(String).join(' ')}`);
  };
  return new Ajv2020({
    strict: true,
    allErrors: false,
    unicode: false,
    unicodeRegExp: false,
    code: { regExp: zodRegExp },
    formats: { 'date-time': true },
    logger: {
      log: () => undefined,
      warn: (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].startsWith('DEPRECATED: option unicode.')) return;
        refuse(...args);
      },
      error: refuse,
    },
  }).compile(z.toJSONSchema(logRecordV1, { io: 'input' }));
}

/**
 * Reads one log record value: JSON, then the `logRecordV1` contract. A record that fails is
 * poison (dead-lettered by the processor), with a reason naming the fields. A record the
 * compiled check `acceptsLogRecordV1` accepts is returned as parsed (zod would return an equal
 * value, see the invariant there); any other goes through zod, as `parseLogRecordWithZod`.
 */
export function parseLogRecord(text: string): LogRecordParse {
  return readLogRecord(text, 'fast');
}

/**
 * `parseLogRecord` without the fast path: JSON, then zod only. The reference the fast path must
 * agree with; exported for the fast-path tests and benchmarks only.
 */
export function parseLogRecordWithZod(text: string): LogRecordParse {
  return readLogRecord(text, 'zod');
}

/**
 * JSON only, without the contract check: for a log whose records this process's own ingest
 * validated before appending them (the embedded log). A record that is not JSON, or not a
 * JSON object, is still refused.
 */
export function parseTrustedLogRecord(text: string): LogRecordParse {
  return readLogRecord(text, 'none');
}

function readLogRecord(text: string, check: 'fast' | 'zod' | 'none'): LogRecordParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return unreadable(err);
  }
  if (check === 'none') {
    // Not checked against the contract, but a record is an object all the same: the reader
    // must be able to look its fields up.
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, record: value as LogRecordV1 };
    return {
      ok: false,
      code: 'RECORD_INVALID',
      reason: `log record is not a JSON object: ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    };
  }
  if (check === 'fast' && acceptsLogRecordV1(value)) return { ok: true, record: value as LogRecordV1 };
  return checkWithZod(value);
}

function unreadable(err: unknown): LogRecordParse {
  return { ok: false, code: 'RECORD_UNREADABLE', reason: `log record is not JSON: ${(err as Error).message}` };
}

function checkWithZod(value: unknown): LogRecordParse {
  const parsed = logRecordV1.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
  return {
    ok: false,
    code: 'RECORD_INVALID',
    reason: `log record does not match ${TOPICS.encounters}/${TOPICS.labs} v1: ${issues.join('; ')}`,
  };
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
