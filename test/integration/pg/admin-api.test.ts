import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../cli/config.ts';
import { startTestPipeline } from '../../helpers/pipeline.ts';
import { SERVER_URL, serverAnswers, uniqueSchema } from './backends.ts';

const TOKEN = 'admin-token-admin-token-admin-token-0123';
const auth = { authorization: `Bearer ${TOKEN}` };
type Pipe = Awaited<ReturnType<typeof startTestPipeline>>;

describe('admin API without EWS_ADMIN_TOKEN', () => {
  let p: Pipe;
  beforeAll(async () => (p = await startTestPipeline({ env: { EWS_ADMIN_TOKEN: '' } })));
  afterAll(() => p.cleanup());

  it('answers 401 in the usual error shape, whatever token is sent', async () => {
    for (const headers of [{}, auth]) {
      const res = await p.app.inject({ method: 'GET', url: '/v1/admin/hospitals', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('EWS_ADMIN_TOKEN'), details: null },
      });
    }
  });

  it('a token shorter than 32 characters stops start-up naming the variable', () => {
    expect(() => readConfig({ EWS_ADMIN_TOKEN: 'short' })).toThrow(/EWS_ADMIN_TOKEN: must be at least 32 characters/);
  });
});

const hasServer = await serverAnswers();
let database: string | undefined;
const admin = new pg.Client({ connectionString: SERVER_URL });
if (hasServer) {
  database = uniqueSchema();
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
}
afterAll(async () => {
  if (!database) return;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describe.each([
  { engine: 'pglite', env: () => ({}), run: true },
  { engine: 'postgres', env: () => ({ DATABASE_URL: SERVER_URL.replace(/\/[^/]+$/, `/${database}`) }), run: hasServer },
])('admin API on $engine', ({ env, run }) => {
  let p: Pipe;
  beforeAll(async () => {
    if (run) p = await startTestPipeline({ env: { EWS_ADMIN_TOKEN: TOKEN, ...env() }, hospitals: [] });
  });
  afterAll(() => (run ? p.cleanup() : undefined));

  it.runIf(run)('refuses a missing or wrong token (401) and accepts the right one', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, { authorization: TOKEN }]) {
      const res = await p.app.inject({ method: 'GET', url: '/v1/admin/hospitals', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('UNAUTHENTICATED');
    }
    const ok = await p.app.inject({ method: 'GET', url: '/v1/admin/hospitals', headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ hospitals: [] });
  });

  it.runIf(run)('registers, lists, rotates and revokes; the process verifier follows each change at once', async () => {
    const add = await p.app.inject({
      method: 'POST',
      url: '/v1/admin/hospitals',
      headers: auth,
      payload: { id: 'BV-BN-01', name: 'Bệnh viện Đa khoa tỉnh Bắc Ninh', province_code: '24' },
    });
    expect(add.statusCode).toBe(201);
    const { key, hospital } = add.json<{ key: string; hospital: Record<string, unknown> }>();
    expect(key).toMatch(/^ews_hk_/);
    expect(hospital).toMatchObject({ id: 'BV-BN-01', province_code: '24', revoked_at: null, key_prefix: key.slice(0, 13) });
    expect(await p.hospitalKeys.verify(key)).toEqual({ ok: true, hospitalId: 'BV-BN-01' });

    const list = await p.app.inject({ method: 'GET', url: '/v1/admin/hospitals', headers: auth });
    expect(list.json<{ hospitals: unknown[] }>().hospitals).toHaveLength(1);
    expect(list.body).not.toContain(key);

    const dup = await p.app.inject({ method: 'POST', url: '/v1/admin/hospitals', headers: auth, payload: { id: 'BV-BN-01', name: 'x' } });
    expect(dup.statusCode).toBe(409);
    const bad = await p.app.inject({
      method: 'POST',
      url: '/v1/admin/hospitals',
      headers: auth,
      payload: { id: 'a b', name: '', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields.sort()).toEqual(['', 'id', 'name']);

    const rot = await p.app.inject({ method: 'POST', url: '/v1/admin/hospitals/BV-BN-01/rotate', headers: auth });
    expect(rot.statusCode).toBe(200);
    const rotated = rot.json<{ key: string }>().key;
    expect(rotated).not.toBe(key);
    expect(await p.hospitalKeys.verify(rotated)).toEqual({ ok: true, hospitalId: 'BV-BN-01' });
    // Inside the 24 h grace period the old key still works.
    expect(await p.hospitalKeys.verify(key)).toEqual({ ok: true, hospitalId: 'BV-BN-01' });

    const rev = await p.app.inject({ method: 'POST', url: '/v1/admin/hospitals/BV-BN-01/revoke', headers: auth });
    expect(rev.statusCode).toBe(200);
    expect(rev.json<{ hospital: { revoked_at: string | null } }>().hospital.revoked_at).not.toBeNull();
    expect(await p.hospitalKeys.verify(rotated)).toEqual({ ok: false, reason: 'revoked' });
    expect(await p.hospitalKeys.verify(key)).toEqual({ ok: false, reason: 'revoked' });

    const missing = await p.app.inject({ method: 'POST', url: '/v1/admin/hospitals/NOPE/rotate', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
  });
});
