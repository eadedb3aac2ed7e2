import type { Logger } from 'pino';
import { isRetryable } from './retryable.ts';

export interface RetryOptions {
  log: Logger;
  /** What is retried, logged as `what` on each retry. */
  what: string;
  /** Checked before every attempt: once true, the retries end and the call resolves `undefined`. */
  isClosed?: () => boolean;
  /**
   * Failures that end the retries quietly (the call resolves `undefined`) rather than being
   * retried or thrown, e.g. a partition that moved to another consumer. Default: none.
   */
  isAbandoned?: (err: unknown) => boolean;
  /** First wait in ms (default 100), doubled after each failure up to `maxDelayMs` (default 10 000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before the last failure is thrown (default unlimited). */
  maxAttempts?: number;
  /** Aborting cuts the current wait short; the next `isClosed` check then decides. */
  signal?: AbortSignal;
  /** Called before each wait (metrics). */
  onRetry?: (err: unknown, attempt: number) => void;
}

/**
 * Runs `fn` until it succeeds, backing off exponentially between attempts while the failure
 * is retryable by the one classification (`isRetryable`, platform/retryable.ts). A failure
 * that is not retryable is rethrown at once, as is the last one after `maxAttempts`. Resolves
 * `undefined` without another attempt once `isClosed()` is true or a failure `isAbandoned`.
 */
export async function retryWithBackoff<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T | undefined> {
  const maxDelay = options.maxDelayMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? Infinity;
  let delay = options.initialDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    if (options.isClosed?.()) return undefined;
    try {
      return await fn();
    } catch (err) {
      if (options.isAbandoned?.(err)) return undefined;
      if (!isRetryable(err) || attempt >= maxAttempts) throw err;
      options.onRetry?.(err, attempt);
      options.log.warn({ err, attempt, delay_ms: delay, what: options.what }, 'retrying after failure');
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts (resolves either way, never rejects). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
