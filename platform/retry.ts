import type { Logger } from 'pino';
import { isAppError } from './errors.ts';

/**
 * Retries `fn` with exponential backoff (100 ms doubling to 10 s) while the error is
 * retryable: AppErrors marked retryable and any non-AppError that is not a programmer
 * error (TypeError, RangeError…, which would fail the same way again). Non-retryable
 * errors are rethrown at once.
 */
export async function retryWithBackoff<T>(
  fn: () => Promise<T>,
  options: { log: Logger; what: string; isClosed?: () => boolean; maxDelayMs?: number },
): Promise<T | undefined> {
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (options.isClosed?.()) return undefined;
      options.log.warn({ err, attempt, delay_ms: delay, what: options.what }, 'retrying after failure');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
    }
  }
}

export function isRetryable(err: unknown): boolean {
  if (isAppError(err)) return err.retryable;
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError);
}
