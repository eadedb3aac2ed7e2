import { ENGINE_REFUSALS, engineError } from './clickhouse-errors.ts';
import { causeChain, type ErrorLike } from './error-chain.ts';
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
 *    refused the statement or its data (the one table in clickhouse-errors.ts), else retried (a detached
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

const isKafkaError = (e: ErrorLike): boolean => typeof e.name === 'string' && e.name.startsWith('KafkaJS');

/** Classifies a failure by the rules above; `isRetryable` is its boolean. */
export function retryability(err: unknown): Retryability {
  if (PROGRAMMER_ERRORS.some((C) => err instanceof C)) return { retryable: false, rule: 'programmer-error' };
  if (isAppError(err)) return { retryable: err.retryable, rule: 'app-error' };
  const links = [...causeChain(err)];
  if (links.some(isKafkaError)) return { retryable: !links.some(isKafkaNever), rule: 'kafka' };
  const engine = engineError(err);
  if (engine) return { retryable: !ENGINE_REFUSALS.has(engine.code), rule: 'engine' };
  return { retryable: true, rule: 'other' };
}

function isKafkaNever(e: ErrorLike): boolean {
  return (typeof e.type === 'string' && KAFKA_NEVER_TYPES.has(e.type)) || (typeof e.name === 'string' && KAFKA_NEVER_NAMES.has(e.name));
}

/** True when retrying `err` may succeed (see the rules at the top of this file). */
export function isRetryable(err: unknown): boolean {
  return retryability(err).retryable;
}
