/**
 * A dead letter: input the pipeline refused (a body ingest could not read, an event that
 * failed validation, a log record a processor could not use), kept with the reason and the
 * bytes received so that it can be found, fixed and replayed. The `dead_letters` table
 * (schemas/migrations/) and the `ews.deadletter.v1` topic (schemas/topics.ts) both hold it.
 */

/** Raw payloads are kept up to this many bytes; longer ones are cut and flagged. */
export const DEAD_LETTER_RAW_CAP = 64 * 1024;

/** Longest `reason` kept (characters); a longer one is cut and ends in an ellipsis. */
export const DEAD_LETTER_REASON_CAP = 4096;

/** Longest `details` kept (characters of its JSON); a longer one is replaced by its beginning. */
export const DEAD_LETTER_DETAILS_CAP = 16 * 1024;

/** Longest `event_id` / `hospital_id` kept (characters): the contract allows 128 and 64. */
export const DEAD_LETTER_ID_CAP = 200;

export interface DeadLetter {
  /** Where it came from: `http:/v1/events`, or `<topic>/<partition>/<offset>` for a log record. */
  source: string;
  /** A stable code (VALIDATION_FAILED, BODY_UNPARSEABLE, BODY_TOO_LARGE, RECORD_INVALID, …). */
  reason_code: string;
  /** Why, for a person. */
  reason: string;
  event_id?: string | undefined;
  hospital_id?: string | undefined;
  /** Structured reason (e.g. the field errors), stored as JSON. */
  details?: unknown;
  /**
   * The bytes received, exactly: a string stands for its UTF-8 encoding, bytes are kept as
   * they are (a body that is not valid UTF-8 is stored byte for byte). At most
   * DEAD_LETTER_RAW_CAP bytes are stored.
   */
  raw: string | Uint8Array;
  /**
   * Size in bytes of the whole payload when `raw` holds only its beginning (a body refused
   * while it was still arriving, such as one over the size limit). Default: the size of `raw`.
   */
  raw_bytes?: number | undefined;
}

/** The port every writer of dead letters receives (the table, the Kafka topic, or both). */
export interface DeadLetterStore {
  /** Records refused input durably; resolves after the store acknowledged the write. */
  record(items: readonly DeadLetter[], receivedAt: number): Promise<void>;
}

/** `s` cut to at most `max` characters, marked with an ellipsis and the original length. */
export function capText(s: string, max: number): string {
  if (s.length <= max) return s;
  // Cut before a lone high surrogate so the result stays well-formed text.
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}… (${s.length} characters)`;
}
