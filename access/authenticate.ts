import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { hashToken, secretsEqual } from '../platform/secret-tokens.ts';
import { ADMIN_TOKEN_PRINCIPAL, permits, type Permission, type Principal } from '../schemas/access.ts';
import type { SessionStore } from '../storage/sessions.ts';
import { USER_TOKEN_PREFIX, type User, type UserStore } from '../storage/users.ts';
import { readCookie, setCookieHeader } from './cookies.ts';

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure under TLS. */
export const SESSION_COOKIE = 'ews_session';
/** The header a cookie-authenticated POST/PUT/PATCH/DELETE must carry: the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthenticatorDeps {
  users: UserStore;
  sessions: SessionStore;
  clock: Clock;
  /** EWS_ADMIN_TOKEN; unset → no bearer token stands for the bootstrap admin. */
  adminToken: string | undefined;
  /** Session lifetime from sign-in, ms (EWS_SESSION_TTL_HOURS). */
  sessionTtlMs: number;
  /** A session unused this long ends, ms (EWS_SESSION_IDLE_MINUTES). */
  sessionIdleMs: number;
  /** Always mark the cookie Secure (EWS_SESSION_COOKIE_SECURE: TLS ends at a proxy). */
  cookieSecure: boolean;
  /** How long a user token's lookup is cached, ms. Default 10 s; changes made in this process clear it at once (`forget`). */
  tokenCacheMs?: number;
}

export interface SessionInfo {
  principal: Principal;
  csrfToken: string;
}

export interface Authenticator {
  /**
   * The caller, or a 401 (UNAUTHENTICATED, bilingual) when no or invalid credentials; a
   * cookie-authenticated unsafe request without the session's `x-csrf-token` is a 403
   * (CSRF_FAILED). Accepts, in this order: `Authorization: Bearer <EWS_ADMIN_TOKEN>`,
   * `Authorization: Bearer ews_ut_…` (a user token), the `ews_session` cookie. Memoised per request.
   */
  authenticate(req: FastifyRequest): Promise<Principal>;
  /** The caller, or undefined when none or invalid credentials are presented (a CSRF failure still throws). */
  principalOf(req: FastifyRequest): Promise<Principal | undefined>;
  /** A fastify onRequest/preHandler hook: authenticated (401) and allowed `permission` (403 FORBIDDEN). */
  requirePermission(permission: Permission): (req: FastifyRequest) => Promise<void>;
  /** The session behind the request's cookie (principal and CSRF token), if valid. */
  sessionOf(req: FastifyRequest): Promise<SessionInfo | undefined>;
  /**
   * Starts a session for a user who has proved who they are (password here, or an external
   * sign-in: OIDC calls it with via 'oidc'): stores it, audits `sign_in`, sets the cookie.
   * Refuses a disabled user (401).
   */
  startSession(reply: FastifyReply, req: FastifyRequest, user: User, via?: 'session' | 'oidc'): Promise<SessionInfo>;
  /** Ends the request's session (deleted, audited `sign_out`) and clears the cookie. True when one was ended. */
  endSession(req: FastifyRequest, reply: FastifyReply): Promise<boolean>;
  /** Drops cached token lookups (after a token is revoked or a user disabled in this process). */
  forget(): void;
}

/** The 401 every missing or invalid credential gets, with why. */
export const unauthenticated = (why: string): AppError =>
  new AppError(
    'UNAUTHENTICATED',
    `${why}: sign in (POST /v1/session) or send Authorization: Bearer <EWS_ADMIN_TOKEN or a user token ews_ut_…> / ` +
      `cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …)`,
  );

