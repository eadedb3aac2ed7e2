import type { Config } from './config.ts';
import { UsageError } from './usage.ts';

/**
 * Calls a running service's admin API with EWS_ADMIN_TOKEN (what `ews hospitals|users --url`
 * do): JSON in and out, a refusal as a one-line UsageError with the service's message.
 */
export function adminApiCaller(base: string, config: Readonly<Pick<Config, 'EWS_ADMIN_TOKEN'>>) {
  const token = config.EWS_ADMIN_TOKEN;
  if (!token) throw new UsageError('--url needs EWS_ADMIN_TOKEN, the admin token of that service / cần EWS_ADMIN_TOKEN');
  return async <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new UsageError(`${res.status} from ${base}: ${answer.error?.message ?? ''}`);
    return answer;
  };
}
