import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import type { Principal } from '../schemas/access.ts';
import type { SessionStore } from '../storage/sessions.ts';
import type { UserStore } from '../storage/users.ts';
import type { Authenticator, SessionInfo } from './authenticate.ts';
import { verifyPassword } from './passwords.ts';
import { FAILURE_WINDOW_MS, signInWaitMs } from './sign-in-throttle.ts';

export interface SessionRouteDeps {
  authenticator: Authenticator;
  users: UserStore;
  sessions: SessionStore;
  clock: Clock;
  metrics: Registry;
}

const signInSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

type SignInOutcome = 'ok' | 'wrong_password' | 'unknown_user' | 'disabled' | 'throttled';

const wrongCredentials = () => new AppError('UNAUTHENTICATED', 'wrong username or password / sai tên đăng nhập hoặc mật khẩu');

/** The signed-in user as the session answers show it. */
export const sessionBody = (s: SessionInfo) => ({
  user: { username: s.principal.username, role: s.principal.role, jurisdiction: s.principal.jurisdiction, lang: s.principal.lang },
  csrf_token: s.csrfToken,
});

/**
 * Sign-in for the web page. `POST /v1/session` {username, password} sets the session cookie
 * and answers the user and the CSRF token; `GET /v1/session` says who is signed in;
 * `DELETE /v1/session` signs out. Failed sign-ins are counted (metric, audit row
 * `sign_in_failed`) and slowed: after 4 recent failures of the username or the address, an
 * attempt before the wait is over is answered 429 with Retry-After, without checking the
 * password. Sign-in itself needs no CSRF token: there is no session yet, and a cross-site form
 * cannot send JSON (fastify answers any other content type 415).
 */
export function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  const signIns =
    (deps.metrics.getSingleMetric('ews_access_sign_ins_total') as Counter<'outcome'> | undefined) ??
    new Counter({
      name: 'ews_access_sign_ins_total',
      help: 'Password sign-in attempts, by outcome (ok, wrong_password, unknown_user, disabled, throttled)',
      labelNames: ['outcome'],
      registers: [deps.metrics],
    });
  const count = (outcome: SignInOutcome) => signIns.inc({ outcome });

  app.post('/v1/session', async (req, reply) => {
    const parsed = signInSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', 'give {"username", "password"} / cần tên đăng nhập và mật khẩu', {
        details: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      });
    const username = parsed.data.username.trim().toLowerCase();
    const address = req.ip;
    const now = deps.clock.now();
    const recent = await deps.sessions.recentFailures(username, address, now - FAILURE_WINDOW_MS);
    const waitMs = signInWaitMs(Math.max(recent.byUsername, recent.byAddress), recent.latestAt, now);
    if (waitMs > 0) {
      count('throttled');
      const seconds = Math.ceil(waitMs / 1000);
      void reply.header('retry-after', String(seconds));
      throw new AppError(
        'RATE_LIMITED',
        `too many failed sign-ins: try again in ${seconds} s / đăng nhập sai quá nhiều lần: thử lại sau ${seconds} giây`,
        { details: { retry_after_seconds: seconds } },
      );
    }
    const found = await deps.users.credentials(username);
    // Always one argon2 verification, also for an unknown user (a dummy hash): the time taken
    // does not tell whether the username exists.
    const passwordOk = await verifyPassword(found?.passwordHash, parsed.data.password);
    const outcome: SignInOutcome = !found ? 'unknown_user' : !passwordOk ? 'wrong_password' : found.user.disabledAt ? 'disabled' : 'ok';
    count(outcome);
    if (outcome !== 'ok' || !found) {
      await deps.sessions.recordFailure(username, address, {
        actor: { username, role: found?.user.role ?? null, via: 'session' },
        clientAddress: address,
        action: 'sign_in_failed',
        target: username,
        details: { reason: outcome },
      });
      // Only someone who knows the password learns that the account is disabled.
      if (outcome === 'disabled')
        throw new AppError('UNAUTHENTICATED', `user ${username} is disabled / người dùng ${username} đã bị vô hiệu hóa`);
      throw wrongCredentials();
    }
    await deps.sessions.clearFailures(username);
    // Housekeeping, on the rare path: expired sessions and failures too old to count.
    await deps.sessions.prune(now - FAILURE_WINDOW_MS);
    return sessionBody(await deps.authenticator.startSession(reply, req, found.user));
  });

  app.get('/v1/session', async (req) => {
    const s = await deps.authenticator.sessionOf(req);
    if (!s) {
      // A bearer caller asking who they are: answered without a CSRF token (they need none).
      const p: Principal = await deps.authenticator.authenticate(req);
      return { user: { username: p.username, role: p.role, jurisdiction: p.jurisdiction, lang: p.lang }, csrf_token: null };
    }
    return sessionBody(s);
  });

  app.delete('/v1/session', async (req, reply) => {
    // Signing out with the cookie is a change like any other: it needs the CSRF token, so a
    // hostile page cannot sign people out. Without a valid session there is nothing to end.
    if (await deps.authenticator.sessionOf(req)) await deps.authenticator.authenticate(req);
    await deps.authenticator.endSession(req, reply);
    return reply.code(204).send();
  });
}
