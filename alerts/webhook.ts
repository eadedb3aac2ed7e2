import type { Logger } from 'pino';
import type { Counter } from 'prom-client';

/**
 * POSTs alert notifications as JSON to one URL, retrying with backoff (5 attempts,
 * 0.5 s doubling) on network errors and 5xx answers. Delivery runs beside the pipeline:
 * a slow receiver never holds up counting or detection. `close()` waits briefly for
 * deliveries in flight; a durable outbox with redelivery after restart is the alert service's
 * next step.
 */
export function createWebhookNotifier(options: { url: string; log: Logger; deliveries: Counter<'outcome'>; timeoutMs?: number }) {
  const inFlight = new Set<Promise<void>>();
  const stop = new AbortController();

  const deliver = async (payload: unknown): Promise<void> => {
    const body = JSON.stringify(payload);
    let delay = 500;
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'syndromic-ews' },
          body,
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]),
        });
        if (res.ok) {
          options.deliveries.inc({ outcome: 'delivered' });
          return;
        }
        if (res.status < 500) {
          options.deliveries.inc({ outcome: 'refused' });
          options.log.warn({ status: res.status }, 'webhook refused alert notification');
          return;
        }
      } catch (err) {
        options.log.warn({ err, attempt }, 'webhook delivery failed');
      }
      if (stop.signal.aborted) break;
      await new Promise((r) => {
        const t = setTimeout(r, delay);
        stop.signal.addEventListener('abort', () => (clearTimeout(t), r(undefined)), { once: true });
      });
      delay *= 2;
    }
    options.deliveries.inc({ outcome: 'failed' });
    options.log.error({ url: options.url }, 'webhook delivery gave up after 5 attempts');
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
