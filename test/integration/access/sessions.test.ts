import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline } from '../../helpers/pipeline.ts';
import { hashPassword, verifyPassword } from '../../../access/passwords.ts';
import { createAuthenticator, CSRF_HEADER, SESSION_COOKIE } from '../../../access/authenticate.ts';
import { registerSessionRoutes } from '../../../access/session-routes.ts';
import { hashToken } from '../../../platform/secret-tokens.ts';
import type { NewUser } from '../../../storage/users.ts';

const TOKEN = 'access-admin-token-access-admin-token-01';
const PASSWORD = 'correct horse battery';
type Pipe = Awaited<ReturnType<typeof startTestPipeline>>;

const MIN = 60_000;
let now = Date.parse('2026-12-01T02:00:00Z');
const clock = { now: () => now };
let p: Pipe;
let seq = 0;
// Each user signs in from an address of its own, so the per-address slowing of one test does not reach another.
const addressOf = new Map<string, string>();

beforeAll(async () => {
  p = await startTestPipeline({ env: { EWS_ADMIN_TOKEN: TOKEN }, clock });
});
afterAll(() => p.cleanup());

/** A new user with PASSWORD; a fresh name per test so failures and sessions do not mix. */
async function user(over: Partial<NewUser> = {}): Promise<string> {
  const username = `u${++seq}.${over.role ?? 'admin'}`;
  addressOf.set(username, `192.0.2.${seq}`);
  await p.access.users.add({
    username,
    role: 'admin',
    jurisdiction: { level: 'national' },
    passwordHash: await hashPassword(PASSWORD),
    ...over,
  });
  return username;
}

const signIn = (username: string, password = PASSWORD, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  p.app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { username, password },
    remoteAddress: addressOf.get(username) ?? '203.0.113.1',
    ...extra,
  });

function sessionOf(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
  return { cookie, header: `${SESSION_COOKIE}=${cookie.value}`, csrf: res.json<{ csrf_token: string }>().csrf_token };
}

const errorCode = (res: LightMyRequestResponse) => res.json<{ error: { code: string } }>().error.code;

