import { isAppError } from './errors.ts';

/**
 * The one answer to "is retrying this failure worth it?", used by every retry loop
 * (`retryWithBackoff` in retry.ts and everything built on it). Rules, first match wins:
 *
 * 1. programmer errors (TypeError, RangeError, SyntaxError, ReferenceError) — never: the same
 *    call fails the same way again (kafkajs treats the same four as unrecoverable);
 * 2. our own errors — `AppError.retryable`, from the code catalogue in errors.ts;
 * 3. Kafka (kafkajs) errors — retried unless one in the cause chain names a failure no retry
 *    can fix: configuration, permissions, a feature the client lacks;
 * 4. engine errors (chDB `clickhouseCode`, ClickHouse server `code`) — never when the engine
 *    refused the statement or its data (parse, type, range, syntax), else retried (a detached
 *    or missing table, memory, too many parts, a timeout all pass);
 * 5. anything else — retried (network, file system, unknown dependencies).
 *
 * Why kafkajs's own `retriable` flag does not decide rule 3: it says whether kafkajs's
 * request-level retrier repeats a request at once, and it is false on availability failures a
 * broker restart fixes — BROKER_NOT_AVAILABLE, KafkaJSGroupCoordinatorNotFound, KafkaJSTimeout,
 * and KafkaJSNumberOfRetriesExceeded when its retries ran out during an outage; after a failed
 * transaction (INVALID_TXN_STATE…) the committer starts from a fresh producer, so a retry
 * can succeed there too. A consumer that stopped on those would not survive a broker restart
 * (kafkajs's own consumer crashes on a coordinator it cannot find), so the flag is not read.
 */
export type RetryRule = 'programmer-error' | 'app-error' | 'kafka' | 'engine' | 'other';

export interface Retryability {
  retryable: boolean;
  /** Which rule decided (for logs and tests). */
  rule: RetryRule;
}

/** Error constructors that mean a bug in the calling code. */
const PROGRAMMER_ERRORS: readonly (new (...args: never[]) => Error)[] = [TypeError, RangeError, SyntaxError, ReferenceError];

/** Kafka protocol answers no retry can fix: configuration or permissions. */
const KAFKA_NEVER_TYPES: ReadonlySet<string> = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'INVALID_TOPIC_EXCEPTION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);

/** kafkajs errors no retry can fix. */
const KAFKA_NEVER_NAMES: ReadonlySet<string> = new Set(['KafkaJSNotImplemented']);

/**
 * ClickHouse error codes saying the engine refused the statement or the data itself: the same
 * INSERT fails the same way on every attempt (ClickHouse src/Common/ErrorCodes.cpp).
 */
export const ENGINE_REFUSED_CODES: ReadonlyMap<number, string> = new Map([
  [6, 'CANNOT_PARSE_TEXT'],
  [16, 'NO_SUCH_COLUMN_IN_TABLE'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [47, 'UNKNOWN_IDENTIFIER'],
  [53, 'TYPE_MISMATCH'],
  [62, 'SYNTAX_ERROR'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
]);

/** The fields the rules read, on any error-like object. */
export interface ErrorLike {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  clickhouseCode?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and its causes (`cause`, or kafkajs's `originalError`), outermost first, at most 8. */
export function* causeChain(err: unknown): Generator<ErrorLike> {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const link = e as ErrorLike;
    yield link;
    e = link.cause ?? link.originalError;
  }
}

const isKafkaError = (e: ErrorLike): boolean => typeof e.name === 'string' && e.name.startsWith('KafkaJS');

/** The ClickHouse error code of an engine error: chDB's `clickhouseCode`, or a server error's numeric `code`. */
function engineCode(e: ErrorLike): number | undefined {
  if (typeof e.clickhouseCode === 'number') return e.clickhouseCode;
  if (typeof e.code === 'string' && typeof e.type === 'string' && /^\d+$/.test(e.code)) return Number(e.code);
  return undefined;
}

/** Classifies a failure by the rules above; `isRetryable` is its boolean. */
export function retryability(err: unknown): Retryability {
  if (PROGRAMMER_ERRORS.some((C) => err instanceof C)) return { retryable: false, rule: 'programmer-error' };
  if (isAppError(err)) return { retryable: err.retryable, rule: 'app-error' };
  const links = [...causeChain(err)];
  if (links.some(isKafkaError)) return { retryable: !links.some(isKafkaNever), rule: 'kafka' };
  for (const link of links) {
    const code = engineCode(link);
    if (code !== undefined) return { retryable: !ENGINE_REFUSED_CODES.has(code), rule: 'engine' };
  }
  return { retryable: true, rule: 'other' };
}

function isKafkaNever(e: ErrorLike): boolean {
  return (typeof e.type === 'string' && KAFKA_NEVER_TYPES.has(e.type)) || (typeof e.name === 'string' && KAFKA_NEVER_NAMES.has(e.name));
}

/** True when retrying `err` may succeed (see the rules at the top of this file). */
export function isRetryable(err: unknown): boolean {
  return retryability(err).retryable;
}
