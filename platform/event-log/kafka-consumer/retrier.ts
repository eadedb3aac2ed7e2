import type { Logger } from 'pino';
import { retryWithBackoff } from '../../retry.ts';
import type { KafkaMetrics } from '../kafka-metrics.ts';
import { isOwnershipLost } from '../kafka-errors.ts';

/** What a consumer retries, the `operation` label of `ews_kafka_retries_total`. */
export type RetriedOperation = 'handle' | 'commit';

/**
 * Runs `fn` until it succeeds (retryWithBackoff: 100 ms doubling to 10 s, the one retryable
 * classification). Resolves false when the partition is lost (rebalance, fencing, shutdown)
 * before it succeeded: `lost()` before each attempt, or an ownership-lost answer. A failure
 * that is not retryable (programmer error, configuration) is rethrown and stops the consumer.
 */
export type BatchRetrier = (operation: RetriedOperation, lost: () => boolean, fn: () => Promise<void>) => Promise<boolean>;

export function createBatchRetrier(deps: { log: Logger; metrics: KafkaMetrics }): BatchRetrier {
  const { log, metrics } = deps;
  return async (operation, lost, fn) => {
    const done = await retryWithBackoff(
      async () => {
        await fn();
        return true;
      },
      {
        log,
        what: operation,
        isClosed: lost,
        isAbandoned: (err) => {
          if (!isOwnershipLost(err)) return false;
          log.info({ err, operation }, 'partition lost before commit; its next owner replays the batch');
          return true;
        },
        onRetry: () => metrics.retries.inc({ operation }),
      },
    );
    return done === true;
  };
}
