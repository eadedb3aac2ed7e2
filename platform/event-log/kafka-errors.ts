import { isAppError } from '../errors.ts';

/** Broker answers meaning this member or producer no longer owns the partition it works on. */
const OWNERSHIP_LOST = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
]);

/** Broker answers that no retry can fix: configuration or permissions. */
const FATAL = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'INVALID_TOPIC_EXCEPTION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);

type KafkaLikeError = { name?: string; type?: string; cause?: unknown; originalError?: unknown };

function* chain(err: unknown): Generator<KafkaLikeError> {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    yield e;
    e = (e as KafkaLikeError).cause ?? (e as KafkaLikeError).originalError;
  }
}

/** True when the error says the partition moved to another member (its owner replays the batch). */
export function isOwnershipLost(err: unknown): boolean {
  for (const e of chain(err)) if (e.type && OWNERSHIP_LOST.has(e.type)) return true;
  return false;
}

/**
 * Dependency failures worth retrying with backoff: retryable AppErrors (store down) and Kafka
 * errors, including kafkajs' own "retries exhausted". Programmer errors (TypeError…),
 * non-retryable AppErrors and configuration errors are not.
 */
export function isRetryableFailure(err: unknown): boolean {
  if (isAppError(err)) return err.retryable;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError) return false;
  for (const e of chain(err)) {
    if (e.type && FATAL.has(e.type)) return false;
    if (e.name === 'KafkaJSNotImplemented') return false;
  }
  return true;
}
