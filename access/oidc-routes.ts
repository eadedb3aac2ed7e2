import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import { mapClaims, type OidcIdentity } from './oidc-claims.ts';
import { OIDC_CALLBACK_PATH, type OidcSettings } from './oidc-config.ts';
import { createOidcDiscovery, type OidcDiscovery } from './oidc-discovery.ts';
import {
  claimsRefusal,
  classify,
  noIdToken,
  refusalOf,
  stateRefusal,
  type OidcRefusalCode,
  type OidcRefusalReason,
} from './oidc-errors.ts';
import { createStateSealer, STATE_COOKIE, STATE_TTL_MS } from './oidc-state.ts';

/** A person the provider vouched for, mapped: what `signIn` receives. */
export interface OidcSignIn extends OidcIdentity {
  /** The provider's issuer identifier (from its metadata); with `subject`, the person's stable key. */
  readonly issuer: string;
  /** The ID token's `sub`. */
  readonly subject: string;
}

export interface OidcRouteDeps {
  settings: OidcSettings;
  logger: Logger;
  clock: Clock;
  /**
   * Starts the session (the session room's code): upserts the user keyed by issuer + subject and
   * sets the session cookie on `reply`. May throw an AppError (e.g. a disabled user), answered
   * as any error and not reported to onRefusal (the session code audits its own refusals). If
   * it sends the reply itself, the routes send nothing more; otherwise they redirect to `/`.
   */
  signIn: (identity: OidcSignIn, req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /**
   * Told of every callback that signed nobody in (the audit log records failed sign-ins),
   * before the refusal is answered; a failure here is logged and does not change the answer.
   */
  onRefusal?: (refusal: OidcRefusal, req: FastifyRequest) => Promise<void>;
  /** Registry for `ews_access_oidc_callbacks_total{outcome}`; unset → no metric. */
  metrics?: Registry;
  /** The provider's discovery; default createOidcDiscovery(settings, logger). */
  discovery?: OidcDiscovery;
}

/** A callback that signed nobody in. */
export interface OidcRefusal {
  /** The error code answered: OIDC_CALLBACK_INVALID (400), OIDC_SIGN_IN_REFUSED (403), OIDC_UNAVAILABLE (503). */
  readonly code: OidcRefusalCode;
  readonly reason: OidcRefusalReason;
  /** The claim missing or invalid, for a claims refusal. */
  readonly claim: string | null;
  /** Who the provider vouched for, once the ID token passed its checks (claims refusals); else null. */
  readonly issuer: string | null;
  readonly subject: string | null;
}

/** The route that starts a sign-in; the callback is OIDC_CALLBACK_PATH. */
export const OIDC_START_PATH = '/v1/session/oidc';

/**
 * `GET /v1/session/oidc` redirects to the provider (authorization code with PKCE S256, state
 * and nonce, kept sealed in a 10-minute cookie); `GET /v1/session/oidc/callback` checks the
 * state, exchanges the code, checks the ID token, maps the claims and calls `deps.signIn`,
 * then redirects to `/`. Any refusal answers 400/403 in the error shape, bilingual, and never
 * calls signIn. Mounted in its own encapsulated scope; registers @fastify/cookie there unless
 * the app already has it.
 */
export async function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    if (!scope.hasPlugin('@fastify/cookie')) await scope.register(cookie);
    const log = deps.logger.child({ module: 'oidc' });
    const discovery = deps.discovery ?? createOidcDiscovery(deps.settings, log);
    const sealer = createStateSealer(deps.settings.clientSecret);
    const callbacks =
      deps.metrics &&
      new Counter({
        name: 'ews_access_oidc_callbacks_total',
        help: 'OpenID Connect sign-in callbacks by outcome: signed_in, refused (403), invalid (400), unavailable (503)',
        labelNames: ['outcome'],
        registers: [deps.metrics],
      });
    const { redirectUrl } = deps.settings;
    const cookieOptions = {
      // Only the sign-in routes (under whatever prefix the proxy adds) receive it.
      path: redirectUrl.pathname.slice(0, -'/callback'.length),
      httpOnly: true,
      // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
      sameSite: 'lax',
      secure: redirectUrl.protocol === 'https:',
    } as const;

    scope.get(OIDC_START_PATH, async (_req, reply) => {
      const config = await discovery.configuration();
      const pending = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        expiresAt: deps.clock.now() + STATE_TTL_MS,
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUrl.href,
        scope: deps.settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      void reply.setCookie(STATE_COOKIE, sealer.seal(pending), { ...cookieOptions, maxAge: STATE_TTL_MS / 1000 });
      void reply.header('cache-control', 'no-store');
      return reply.redirect(url.href, 302);
    });

    scope.get(OIDC_CALLBACK_PATH, async (req, reply) => {
      // One callback per sign-in: whatever happens next, the pending state is spent.
      void reply.clearCookie(STATE_COOKIE, cookieOptions);
      void reply.header('cache-control', 'no-store');
      const who: { issuer: string | null; subject: string | null } = { issuer: null, subject: null };
      try {
        await callback(req, reply, who);
      } catch (err) {
        const r = refusalOf(err);
        if (r) {
          callbacks?.inc({
            outcome: r.code === 'OIDC_UNAVAILABLE' ? 'unavailable' : r.code === 'OIDC_SIGN_IN_REFUSED' ? 'refused' : 'invalid',
          });
          log.info({ code: r.code, reason: r.reason, claim: r.claim }, 'OpenID Connect sign-in refused');
          await deps.onRefusal?.({ ...r, ...who }, req).catch((e: unknown) => log.error({ err: e }, 'recording a refused sign-in failed'));
        }
        throw err;
      }
      callbacks?.inc({ outcome: 'signed_in' });
      if (!reply.sent) return reply.redirect('/', 302);
      return reply;
    });

    async function callback(req: FastifyRequest, reply: FastifyReply, who: { issuer: string | null; subject: string | null }) {
      const sealed = req.cookies[STATE_COOKIE];
      const pending = sealed ? sealer.open(sealed, deps.clock.now()) : null;
      if (!pending) throw stateRefusal(sealed === undefined ? 'state_missing' : 'state_invalid');
      const config = await discovery.configuration();
      // The URL the provider redirected to, as registered (a proxy may change the host the service sees).
      const current = new URL(redirectUrl);
      current.search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const claims = await exchange(config, current, pending).catch((err: unknown) => {
        throw classify(err);
      });
      who.issuer = config.serverMetadata().issuer;
      who.subject = claims.subject;
      const mapped = mapClaims(claims.all, deps.settings.mapping);
      if (!mapped.ok) throw claimsRefusal(mapped.refusal);
      await deps.signIn({ issuer: who.issuer, subject: claims.subject, ...mapped.identity }, req, reply);
    }
  });
}

/**
 * The code for tokens (state, issuer, PKCE, ID token signature, audience and nonce checked by
 * openid-client), then the UserInfo claims: many providers put only `sub` in the ID token.
 * The ID token's claims win over UserInfo's.
 */
async function exchange(
  config: client.Configuration,
  current: URL,
  pending: { state: string; nonce: string; codeVerifier: string },
): Promise<{ subject: string; all: Record<string, unknown> }> {
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  });
  const id = tokens.claims();
  if (!id) throw noIdToken();
  const info = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, id.sub) : {};
  return { subject: id.sub, all: { ...info, ...id } };
}
