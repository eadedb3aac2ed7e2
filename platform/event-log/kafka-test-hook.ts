import { writeSync } from 'node:fs';

/**
 * Crash points for the crash tests (KAFKA_TEST_HOOK=point:N, test-only): the process kills
 * itself with SIGKILL, exactly as `kill -9` would, at the N-th occurrence of the point:
 * - `mid-batch`: while the N-th batch is being handled (its store write in flight);
 * - `after-write`: after the N-th batch is written to the store, before its offsets commit;
 * - `mid-transaction`: inside the N-th commit transaction, after its dead letters were sent.
 */
export interface TestHook {
  onBatchStart(): void;
  onBatchHandled(): void;
  onMidTransaction(): void;
}

export const TEST_HOOK_POINTS = ['mid-batch', 'after-write', 'mid-transaction'] as const;
export type TestHookPoint = (typeof TEST_HOOK_POINTS)[number];
export interface TestHookSpec {
  point: TestHookPoint;
  n: number;
}

export const NO_TEST_HOOK: TestHook = { onBatchStart() {}, onBatchHandled() {}, onMidTransaction() {} };

export function createTestHook(spec: TestHookSpec | undefined): TestHook {
  if (!spec) return NO_TEST_HOOK;
  const seen: Record<TestHookPoint, number> = { 'mid-batch': 0, 'after-write': 0, 'mid-transaction': 0 };
  const kill = (point: TestHookPoint) => {
    writeSync(2, `ews test hook: SIGKILL at ${point} #${spec.n} (pid ${process.pid})\n`);
    process.kill(process.pid, 'SIGKILL');
  };
  const at = (point: TestHookPoint, now: boolean) => {
    if (spec.point !== point || ++seen[point] !== spec.n) return;
    // mid-batch: let the handler start its store write first, then die while it is in flight.
    if (now) kill(point);
    else setImmediate(() => kill(point));
  };
  return {
    onBatchStart: () => at('mid-batch', false),
    onBatchHandled: () => at('after-write', true),
    onMidTransaction: () => at('mid-transaction', true),
  };
}
