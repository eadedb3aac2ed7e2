import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../../cli/pipeline.ts';
import { createLogger } from '../../../platform/logger.ts';
import {
  CookieBrowser,
  completeAtProvider,
  freePort,
  locationOf,
  startOidcProvider,
  type TestProvider,
} from '../../helpers/oidc-provider.ts';

// OpenID Connect wired into the whole pipeline: a real provider process, the service
// listening, and the session the callback starts is the service's own (GET /v1/session
// answers the mapped user; the audit log has the sign-in and the refusal).
const CLIENT_ID = 'ews-pipeline';
const CLIENT_SECRET = 'pipeline-client-secret-0123456789';
const ADMIN = 'admin-token-for-the-oidc-pipeline-test-000';
const accounts = {
  thu: { preferred_username: 'thu.pham', ews_role: 'officer', ews_jurisdiction: 'province:33', locale: 'en-US' },
  'no-role': { preferred_username: 'khong.vai.tro', ews_jurisdiction: 'national' },
};

let provider: TestProvider;
let pipeline: Pipeline;
let base: string;
let dir: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${base}/v1/session/oidc/callback`],
    accounts,
  });
  dir = mkdtempSync(join(tmpdir(), 'ews-oidc-pipeline-'));
  const config = readConfig({
    EWS_DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
    EWS_ADMIN_TOKEN: ADMIN,
    EWS_OIDC_ISSUER: provider.issuer,
    EWS_OIDC_CLIENT_ID: CLIENT_ID,
    EWS_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    EWS_OIDC_REDIRECT_URL: `${base}/v1/session/oidc/callback`,
  });
  pipeline = await startPipeline(config, { log: createLogger({ level: 'silent' }), clock: { now: () => Date.now() }, cronSchedule: false });
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
  await provider?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signInAs(accountId: string) {
  const browser = new CookieBrowser();
  const start = await browser.get(`${base}/v1/session/oidc`);
  expect(start.status).toBe(302);
  const back = await completeAtProvider(browser, locationOf(start, base), `${base}/v1/session/oidc/callback`, { accountId });
  return { browser, res: await browser.get(back) };
}

const audit = async (action: string) => {
  const res = await fetch(`${base}/v1/audit?action=${action}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { records: { actor: string; via: string; target: string | null; details: Record<string, unknown> }[] })
    .records;
};

describe('OIDC sign-in in the pipeline', () => {
  it('creates the user from the claims at the first sign-in, starts a session, and links the same user the next time', async () => {
    const first = await signInAs('thu');
    expect(first.res.status, await first.res.clone().text()).toBe(302);
    expect(first.res.headers.get('location')).toBe('/');
    const session = first.browser.cookie(new URL(base).host, 'ews_session');
    expect(session).toBeTruthy();
    const me = await fetch(`${base}/v1/session`, { headers: { cookie: `ews_session=${session}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: unknown }).user).toEqual({
      username: 'thu.pham',
      role: 'officer',
      jurisdiction: { level: 'province', province: '33' },
      lang: 'en',
    });

    const second = await signInAs('thu');
    expect(second.res.status).toBe(302);
    const users = (await pipeline.access.users.list()).filter((u) => u.username === 'thu.pham');
    expect(users).toHaveLength(1);
    expect(users[0]!.oidc).toEqual({ issuer: provider.issuer, subject: 'thu' });
    expect(users[0]!.hasPassword).toBe(false);
    expect((await audit('user.add')).filter((e) => e.target === 'thu.pham')).toHaveLength(1);
    expect((await audit('sign_in')).filter((e) => e.target === 'thu.pham' && e.via === 'oidc')).toHaveLength(2);
  });

  it('a refused sign-in starts no session and is audited as sign_in_failed', async () => {
    const { browser, res } = await signInAs('no-role');
    expect(res.status).toBe(403);
    expect(browser.cookie(new URL(base).host, 'ews_session')).toBeUndefined();
    expect(await pipeline.access.users.get('khong.vai.tro')).toBeUndefined();
    const failed = await audit('sign_in_failed');
    expect(failed.some((e) => e.via === 'oidc' && e.actor === 'no-role' && e.details['claim'] === 'ews_role')).toBe(true);
  });

  it('a disabled user stays refused, whatever the provider says', async () => {
    await pipeline.access.users.disable('thu.pham');
    const { browser, res } = await signInAs('thu');
    expect(res.status).toBe(401);
    expect(browser.cookie(new URL(base).host, 'ews_session')).toBeUndefined();
  });
});