describe('passwords', () => {
  it('are argon2id with the OWASP parameters, salted, and verify only the right password', async () => {
    const a = await hashPassword(PASSWORD);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword(PASSWORD)).not.toBe(a);
    expect(await verifyPassword(a, PASSWORD)).toBe(true);
    expect(await verifyPassword(a, `${PASSWORD}!`)).toBe(false);
    expect(await verifyPassword(null, PASSWORD)).toBe(false);
    expect(await verifyPassword('not a hash', PASSWORD)).toBe(false);
  });

  it('an unknown user costs one argon2 verification too (a dummy hash), so the time does not tell who exists', async () => {
    const stored = await hashPassword(PASSWORD);
    await verifyPassword(null, 'warm-up');
    const median = async (f: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await f();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    const known = await median(() => verifyPassword(stored, 'wrong password'));
    const unknown = await median(() => verifyPassword(null, 'wrong password'));
    // Without the dummy verification an unknown user would answer in microseconds, not milliseconds.
    expect(known).toBeGreaterThan(3);
    expect(unknown).toBeGreaterThan(known * 0.5);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, Path=/ cookie; GET /v1/session answers the user; only the hash of the id is stored', async () => {
    const name = await user({ role: 'officer', jurisdiction: { level: 'province', province: '24' }, lang: 'en' });
    const res = await signIn(name);
    const { cookie, header, csrf } = sessionOf(res);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 12 * 3600 });
    expect(cookie.secure).toBeUndefined();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json()).toEqual({
      user: { username: name, role: 'officer', jurisdiction: { level: 'province', province: '24' }, lang: 'en' },
      csrf_token: csrf,
    });
    const me = await p.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: header } });
    expect(me.json()).toEqual(res.json());
    const rows = await p.operational.query<Record<string, unknown>>('SELECT * FROM sessions');
    expect(rows.rows.some((r) => r['id_hash'] === hashToken(cookie.value))).toBe(true);
    expect(JSON.stringify(rows.rows)).not.toContain(cookie.value);
    const audit = await p.access.audit.list({ action: 'sign_in', actor: name, limit: 5 });
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ clientAddress: addressOf.get(name), actorRole: 'officer', via: 'session' });
  });

  it('is Secure under TLS and with EWS_SESSION_COOKIE_SECURE, never because a client sends X-Forwarded-Proto', async () => {
    const name = await user();
    const plain = sessionOf(await signIn(name, PASSWORD, { headers: { 'x-forwarded-proto': 'https' } }));
    expect(plain.cookie.secure).toBeUndefined();
    // Over real TLS (a certificate the test makes), the same routes mark the cookie Secure.
    const dir = mkdtempSync(join(tmpdir(), 'ews-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = Fastify({ https: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
    const authenticator = createAuthenticator({
      users: p.access.users,
      sessions: p.access.sessions,
      clock,
      adminToken: undefined,
      sessionTtlMs: 3_600_000,
      sessionIdleMs: 600_000,
      cookieSecure: false,
    });
    registerSessionRoutes(tls, { authenticator, users: p.access.users, sessions: p.access.sessions, clock, metrics: new Registry() });
    try {
      await tls.listen({ port: 0, host: '127.0.0.1' });
      const { port } = tls.server.address() as AddressInfo;
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/session',
            method: 'POST',
            rejectUnauthorized: false,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(String(res.headers['set-cookie']));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ username: name, password: PASSWORD }));
      });
      expect(setCookie).toMatch(/^ews_session=[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; SameSite=Strict; HttpOnly; Secure$/);
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // And EWS_SESSION_COOKIE_SECURE (TLS ends at a proxy) marks it Secure over plain HTTP.
    const behindProxy = Fastify();
    registerSessionRoutes(behindProxy, {
      authenticator: createAuthenticator({
        users: p.access.users,
        sessions: p.access.sessions,
        clock,
        adminToken: undefined,
        sessionTtlMs: 3_600_000,
        sessionIdleMs: 600_000,
        cookieSecure: true,
      }),
      users: p.access.users,
      sessions: p.access.sessions,
      clock,
      metrics: new Registry(),
    });
    const res = await behindProxy.inject({ method: 'POST', url: '/v1/session', payload: { username: name, password: PASSWORD } });
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true);
    await behindProxy.close();
  });

  it('refuses a wrong password, an unknown user (same answer) and a disabled user; audits and counts each', async () => {
    const name = await user();
    const wrong = await signIn(name, 'wrong password!!');
    const unknown = await signIn('nobody-here', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json<{ error: { message: string } }>().error.message).toMatch(/wrong username or password \/ sai tên đăng nhập/);
    expect(wrong.cookies).toEqual([]);
    await p.access.users.disable(name);
    const disabled = await signIn(name);
    expect(disabled.statusCode).toBe(401);
    expect(disabled.json<{ error: { message: string } }>().error.message).toMatch(/disabled/);
    const failed = await p.access.audit.list({ action: 'sign_in_failed', limit: 10 });
    const mine = failed.records.filter((r) => r.target === name || r.target === 'nobody-here').map((r) => r.details['reason']);
    expect(mine).toEqual(['disabled', 'unknown_user', 'wrong_password']);
    const metrics = await p.metrics.getSingleMetricAsString('ews_access_sign_ins_total');
    for (const outcome of ['wrong_password', 'unknown_user', 'disabled'])
      expect(metrics).toMatch(new RegExp(`outcome="${outcome}"\\} [1-9]`));
  });

  it('slows failures: 4 free, then 429 with Retry-After doubling (the password is not even checked); per username and per address', async () => {
    const name = await user();
    for (let i = 0; i < 5; i++) expect((await signIn(name, 'bad password 123')).statusCode).toBe(401);
    const held = await signIn(name); // the right password, but too soon
    expect(held.statusCode).toBe(429);
    expect(held.headers['retry-after']).toBe('1');
    expect(errorCode(held)).toBe('RATE_LIMITED');
    now += 1000;
    expect((await signIn(name, 'bad password 123')).statusCode).toBe(401); // the 6th failure
    expect((await signIn(name)).headers['retry-after']).toBe('2');
    now += 2000;
    // Negative control: once the wait is over, the right password signs in and the count is forgotten.
    sessionOf(await signIn(name));
    expect((await signIn(name, 'bad password 123')).statusCode).toBe(401);
    expect((await signIn(name, 'bad password 123')).statusCode).toBe(401);

    // By address: five different usernames from one address, then a sixth is held too.
    const addr = { remoteAddress: '198.51.100.9' };
    for (let i = 0; i < 5; i++) expect((await signIn(`guess${i}`, 'x', addr)).statusCode).toBe(401);
    expect((await signIn(await user(), PASSWORD, addr)).statusCode).toBe(429);
    // …but not from another address.
    expect((await signIn(await user(), PASSWORD, { remoteAddress: '198.51.100.10' })).statusCode).toBe(200);
    now += 15 * MIN;
  });
});

