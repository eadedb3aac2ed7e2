import { causeChain } from '../error-chain.ts';

/**
 * Broker answers meaning this member or producer no longer owns the partition it works on.
 * Whether any other Kafka failure is worth retrying is decided by the one classification,
 * `isRetryable` in platform/retryable.ts.
 */
const OWNERSHIP_LOST: ReadonlySet<string> = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
]);

/** True when the error says the partition moved to another member (its owner replays the batch). */
export function isOwnershipLost(err: unknown): boolean {
  for (const e of causeChain(err)) if (typeof e.type === 'string' && OWNERSHIP_LOST.has(e.type)) return true;
  return false;
}
