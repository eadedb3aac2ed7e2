import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { createHttpBase } from '../../platform/http.ts';
import { createLogger } from '../../platform/logger.ts';
import { oidcEnvSchema, oidcSettings, type OidcSettings } from '../../access/oidc-config.ts';
import { registerOidcRoutes, type OidcRefusal, type OidcSignIn } from '../../access/oidc-routes.ts';
import { createStateSealer, type PendingSignIn } from '../../access/oidc-state.ts';
import { CookieBrowser, completeAtProvider, freePort, locationOf, startOidcProvider, type TestProvider } from '../helpers/oidc-provider.ts';

// OpenID Connect sign-in (access/oidc-routes.ts) against a real provider process
// (oidc-provider), through a real listening app: the browser-less flow end to end, and every
// refusal with signIn never called.
const CLIENT_ID = 'ews-test';
const CLIENT_SECRET = 'test-client-secret-0123456789';
const accounts = {
  lan: {
    preferred_username: 'lan.nguyen',
    ews_role: 'officer',
    ews_jurisdiction: 'province:24',
    locale: 'vi-VN',
    email: 'lan@soyte.example.vn',
    email_verified: true,
  },
  minh: { preferred_username: 'minh.tran', ews_role: 'epidemiologist', ews_jurisdiction: 'communes:07210,07213', locale: 'en-GB' },
  'no-role': { preferred_username: 'khong.vai.tro', ews_jurisdiction: 'national' },
  'odd-role': { preferred_username: 'odd', ews_role: 'superuser', ews_jurisdiction: 'national' },
  'bad-place': { preferred_username: 'bad.place', ews_role: 'officer', ews_jurisdiction: 'province:2' },
  grouped: { preferred_username: 'hoa.le', groups: ['staff', 'ews-admins'], ews_jurisdiction: 'national' },
};

class App {
  readonly signIns: OidcSignIn[] = [];
  readonly refusals: OidcRefusal[] = [];
  readonly metrics = new Registry();
  app!: FastifyInstance;
  base!: string;
  /** Added to the real time: lets a test outlive the 10-minute state. */
  clockOffsetMs = 0;

  async start(port: number, env: Record<string, string>, settingsOf = (s: OidcSettings) => s): Promise<this> {
    const settings = settingsOf(oidcSettings(loadConfig(oidcEnvSchema, env))!);
    const logger = createLogger({ level: 'silent' });
    this.app = createHttpBase({
      logger,
      metrics: this.metrics,
      bodyLimit: 1 << 20,
      health: () => Promise.resolve({}),
      metricsAccess: 'elsewhere',
    });
    await registerOidcRoutes(this.app, {
      settings,
      logger,
      metrics: this.metrics,
      onRefusal: async (r) => {
        this.refusals.push(r);
        await Promise.resolve();
      },
      clock: { now: () => Date.now() + this.clockOffsetMs },
      signIn: async (identity, _req, reply) => {
        this.signIns.push(identity);
        // What the session code does: set its cookie on the reply the routes then redirect.
        void reply.setCookie('ews_session', 'session-of-' + identity.username, { path: '/', httpOnly: true, sameSite: 'strict' });
        await Promise.resolve();
      },
    });
    await this.app.listen({ port, host: '127.0.0.1' });
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }
}

let provider: TestProvider;
let app: App;
let mapped: App;
let callback: string;
let mappedCallback: string;

beforeAll(async () => {
  const [port, mappedPort] = [await freePort(), await freePort()];
  callback = `http://127.0.0.1:${port}/v1/session/oidc/callback`;
  mappedCallback = `http://127.0.0.1:${mappedPort}/v1/session/oidc/callback`;
  provider = await startOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [callback, mappedCallback],
    accounts,
  });
  const env = { EWS_OIDC_ISSUER: provider.issuer, EWS_OIDC_CLIENT_ID: CLIENT_ID, EWS_OIDC_CLIENT_SECRET: CLIENT_SECRET };
  app = await new App().start(port, { ...env, EWS_OIDC_REDIRECT_URL: callback });
  // The same provider, with groups mapped to roles.
  mapped = await new App().start(mappedPort, {
    ...env,
    EWS_OIDC_REDIRECT_URL: mappedCallback,
    EWS_OIDC_ROLE_CLAIM: 'groups',
    EWS_OIDC_ROLE_MAP: '{"ews-admins":"admin","ews-officers":"officer"}',
  });
});

afterAll(async () => {
  await app?.app.close();
  await mapped?.app.close();
  await provider?.stop();
});