describe('sessions end', () => {
  it('on sign-out (the old cookie is refused, the cookie cleared; sign-out needs the CSRF token)', async () => {
    const s = sessionOf(await signIn(await user()));
    const noCsrf = await p.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: s.header } });
    expect(noCsrf.statusCode).toBe(403);
    expect(errorCode(noCsrf)).toBe('CSRF_FAILED');
    const out = await p.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: s.header, [CSRF_HEADER]: s.csrf } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === SESSION_COOKIE)).toMatchObject({ value: '', maxAge: 0 });
    const after = await p.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: s.header } });
    expect(after.statusCode).toBe(401);
    expect(await p.operational.query('SELECT 1 FROM sessions WHERE id_hash = $1', [hashToken(s.cookie.value)])).toMatchObject({ rows: [] });
  });

  it('after the idle timeout (60 min unused), and after 12 h however active', async () => {
    const s = sessionOf(await signIn(await user()));
    const me = () => p.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: s.header } });
    for (let i = 0; i < 3; i++) {
      now += 59 * MIN;
      expect((await me()).statusCode, `after ${(i + 1) * 59} min, used every 59`).toBe(200);
    }
    now += 60 * MIN;
    const idle = await me();
    expect(idle.statusCode).toBe(401);
    expect(idle.json<{ error: { message: string } }>().error.message).toMatch(/idle/);

    const t = sessionOf(await signIn(await user()));
    for (let i = 0; i < 14; i++) {
      now += 55 * MIN;
      const res = await p.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: t.header } });
      // 14 × 55 min = 12 h 50 min: fine until the 13th step (11 h 55 min), then expired.
      expect(res.statusCode, `step ${i + 1}`).toBe(i < 13 ? 200 : 401);
      if (i === 13) expect(res.json<{ error: { message: string } }>().error.message).toMatch(/expired/);
    }
  });
});

describe('CSRF and bearer tokens', () => {
  it('a cookie POST needs x-csrf-token (403 without, or with a wrong one); bearer callers are exempt', async () => {
    const s = sessionOf(await signIn(await user()));
    const body = (n: string) => ({ username: n, role: 'epidemiologist' });
    const post = (headers: Record<string, string>, n: string) =>
      p.app.inject({ method: 'POST', url: '/v1/admin/users', headers, payload: body(n) });
    const none = await post({ cookie: s.header }, 'csrf-a');
    expect(none.statusCode).toBe(403);
    expect(errorCode(none)).toBe('CSRF_FAILED');
    expect((await post({ cookie: s.header, [CSRF_HEADER]: `${s.csrf}x` }, 'csrf-a')).statusCode).toBe(403);
    expect(await p.access.users.get('csrf-a')).toBeUndefined();
    expect((await post({ cookie: s.header, [CSRF_HEADER]: s.csrf }, 'csrf-a')).statusCode).toBe(201);
    expect((await post({ authorization: `Bearer ${TOKEN}` }, 'csrf-b')).statusCode).toBe(201);
    // A GET with the cookie needs no token.
    expect((await p.app.inject({ method: 'GET', url: '/v1/admin/users', headers: { cookie: s.header } })).statusCode).toBe(200);
  });

  it('user tokens authenticate as their user, are refused once the user is disabled; unknown tokens and schemes are 401', async () => {
    const name = await user({ role: 'data_manager' });
    const { token } = await p.access.users.issueToken(name);
    const as = (authorization: string) => p.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization } });
    expect((await as(`Bearer ${token}`)).json()).toMatchObject({ user: { username: name, role: 'data_manager' }, csrf_token: null });
    // data_manager may manage hospitals, not users.
    const hospitals = await p.app.inject({ method: 'GET', url: '/v1/admin/hospitals', headers: { authorization: `Bearer ${token}` } });
    expect(hospitals.statusCode).toBe(200);
    const users = await p.app.inject({ method: 'GET', url: '/v1/admin/users', headers: { authorization: `Bearer ${token}` } });
    expect(users.statusCode).toBe(403);
    expect(errorCode(users)).toBe('FORBIDDEN');
    for (const bad of [`Bearer ${token}x`, `Bearer ews_ut_nothing`, `Basic ${token}`, `Bearer ${TOKEN}x`]) {
      const res = await as(bad);
      expect(res.statusCode, bad).toBe(401);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(/\/ cần đăng nhập/);
    }
    const disable = await p.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${name}/disable`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(disable.statusCode).toBe(200);
    expect((await as(`Bearer ${token}`)).statusCode).toBe(401);
  });
});