export function principalOfUser(user: User, via: Principal['via']): Principal {
  return { userId: user.id, username: user.username, role: user.role, jurisdiction: user.jurisdiction, lang: user.lang, via };
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const tokenCacheMs = deps.tokenCacheMs ?? 10_000;
  const tokenCache = new Map<string, { user: User | undefined; at: number }>();
  const memo = new WeakMap<FastifyRequest, Promise<Principal>>();
  // The idle clock restarts at most this often (one write per minute of use, not per request).
  const touchEveryMs = Math.min(60_000, deps.sessionIdleMs / 10);

  const byToken = async (token: string): Promise<Principal> => {
    const hash = hashToken(token);
    const now = deps.clock.now();
    let hit = tokenCache.get(hash);
    if (!hit || now - hit.at >= tokenCacheMs) {
      hit = { user: await deps.users.byTokenHash(hash), at: now };
      if (tokenCache.size > 10_000) tokenCache.clear();
      tokenCache.set(hash, hit);
    }
    if (!hit.user) throw unauthenticated('the user token is unknown or revoked');
    if (hit.user.disabledAt) throw unauthenticated(`user ${hit.user.username} is disabled / người dùng đã bị vô hiệu hóa`);
    return principalOfUser(hit.user, 'user_token');
  };

  const cookieOf = (req: FastifyRequest): string | undefined => {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    return value ? value : undefined;
  };

  // Asked once per request: the first look may end an expired session, and a second look
  // would then no longer say why.
  const sessionMemo = new WeakMap<FastifyRequest, Promise<SessionInfo | AppError | undefined>>();
  const session = (req: FastifyRequest): Promise<SessionInfo | AppError | undefined> => {
    let s = sessionMemo.get(req);
    if (!s) {
      s = lookUpSession(req);
      sessionMemo.set(req, s);
    }
    return s;
  };

  /** The valid session of the cookie, or why there is none (undefined: no cookie at all). */
  const lookUpSession = async (req: FastifyRequest): Promise<SessionInfo | AppError | undefined> => {
    const id = cookieOf(req);
    if (!id) return undefined;
    const idHash = hashToken(id);
    const s = await deps.sessions.find(idHash);
    if (!s) return unauthenticated('the session has ended or is unknown');
    const now = deps.clock.now();
    if (now >= s.expiresAt || now - s.lastSeenAt >= deps.sessionIdleMs) {
      await deps.sessions.delete(idHash);
      return unauthenticated(now >= s.expiresAt ? 'the session has expired' : 'the session ended after being idle');
    }
    const user = await deps.users.getById(s.userId);
    if (!user || user.disabledAt) return unauthenticated('the user is disabled / người dùng đã bị vô hiệu hóa');
    if (now - s.lastSeenAt >= touchEveryMs) await deps.sessions.touch(idHash);
    return { principal: principalOfUser(user, s.via), csrfToken: s.csrfToken };
  };

  const resolve = async (req: FastifyRequest): Promise<Principal> => {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const token = /^Bearer +(\S+) *$/i.exec(auth)?.[1];
      if (!token) throw unauthenticated('the Authorization header must be "Bearer <token>"');
      if (deps.adminToken && secretsEqual(token, deps.adminToken)) return ADMIN_TOKEN_PRINCIPAL;
      if (token.startsWith(USER_TOKEN_PREFIX)) return byToken(token);
      throw unauthenticated('the bearer token is neither EWS_ADMIN_TOKEN nor a user token');
    }
    const s = await session(req);
    if (!s) throw unauthenticated('no credentials');
    if (s instanceof AppError) throw s;
    // CSRF: a browser attaches the cookie to any request to this origin, also one a hostile
    // page makes it send, so a change made with the cookie must also carry the session's CSRF
    // token, which only this origin's pages can read (from the sign-in answer or GET
    // /v1/session). SameSite=Strict already stops most of it; the token covers older browsers
    // and same-site subdomains. Bearer requests are exempt: a browser never adds an
    // Authorization header by itself, so a request carrying one was written by a client that
    // holds the token — there is no ambient credential to abuse.
    if (UNSAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !secretsEqual(sent, s.csrfToken))
        throw new AppError(
          'CSRF_FAILED',
          `a change made with the session cookie needs the ${CSRF_HEADER} header (the csrf_token of POST/GET /v1/session) / ` +
            `thiếu hoặc sai mã chống giả mạo yêu cầu (${CSRF_HEADER})`,
        );
    }
    return s.principal;
  };

  const authenticate = (req: FastifyRequest): Promise<Principal> => {
    let p = memo.get(req);
    if (!p) {
      p = resolve(req);
      memo.set(req, p);
    }
    return p;
  };

  const cookieOptions = (req: FastifyRequest, maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'Strict' as const,
    path: '/',
    // req.protocol is 'https' only when this server terminates TLS (trustProxy is off, so a
    // client's X-Forwarded-Proto is ignored); behind a TLS proxy set EWS_SESSION_COOKIE_SECURE.
    secure: deps.cookieSecure || req.protocol === 'https',
    maxAge: maxAgeSeconds,
  });

  return {
    authenticate,
    async principalOf(req) {
      try {
        return await authenticate(req);
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHENTICATED') return undefined;
        throw err;
      }
    },
    requirePermission: (permission) => async (req) => {
      const p = await authenticate(req);
      if (!permits(p.role, permission))
        throw new AppError('FORBIDDEN', `role ${p.role} may not ${permission} / vai trò ${p.role} không có quyền ${permission}`, {
          details: { permission, role: p.role },
        });
    },
    async sessionOf(req) {
      const s = await session(req);
      return s instanceof AppError ? undefined : s;
    },
    async startSession(reply, req, user, via = 'session') {
      if (user.disabledAt) throw unauthenticated(`user ${user.username} is disabled / người dùng đã bị vô hiệu hóa`);
      const id = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      await deps.sessions.create(
        { idHash: hashToken(id), userId: user.id, csrfToken, via, clientAddress: req.ip, expiresAt: deps.clock.now() + deps.sessionTtlMs },
        {
          actor: { username: user.username, role: user.role, via },
          clientAddress: req.ip,
          action: 'sign_in',
          target: user.username,
        },
      );
      void reply.header('set-cookie', setCookieHeader(SESSION_COOKIE, id, cookieOptions(req, Math.floor(deps.sessionTtlMs / 1000))));
      return { principal: principalOfUser(user, via), csrfToken };
    },
    async endSession(req, reply) {
      const id = cookieOf(req);
      void reply.header('set-cookie', setCookieHeader(SESSION_COOKIE, '', cookieOptions(req, 0)));
      if (!id) return false;
      const s = await session(req);
      const actor = s && !(s instanceof AppError) ? s.principal : { username: 'unknown', role: null, via: 'session' };
      return deps.sessions.delete(hashToken(id), { actor, clientAddress: req.ip, action: 'sign_out', target: actor.username });
    },
    forget: () => tokenCache.clear(),
  };
}
