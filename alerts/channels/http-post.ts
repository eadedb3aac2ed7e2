import { AppError } from '../../platform/errors.ts';
import { DeliveryRefusedError } from './channel.ts';

/**
 * POSTs a body and classifies the answer for the outbox: 2xx resolves; 408, 429 and 5xx and
 * network failures throw a retryable DELIVERY_FAILED; any other status is a refusal
 * ({@link DeliveryRefusedError}), not retried.
 */
export async function postForDelivery(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; what: string },
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'syndromic-ews', ...headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    // fetch rejects with a TypeError on network failures: the receiver's failure, not a bug here.
    throw new AppError('DELIVERY_FAILED', `${options.what} unreachable`, { cause: err });
  }
  // The body is drained so the connection can be reused.
  const answer = (await res.text().catch(() => '')).slice(0, 200);
  if (res.ok) return;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    throw new AppError('DELIVERY_FAILED', `${options.what} answered ${res.status}`, { details: { status: res.status } });
  }
  throw new DeliveryRefusedError(`${options.what} refused with ${res.status}${answer === '' ? '' : `: ${answer}`}`);
}