beforeEach(() => {
  for (const a of [app, mapped]) {
    a.signIns.length = 0;
    a.refusals.length = 0;
  }
  app.clockOffsetMs = 0;
});

/** GET /v1/session/oidc, then the provider's login and consent: the callback URL, not yet visited. */
async function toCallback(browser: CookieBrowser, a: App, action: { accountId: string } | { abort: true }) {
  const start = await browser.get(`${a.base}/v1/session/oidc`);
  expect(start.status).toBe(302);
  const authorization = locationOf(start, a.base);
  return { start, authorization, callback: await completeAtProvider(browser, authorization, `${a.base}/v1/session/oidc/callback`, action) };
}

/** `ews_access_oidc_callbacks_total` by outcome. */
async function callbacksOf(a: App) {
  const metric = await a.metrics.getSingleMetric('ews_access_oidc_callbacks_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels['outcome']), v.value]));
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
}

describe('OIDC sign-in with a real provider', () => {
  it('redirects to the provider with PKCE S256, state and nonce in a Lax, HttpOnly, 10-minute cookie', async () => {
    const browser = new CookieBrowser();
    const start = await browser.get(`${app.base}/v1/session/oidc`);
    expect(start.status).toBe(302);
    const url = locationOf(start, app.base);
    expect(url.origin).toBe(provider.issuer);
    expect(url.pathname).toBe('/auth');
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(callback);
    expect(q.get('scope')).toBe('openid profile email');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('ews_oidc='));
    expect(cookie).toMatch(/; Max-Age=600/);
    expect(cookie).toMatch(/; Path=\/v1\/session\/oidc(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    // Sealed: neither the state nor the verifier is readable in the cookie.
    expect(cookie).not.toContain(q.get('state'));
    expect(start.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in: the mapped identity reaches signIn, its cookie is kept, and the browser goes to /', async () => {
    const before = await callbacksOf(app);
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    expect(back.searchParams.get('code')).toBeTruthy();
    const res = await browser.get(back);
    expect(res.status, await res.clone().text()).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(app.signIns).toEqual([
      {
        issuer: provider.issuer,
        subject: 'lan',
        username: 'lan.nguyen',
        role: 'officer',
        jurisdiction: { level: 'province', province: '24' },
        lang: 'vi',
        email: 'lan@soyte.example.vn',
      },
    ]);
    expect(browser.cookie(new URL(app.base).host, 'ews_session')).toBe('session-of-lan.nguyen');
    // The pending state is spent.
    expect(browser.cookie(new URL(app.base).host, 'ews_oidc')).toBeUndefined();
    expect(app.refusals).toEqual([]);
    expect(await callbacksOf(app)).toEqual({ ...before, signed_in: (before['signed_in'] ?? 0) + 1 });
  });

  it('maps communes, English and no e-mail', async () => {
    const browser = new CookieBrowser();
    const res = await browser.get((await toCallback(browser, app, { accountId: 'minh' })).callback);
    expect(res.status).toBe(302);
    expect(app.signIns).toEqual([
      expect.objectContaining({
        subject: 'minh',
        username: 'minh.tran',
        role: 'epidemiologist',
        jurisdiction: { level: 'communes', communes: ['07210', '07213'] },
        lang: 'en',
        email: null,
      }),
    ]);
  });

  it('maps a group through EWS_OIDC_ROLE_MAP', async () => {
    const browser = new CookieBrowser();
    const res = await browser.get((await toCallback(browser, mapped, { accountId: 'grouped' })).callback);
    expect(res.status).toBe(302);
    expect(mapped.signIns).toEqual([expect.objectContaining({ username: 'hoa.le', role: 'admin', jurisdiction: { level: 'national' } })]);
  });
});

describe('OIDC sign-in refusals never start a session', () => {
  it.each([
    ['an account without the role claim', 'no-role', 'ews_role', 'missing', /did not send the claim 'ews_role'.*không gửi/],
    ['an unknown role', 'odd-role', 'ews_role', 'role_not_allowed', /"superuser".*not one of/],
    ['a malformed jurisdiction', 'bad-place', 'ews_jurisdiction', 'invalid', /ews_jurisdiction.*2-digit province code/],
  ])('%s: 403 naming the claim', async (_name, accountId, claim, reason, message) => {
    const browser = new CookieBrowser();
    const res = await browser.get((await toCallback(browser, app, { accountId })).callback);
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'OIDC_SIGN_IN_REFUSED', details: { claim, reason } });
    expect(error.message).toMatch(message);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('ews_session='))).toBe(false);
    expect(app.signIns).toEqual([]);
    // For the audit log: who was refused, and why.
    expect(app.refusals).toEqual([{ code: 'OIDC_SIGN_IN_REFUSED', reason, claim, issuer: provider.issuer, subject: accountId }]);
  });

  it('a role the map does not know: 403', async () => {
    const browser = new CookieBrowser();
    // `lan` has ews_role=officer but no groups claim; with the map the role claim is `groups`.
    const res = await browser.get((await toCallback(browser, mapped, { accountId: 'lan' })).callback);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ code: 'OIDC_SIGN_IN_REFUSED', details: { claim: 'groups', reason: 'missing' } });
    expect(mapped.signIns).toEqual([]);
  });

  it('the provider answering error=access_denied: 403, bilingual', async () => {
    const before = await callbacksOf(app);
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { abort: true });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const res = await browser.get(back);
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'OIDC_SIGN_IN_REFUSED', details: { reason: 'provider_error', error: 'access_denied' } });
    expect(error.message).toMatch(/cancelled or refused.*bị từ chối/);
    expect(app.signIns).toEqual([]);
    expect(app.refusals).toEqual([{ code: 'OIDC_SIGN_IN_REFUSED', reason: 'provider_error', claim: null, issuer: null, subject: null }]);
    expect(await callbacksOf(app)).toEqual({ ...before, refused: (before['refused'] ?? 0) + 1 });
  });

  it('a tampered state: 400, and the code is not exchanged', async () => {
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    const sealed = browser.cookie(new URL(app.base).host, 'ews_oidc')!;
    const tampered = new URL(back);
    tampered.searchParams.set('state', back.searchParams.get('state')!.slice(0, -2) + 'xx');
    const res = await browser.get(tampered);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason: 'response_invalid' } });
    expect(app.signIns).toEqual([]);
    // The code was never spent: the untampered callback with the same pending state still signs in.
    browser.setCookie(new URL(app.base).host, 'ews_oidc', sealed);
    expect((await browser.get(back)).status).toBe(302);
    expect(app.signIns).toHaveLength(1);
  });

  it('a tampered or missing state cookie: 400', async () => {
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    const host = new URL(app.base).host;
    const sealed = browser.cookie(host, 'ews_oidc')!;
    const flipped = sealed.slice(0, 10) + (sealed[10] === 'A' ? 'B' : 'A') + sealed.slice(11);
    browser.setCookie(host, 'ews_oidc', flipped);
    const tampered = await browser.get(back);
    expect(tampered.status).toBe(400);
    expect(await errorOf(tampered)).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason: 'state_invalid' } });
    // Another browser (no cookie at all) holding the callback URL.
    const other = await new CookieBrowser().get(back);
    expect(other.status).toBe(400);
    const error = await errorOf(other);
    expect(error).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason: 'state_missing' } });
    expect(error.message).toMatch(/no valid state.*đăng nhập lại/);
    expect(app.signIns).toEqual([]);
  });

  it('a state older than 10 minutes: 400', async () => {
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    app.clockOffsetMs = 10 * 60 * 1000 + 1000;
    const res = await browser.get(back);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason: 'state_invalid' } });
    expect(app.signIns).toEqual([]);
  });

  it('a replayed callback (the code used twice, with its cookie): the second is refused by the provider', async () => {
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    const host = new URL(app.base).host;
    const sealed = browser.cookie(host, 'ews_oidc')!;
    expect((await browser.get(back)).status).toBe(302);
    expect(app.signIns).toHaveLength(1);
    // The same browser replaying: its pending state was cleared.
    const again = await browser.get(back);
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ details: { reason: 'state_missing' } });
    // Someone who kept the cookie too: the provider refuses the spent code.
    const thief = new CookieBrowser();
    thief.setCookie(host, 'ews_oidc', sealed);
    const replay = await thief.get(back);
    expect(replay.status).toBe(400);
    const error = await errorOf(replay);
    expect(error).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason: 'code_rejected', error: 'invalid_grant' } });
    expect(app.signIns).toHaveLength(1);
    expect(app.refusals.map((r) => r.reason)).toEqual(['state_missing', 'code_rejected']);
    expect((await callbacksOf(app))['invalid']).toBeGreaterThanOrEqual(2);
  });

  // The test holds the client secret, so it can reseal the pending sign-in with one part changed.
  it.each([
    ['a nonce other than the ID token’s', (p: PendingSignIn) => ({ ...p, nonce: p.nonce + 'x' }), 'response_invalid'],
    [
      'a PKCE verifier other than the challenge’s',
      (p: PendingSignIn) => ({ ...p, codeVerifier: p.codeVerifier.slice(0, -1) + (p.codeVerifier.endsWith('A') ? 'B' : 'A') }),
      'code_rejected',
    ],
  ])('%s: 400', async (_name, change, reason) => {
    const browser = new CookieBrowser();
    const { callback: back } = await toCallback(browser, app, { accountId: 'lan' });
    const host = new URL(app.base).host;
    const sealer = createStateSealer(CLIENT_SECRET);
    const pending = sealer.open(browser.cookie(host, 'ews_oidc')!, Date.now())!;
    expect(pending.state).toBe(back.searchParams.get('state'));
    browser.setCookie(host, 'ews_oidc', sealer.seal(change(pending)));
    const res = await browser.get(back);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'OIDC_CALLBACK_INVALID', details: { reason } });
    expect(app.signIns).toEqual([]);
  });

  it('a callback carrying another sign-in’s state (its own cookie, a stolen code): 400', async () => {
    // The victim's callback URL, replayed in the attacker's browser with the attacker's own pending state.
    const victim = new CookieBrowser();
    const { callback: victimBack } = await toCallback(victim, app, { accountId: 'lan' });
    const attacker = new CookieBrowser();
    await attacker.get(`${app.base}/v1/session/oidc`);
    const res = await attacker.get(victimBack);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'OIDC_CALLBACK_INVALID' });
    expect(app.signIns).toEqual([]);
  });
});

