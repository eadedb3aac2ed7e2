import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline } from '../../helpers/pipeline.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../access/authenticate.ts';

type Pipe = Awaited<ReturnType<typeof startTestPipeline>>;
let p: Pipe;
beforeAll(async () => {
  p = await startTestPipeline();
  const add = (body: Record<string, unknown>) =>
    p.app.inject({ method: 'POST', url: '/v1/admin/users', headers: adminHeaders, payload: body });
  for (const res of [
    await add({
      username: 'bn.officer',
      role: 'officer',
      jurisdiction: { level: 'province', province: '24' },
      email: 'bn.officer@example.vn',
      phone: '+84912000024',
      password: 'officer password 1',
    }),
    await add({ username: 'bn.xa', role: 'officer', jurisdiction: { level: 'communes', communes: ['07210'] }, email: 'xa@example.vn' }),
    await add({ username: 'epi', role: 'epidemiologist', password: 'epi password 123' }),
  ])
    expect(res.statusCode, res.body).toBe(201);
});
afterAll(() => p.cleanup());

const signIn = async (username: string, password: string) => {
  const s = await p.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
  expect(s.statusCode).toBe(200);
  return { cookie: `${SESSION_COOKIE}=${s.cookies[0]!.value}`, [CSRF_HEADER]: s.json<{ csrf_token: string }>().csrf_token };
};
const call = (method: 'GET' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
  p.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const error = (res: LightMyRequestResponse) => res.json<{ error: { code: string; message: string } }>().error;

describe('GET/PUT /v1/me/subscription', () => {
  it('shows the default, then stores a change keeping the fields not named; refuses bad fields naming them, in both languages', async () => {
    const me = await signIn('bn.officer', 'officer password 1');
    const before = await call('GET', '/v1/me/subscription', me);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual({
      subscription: {
        username: 'bn.officer',
        syndromes: 'all',
        min_level: 'yellow',
        channels: ['email', 'sms'],
        webhook_url: null,
        head: false,
        active: true,
        stored: false,
        updated_at: null,
      },
    });
    const put = await call('PUT', '/v1/me/subscription', me, { min_level: 'red', syndromes: ['dengue', 'measles_rubella'] });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      subscription: { min_level: 'red', syndromes: ['dengue', 'measles_rubella'], channels: ['email', 'sms'], stored: true, active: true },
    });
    expect((await call('GET', '/v1/me/subscription', me)).json()).toMatchObject({ subscription: { min_level: 'red', stored: true } });
    expect(await p.access.users.subscription('bn.officer')).toMatchObject({ minLevel: 'red', syndromes: ['dengue', 'measles_rubella'] });

    const cases: [unknown, number, RegExp][] = [
      [{ min_level: 'orange' }, 400, /min_level must be "yellow" or "red"/],
      [{ syndromes: ['dengue', 'flu'] }, 400, /syndromes\.1 must be one of/],
      [{ channels: ['webhook'] }, 400, /webhook_url is required for the webhook channel/],
      [{ channels: ['email', 'email'] }, 400, /channels must not repeat/],
      [{ webhook_url: 'ftp://x.vn' }, 400, /webhook_url must be an http\(s\) URL/],
      [{ colour: 'blue' }, 400, /colour/],
      [{ head: true }, 403, /only an administrator names a province head/],
    ];
    for (const [body, status, re] of cases) {
      const res = await call('PUT', '/v1/me/subscription', me, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(error(res).message, JSON.stringify(body)).toMatch(re);
      if (status === 400) expect(error(res).message).toMatch(/đăng ký không hợp lệ/);
    }
    // Nothing of the refused changes was stored.
    expect(await p.access.users.subscription('bn.officer')).toMatchObject({ minLevel: 'red', channels: ['email', 'sms'], head: false });
    // The session cookie without the CSRF token changes nothing.
    const noCsrf = await call('PUT', '/v1/me/subscription', { cookie: me.cookie }, { active: false });
    expect(noCsrf.statusCode).toBe(403);
    expect((await call('GET', '/v1/me/subscription', {})).statusCode).toBe(401);
    const audit = await p.access.audit.list({ action: 'user.subscription', target: 'bn.officer', limit: 10 });
    expect(audit.records.map((r) => [r.actor, r.details['min_level']])).toEqual([['bn.officer', 'red']]);
  });

  it('a user with no address cannot choose a channel that needs one; the admin token is not a user', async () => {
    const epi = await signIn('epi', 'epi password 123');
    expect((await call('GET', '/v1/me/subscription', epi)).json()).toMatchObject({ subscription: { active: false, channels: [] } });
    const res = await call('PUT', '/v1/me/subscription', epi, { active: true, channels: ['email', 'sms'] });
    expect(res.statusCode).toBe(400);
    expect(error(res).message).toMatch(/channels email needs the user's e-mail address.*channels sms needs the user's phone/);
    expect((await call('PUT', '/v1/me/subscription', epi, { active: true })).statusCode).toBe(400);
    // Negative control: a webhook the user names is a channel they can have.
    const ok = await call('PUT', '/v1/me/subscription', epi, {
      active: true,
      channels: ['webhook'],
      webhook_url: 'https://hooks.example.vn/epi',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call('GET', '/v1/me/subscription', adminHeaders)).statusCode).toBe(404);
  });
});

describe('GET/PUT /v1/admin/users/:username/subscription', () => {
  it("an admin reads and edits anyone's (naming a head); an officer may not (403); unknown users are 404", async () => {
    const officer = await signIn('bn.officer', 'officer password 1');
    const url = '/v1/admin/users/bn.xa/subscription';
    expect((await call('GET', url, officer)).statusCode).toBe(403);
    const refused = await call('PUT', url, officer, { active: false });
    expect(refused.statusCode).toBe(403);
    expect(await p.access.users.subscription('bn.xa')).toBeUndefined();
    // Negative control: the same change by an admin is made.
    const made = await call('PUT', url, adminHeaders, { active: false });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({ subscription: { username: 'bn.xa', active: false, stored: true } });
    expect((await call('GET', url, adminHeaders)).json()).toMatchObject({ subscription: { active: false } });

    const head = await call('PUT', '/v1/admin/users/bn.officer/subscription', adminHeaders, { head: true });
    expect(head.statusCode, head.body).toBe(200);
    expect(head.json()).toMatchObject({ subscription: { head: true, min_level: 'red' } });
    const communeHead = await call('PUT', url, adminHeaders, { head: true });
    expect(communeHead.statusCode).toBe(400);
    expect(error(communeHead).message).toMatch(/head a head has a province or national jurisdiction/);
    expect((await call('GET', '/v1/admin/users/nobody/subscription', adminHeaders)).statusCode).toBe(404);
    expect((await call('PUT', '/v1/admin/users/nobody/subscription', adminHeaders, { active: false })).statusCode).toBe(404);
    const audit = await p.access.audit.list({ action: 'user.subscription', actor: 'admin-token', limit: 10 });
    expect(audit.records.map((r) => r.target)).toEqual(['bn.officer', 'bn.xa']);
  });
});
