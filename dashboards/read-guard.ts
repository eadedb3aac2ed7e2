import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import type { Principal } from '../schemas/access.ts';

/** Turns a request into who sent it; throws AppError('UNAUTHENTICATED') (401) without valid credentials. */
export type Authenticate = (req: FastifyRequest) => Promise<Principal>;

export interface ReadGuardOptions {
  authenticate: Authenticate;
  /** Reads per user per minute (EWS_READ_RATE_LIMIT_PER_MINUTE); 0: no limit. */
  perMinute: number;
}

// Kept here rather than as a request decoration: the principal belongs to the read scope.
const principals = new WeakMap<FastifyRequest, Principal>();

/** The principal the guard authenticated for this request (a programmer error outside a guarded scope). */
export function principalOf(req: FastifyRequest): Principal {
  const p = principals.get(req);
  if (!p) throw new Error(`no principal for ${req.method} ${req.url}: the route is outside the read guard`);
  return p;
}

/**
 * Guards every route later registered in `scope` (an encapsulated plugin): each request is
 * authenticated first (401 before anything else is looked at), then counted against its
 * user's limit (429 with Retry-After once over it). Routes then ask dashboards/scope.ts what
 * the principal may see.
 */
export async function registerReadGuard(scope: FastifyInstance, options: ReadGuardOptions): Promise<void> {
  scope.addHook('onRequest', async (req) => {
    principals.set(req, await options.authenticate(req));
  });
  if (options.perMinute <= 0) return;
  await scope.register(rateLimit, {
    max: options.perMinute,
    timeWindow: 60_000,
    // After authentication (the scope's onRequest hook runs before route-level hooks), so
    // the key is the user and an unauthenticated flood is refused without being counted.
    hook: 'preValidation',
    keyGenerator: (req) => `user:${principalOf(req).username}`,
    errorResponseBuilder: (_req, ctx) =>
      new AppError(
        'RATE_LIMITED',
        `too many reads: at most ${ctx.max} a minute per user; retry in ${ctx.after} / quá nhiều yêu cầu: thử lại sau ${ctx.after}`,
        { details: { limit_per_minute: ctx.max, retry_after_seconds: Math.ceil(ctx.ttl / 1000) } },
      ),
  });
}
