import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import { mapClaims, type OidcIdentity } from './oidc-claims.ts';
import { OIDC_CALLBACK_PATH, type OidcSettings } from './oidc-config.ts';
import { createOidcDiscovery, type OidcDiscovery } from './oidc-discovery.ts';
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
   * as any error. If it sends the reply itself, the routes send nothing more; otherwise they
   * redirect to `/`.
   */
  signIn: (identity: OidcSignIn, req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The provider's discovery; default createOidcDiscovery(settings, logger). */
  discovery?: OidcDiscovery;
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
      const mapped = mapClaims(claims.all, deps.settings.mapping);
      if (!mapped.ok) {
        log.info({ claim: mapped.refusal.claim, reason: mapped.refusal.reason }, 'OpenID Connect sign-in refused');
        throw new AppError('OIDC_SIGN_IN_REFUSED', mapped.refusal.message, {
          details: { claim: mapped.refusal.claim, reason: mapped.refusal.reason },
        });
      }
      await deps.signIn({ issuer: config.serverMetadata().issuer, subject: claims.subject, ...mapped.identity }, req, reply);
      if (!reply.sent) return reply.redirect('/', 302);
      return reply;
    });
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
  if (!id)
    throw new AppError('OIDC_CALLBACK_INVALID', `the identity provider sent no ID token; ${START_AGAIN}`, {
      details: { reason: 'no_id_token' },
    });
  const info = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, id.sub) : {};
  return { subject: id.sub, all: { ...info, ...id } };
}

const START_AGAIN = `start again at ${OIDC_START_PATH} / vui lòng đăng nhập lại`;

function stateRefusal(reason: 'state_missing' | 'state_invalid'): AppError {
  return new AppError(
    'OIDC_CALLBACK_INVALID',
    `this sign-in has no valid state: it expired (10 minutes), was started in another browser, or the link was altered; ${START_AGAIN}` +
      ` (phiên đăng nhập không hợp lệ hoặc đã hết hạn)`,
    { details: { reason } },
  );
}

/** openid-client's failures in the error catalogue: the provider said no, the callback is bad, or the provider is unreachable. */
function classify(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof client.AuthorizationResponseError) {
    return new AppError(
      'OIDC_SIGN_IN_REFUSED',
      err.error === 'access_denied'
        ? 'sign-in was cancelled or refused at the identity provider / đăng nhập đã bị hủy hoặc bị từ chối tại nhà cung cấp định danh'
        : `the identity provider refused the sign-in (${err.error}) / nhà cung cấp định danh từ chối đăng nhập (${err.error})`,
      { details: { reason: 'provider_error', error: err.error, error_description: err.error_description ?? null } },
    );
  }
  if (err instanceof client.ResponseBodyError) {
    if (err.status >= 500) return unavailable(err);
    return new AppError(
      'OIDC_CALLBACK_INVALID',
      `the identity provider did not accept the sign-in code (${err.error}: used already or expired); ${START_AGAIN}`,
      { cause: err, details: { reason: 'code_rejected', error: err.error } },
    );
  }
  if (err instanceof TypeError) return unavailable(err);
  if (err instanceof client.ClientError) {
    if (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.name === 'TimeoutError') return unavailable(err);
    return new AppError('OIDC_CALLBACK_INVALID', `the sign-in response did not pass its checks (${err.message}); ${START_AGAIN}`, {
      cause: err,
      details: { reason: 'response_invalid', check: err.code ?? null },
    });
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return unavailable(err);
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

const unavailable = (cause: unknown) =>
  new AppError(
    'OIDC_UNAVAILABLE',
    'the identity provider did not answer; try again in a moment / nhà cung cấp định danh không phản hồi; vui lòng thử lại sau',
    { cause },
  );