describe('OIDC routes beside the session code', () => {
  it.each(['before', 'after'])('mount on an app that registers @fastify/cookie itself %s them', async (when) => {
    const port = await freePort();
    // The provider knows only the first two redirect URIs: this app only starts sign-ins.
    const logger = createLogger({ level: 'silent' });
    const other = createHttpBase({
      logger,
      metrics: new Registry(),
      bodyLimit: 1 << 20,
      health: () => Promise.resolve({}),
      metricsAccess: 'elsewhere',
    });
    // The session code's own registration, with a secret for its signed cookies.
    const sessionCookies = () => other.register(cookie, { secret: 'a-secret-the-session-code-uses-0123' });
    if (when === 'before') await sessionCookies();
    const settings = oidcSettings(
      loadConfig(oidcEnvSchema, {
        EWS_OIDC_ISSUER: provider.issuer,
        EWS_OIDC_CLIENT_ID: CLIENT_ID,
        EWS_OIDC_CLIENT_SECRET: CLIENT_SECRET,
        EWS_OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/v1/session/oidc/callback`,
      }),
    )!;
    await registerOidcRoutes(other, {
      settings,
      logger,
      clock: { now: () => Date.now() },
      signIn: () => Promise.reject(new Error('not here')),
    });
    if (when === 'after') await sessionCookies();
    other.get('/session-side', (_req, reply) => reply.setCookie('s', 'v', { signed: true }).send({ ok: true }));
    try {
      expect(String((await other.inject({ url: '/session-side' })).headers['set-cookie'])).toMatch(/^s=v\./);
      const res = await other.inject({ url: '/v1/session/oidc' });
      expect(res.statusCode).toBe(302);
      expect(String(res.headers['set-cookie'])).toMatch(/^ews_oidc=/);
      expect((await other.inject({ url: '/v1/session/oidc/callback?code=x&state=y' })).json()).toMatchObject({
        error: { code: 'OIDC_CALLBACK_INVALID', details: { reason: 'state_missing' } },
      });
    } finally {
      await other.close();
    }
  });
});

describe('OIDC provider unreachable', () => {
  it('answers 503 at the start of a sign-in, and tries again at the next', async () => {
    const port = await freePort();
    const closedIssuer = `http://127.0.0.1:${await freePort()}`;
    const down = await new App().start(port, {
      EWS_OIDC_ISSUER: closedIssuer,
      EWS_OIDC_CLIENT_ID: CLIENT_ID,
      EWS_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      EWS_OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/v1/session/oidc/callback`,
    });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${down.base}/v1/session/oidc`, { redirect: 'manual' });
        expect(res.status).toBe(503);
        const error = await errorOf(res);
        expect(error.code).toBe('OIDC_UNAVAILABLE');
        expect(error.message).toContain(closedIssuer);
      }
    } finally {
      await down.app.close();
    }
  });
});
