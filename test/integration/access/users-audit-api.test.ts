import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestPipeline } from '../../helpers/pipeline.ts';
import { SERVER_URL, serverAnswers, uniqueSchema } from '../pg/backends.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../access/authenticate.ts';

const TOKEN = 'users-admin-token-users-admin-token-0123';
const admin = { authorization: `Bearer ${TOKEN}` };
type Pipe = Awaited<ReturnType<typeof startTestPipeline>>;
let p: Pipe;

// On both engines: PGlite in the data directory, and the PostgreSQL server (a database of its own).
const hasServer = await serverAnswers();
let database: string | undefined;
const server = new pg.Client({ connectionString: SERVER_URL });
if (hasServer) {
  database = uniqueSchema();
  await server.connect();
  await server.query(`CREATE DATABASE ${database}`);
}
afterAll(async () => {
  if (!database) return;
  await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await server.end();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = admin) =>
  p.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
const error = (res: LightMyRequestResponse) => res.json<{ error: { code: string; message: string; details: unknown } }>().error;

describe.each([
  { engine: 'pglite', env: () => ({}), run: true },
  { engine: 'postgres', env: () => ({ DATABASE_URL: SERVER_URL.replace(/\/[^/]+$/, `/${database}`) }), run: hasServer },
])('on $engine', ({ env, run }) => {
  beforeAll(async () => {
    if (run) p = await startTestPipeline({ env: { EWS_ADMIN_TOKEN: TOKEN, ...env() } });
  });
  afterAll(() => (run ? p.cleanup() : undefined));

  describe('users admin API', () => {
    it.runIf(run)(
      'adds with a generated password shown once (which signs in), refuses duplicates and unknown units naming the field',
      async () => {
        const add = await post('/v1/admin/users', {
          username: 'bn.epi',
          role: 'epidemiologist',
          jurisdiction: { level: 'province', province: '24' },
        });
        expect(add.statusCode, add.body).toBe(201);
        const { user, password } = add.json<{ user: Record<string, unknown>; password: string }>();
        expect(user).toMatchObject({ username: 'bn.epi', role: 'epidemiologist', lang: 'vi', has_password: true, disabled_at: null });
        expect(JSON.stringify(user)).not.toMatch(/argon2/);
        expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
        const signIn = await post('/v1/session', { username: 'bn.epi', password }, {});
        expect(signIn.statusCode).toBe(200);

        expect((await post('/v1/admin/users', { username: 'bn.epi', role: 'admin' })).statusCode).toBe(409);
        const cases: [unknown, RegExp][] = [
          [
            { username: 'x1', role: 'officer', jurisdiction: { level: 'province', province: '99' } },
            /jurisdiction\.province unknown province 99/,
          ],
          [
            { username: 'x1', role: 'officer', jurisdiction: { level: 'province', province: '2' } },
            /jurisdiction\.province must be a 2-digit/,
          ],
          [
            { username: 'x1', role: 'officer', jurisdiction: { level: 'communes', communes: ['07210', '99999'] } },
            /jurisdiction\.communes\.1 unknown commune 99999/,
          ],
          [{ username: 'x1', role: 'boss' }, /role must be one of/],
          [{ username: 'X 1', role: 'officer' }, /username must be/],
          [{ username: 'x1', role: 'officer', password: 'short' }, /password must be at least 10/],
          [{ username: 'x1', role: 'officer', lang: 'fr' }, /lang must be one of vi, en/],
        ];
        for (const [body, re] of cases) {
          const res = await post('/v1/admin/users', body);
          expect(res.statusCode, JSON.stringify(body)).toBe(400);
          expect(error(res).message, JSON.stringify(body)).toMatch(re);
        }
        expect(await p.access.users.get('x1')).toBeUndefined();
      },
    );

    it.runIf(run)(
      'issues a token (once), lists, changes a password (ending sessions) and disables; each change audited with the caller',
      async () => {
        await post('/v1/admin/users', {
          username: 'hy.off',
          role: 'officer',
          jurisdiction: { level: 'communes', communes: ['11953'] },
          password: 'first password 1',
        });
        const session = await post('/v1/session', { username: 'hy.off', password: 'first password 1' }, {});
        const cookie = `${SESSION_COOKIE}=${session.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
        const token = (await post('/v1/admin/users/hy.off/token', {})).json<{ token: string }>().token;
        expect(token).toMatch(/^ews_ut_/);
        const list = await p.app.inject({ method: 'GET', url: '/v1/admin/users', headers: admin });
        expect(list.body).not.toContain(token);
        expect(list.json<{ users: { username: string }[] }>().users.map((u) => u.username)).toContain('hy.off');

        const pw = await post('/v1/admin/users/hy.off/password', { password: 'second password 2' });
        expect(pw.statusCode).toBe(200);
        expect(pw.json()).not.toHaveProperty('password');
        expect((await p.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } })).statusCode).toBe(401);
        expect((await post('/v1/session', { username: 'hy.off', password: 'first password 1' }, {})).statusCode).toBe(401);
        expect((await post('/v1/session', { username: 'hy.off', password: 'second password 2' }, {})).statusCode).toBe(200);
        const me = () => p.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${token}` } });
        expect((await me()).statusCode).toBe(200);
        expect((await post('/v1/admin/users/hy.off/disable', {})).statusCode).toBe(200);
        expect((await me()).statusCode).toBe(401);
        expect((await post('/v1/admin/users/nobody/disable', {})).statusCode).toBe(404);

        const audit = await p.access.audit.list({ target: 'hy.off', limit: 20 });
        expect(audit.records.filter((r) => r.actor === 'admin-token').map((r) => r.action)).toEqual([
          'user.disable',
          'user.password',
          'user.token',
          'user.add',
        ]);
        expect(audit.records[0]).toMatchObject({ actorRole: 'admin', via: 'admin_token', clientAddress: '127.0.0.1' });
        expect(JSON.stringify(audit.records)).not.toContain(token);
      },
    );

    it.runIf(run)(
      'an admin user may manage users with a session (and the CSRF token); an officer may not (403); nobody without credentials (401)',
      async () => {
        await post('/v1/admin/users', { username: 'root2', role: 'admin', password: 'root password 1' });
        await post('/v1/admin/users', { username: 'plain', role: 'officer', password: 'plain password 1' });
        const s = await post('/v1/session', { username: 'root2', password: 'root password 1' }, {});
        const headers = { cookie: `${SESSION_COOKIE}=${s.cookies[0]!.value}`, [CSRF_HEADER]: s.json<{ csrf_token: string }>().csrf_token };
        const made = await post(
          '/v1/admin/users',
          { username: 'by.root', role: 'officer', jurisdiction: { level: 'province', province: '33' } },
          headers,
        );
        expect(made.statusCode).toBe(201);
        const row = (await p.access.audit.list({ action: 'user.add', target: 'by.root', limit: 1 })).records[0];
        expect(row).toMatchObject({ actor: 'root2', actorRole: 'admin', via: 'session' });
        // Hospitals too, audited with the user as the actor.
        expect((await post('/v1/admin/hospitals', { id: 'BV-R', name: 'R' }, headers)).statusCode).toBe(201);
        expect((await p.access.audit.list({ action: 'hospital.add', limit: 1 })).records[0]).toMatchObject({
          actor: 'root2',
          target: 'BV-R',
        });

        const o = await post('/v1/session', { username: 'plain', password: 'plain password 1' }, {});
        const officer = { cookie: `${SESSION_COOKIE}=${o.cookies[0]!.value}`, [CSRF_HEADER]: o.json<{ csrf_token: string }>().csrf_token };
        for (const [method, url] of [
          ['GET', '/v1/admin/users'],
          ['POST', '/v1/admin/users/plain/token'],
          ['GET', '/v1/audit'],
          ['GET', '/v1/admin/hospitals'],
        ] as const) {
          const res = await p.app.inject({ method, url, headers: officer });
          expect(res.statusCode, url).toBe(403);
          expect(error(res).code).toBe('FORBIDDEN');
          const anon = await p.app.inject({ method, url });
          expect(anon.statusCode, url).toBe(401);
          expect(error(anon).message).toMatch(/no credentials.*\/ cần đăng nhập/);
        }
      },
    );
  });

  describe('GET /v1/audit', () => {
    it.runIf(run)('filters by action, actor, target and time, newest first, paged by cursor; 400 names a bad parameter', async () => {
      for (let i = 0; i < 5; i++)
        await p.access.audit.audit({
          actor: { username: 'reader', role: 'epidemiologist', via: 'session' },
          action: 'line_list.read',
          target: `s${i}`,
        });
      const get = (q: string) => p.app.inject({ method: 'GET', url: `/v1/audit?${q}`, headers: admin });
      const page1 = await get('action=line_list.read&limit=2');
      expect(page1.statusCode).toBe(200);
      const b1 = page1.json<{ records: { target: string; actor: string; at: string }[]; next_cursor: string | null }>();
      expect(b1.records.map((r) => r.target)).toEqual(['s4', 's3']);
      const b2 = (await get(`action=line_list.read&limit=2&cursor=${b1.next_cursor}`)).json<typeof b1>();
      expect(b2.records.map((r) => r.target)).toEqual(['s2', 's1']);
      const b3 = (await get(`action=line_list.read&limit=2&cursor=${b2.next_cursor}`)).json<typeof b1>();
      expect(b3).toMatchObject({ next_cursor: null });
      expect(b3.records.map((r) => r.target)).toEqual(['s0']);
      expect((await get('actor=reader&target=s3')).json<typeof b1>().records).toHaveLength(1);
      expect((await get('actor=nobody')).json<typeof b1>().records).toEqual([]);
      const at = b1.records[0]!.at;
      expect((await get(`action=line_list.read&from=${encodeURIComponent(at)}`)).json<typeof b1>().records.length).toBeGreaterThan(0);
      expect((await get(`action=line_list.read&to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).json<typeof b1>().records).toEqual([]);
      for (const [q, name] of [
        ['limit=501', 'limit'],
        ['limit=0', 'limit'],
        ['from=yesterday', 'from'],
        ['to=2026-12-01', 'to'],
        ['cursor=abc', 'cursor'],
        ['colour=red', 'colour'],
      ]) {
        const res = await get(q!);
        expect(res.statusCode, q).toBe(400);
        expect(error(res)).toMatchObject({ code: 'BAD_QUERY', message: expect.stringContaining(`bad query parameter ${name}`) });
      }
    });
  });
});
