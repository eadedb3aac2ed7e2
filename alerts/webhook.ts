import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { AppError } from '../platform/errors.ts';
import { retryWithBackoff } from '../platform/retry.ts';

/**
 * POSTs alert notifications as JSON to one URL, retrying with backoff (platform/retry.ts:
 * 5 attempts, 0.5 s doubling) on network errors and 5xx answers. Delivery runs beside the
 * pipeline: a slow receiver never holds up counting or detection. `close()` waits briefly for
 * deliveries in flight; a durable outbox with redelivery after restart is the alert service's
 * next step.
 */
export function createWebhookNotifier(options: { url: string; log: Logger; deliveries: Counter<'outcome'>; timeoutMs?: number }) {
  const inFlight = new Set<Promise<void>>();
  const stop = new AbortController();

  const deliver = async (payload: unknown): Promise<void> => {
    const body = JSON.stringify(payload);
    const attempt = async (): Promise<'delivered' | 'refused'> => {
      let res: Response;
      try {
        res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'syndromic-ews' },
          body,
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]),
        });
      } catch (err) {
        // fetch rejects with a TypeError on network failures: the receiver's failure, not a bug here.
        throw new AppError('DELIVERY_FAILED', 'webhook unreachable', { cause: err });
      }
      if (res.ok) return 'delivered';
      if (res.status < 500) {
        options.log.warn({ status: res.status }, 'webhook refused alert notification');
        return 'refused';
      }
      throw new AppError('DELIVERY_FAILED', `webhook answered ${res.status}`);
    };
    let failure: unknown;
    try {
      const outcome = await retryWithBackoff(attempt, {
        log: options.log,
        what: 'webhook delivery',
        initialDelayMs: 500,
        maxAttempts: 5,
        signal: stop.signal,
        isClosed: () => stop.signal.aborted,
      });
      if (outcome) {
        options.deliveries.inc({ outcome });
        return;
      }
    } catch (err) {
      failure = err;
    }
    options.deliveries.inc({ outcome: 'failed' });
    options.log.error({ err: failure, url: options.url }, 'webhook delivery gave up after 5 attempts');
  };

  return {
    notify(payload: unknown): void {
      const p = deliver(payload).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    /** Waits up to `graceMs` for deliveries in flight, then abandons their retries. */
    async close(graceMs = 2000): Promise<void> {
      const all = Promise.allSettled([...inFlight]);
      const timer = setTimeout(() => stop.abort(), graceMs);
      await all;
      clearTimeout(timer);
    },
  };
}
