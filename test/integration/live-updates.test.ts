import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';
import { connectLive, signIn as signInAt, type LiveClient } from '../helpers/live-client.ts';

// GET /v1/live on a real pipeline over real HTTP (issue 12): server-sent events scoped to the
// caller's jurisdiction. Alerts open in Bắc Ninh (09187 Kinh Bắc) and Hưng Yên (11953 Phố Hiến);
// each province's officer hears of their own alert and its steps, never of the other's (each is
// the other's negative control); the national epidemiologist hears of both.
//
// The read-access table (test/integration/read-access.test.ts) holds /v1/live like any read: a
// GET without `Accept: text/event-stream` answers the stream's description after the same
// authentication and permission, so the table's route × role cases run on it; the stream itself
// never ends, which app.inject() cannot wait for, so what it sends is tested here.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let url: string;
const now = Date.parse('2026-11-20T12:00:00+07:00');
const PASSWORD = 'live updates test password';

type Client = LiveClient<{ type: string; data?: { id: string; status: string; level: string } }>;
const signIn = (username: string) => signInAt(url, username, PASSWORD);
const connect = (cookie: string): Promise<Client> => connectLive(url, cookie);

const alertEvents = (c: Client) => c.events.filter((e) => e.type === 'alert').map((e) => e.data!);

const spike = (commune: string, tag: string) => [
  ...Array.from({ length: 9 }, (_, i) =>
    encounter({ event_id: `${tag}-d-${i}`, commune_code: commune, occurred_at: '2026-11-20T09:00:00+07:00', diagnoses: ['A90'] }),
  ),
  ...Array.from({ length: 6 }, (_, i) =>
    lab({ event_id: `${tag}-l-${i}`, commune_code: commune, occurred_at: '2026-11-20T10:00:00+07:00' }),
  ),
];
const quiet = (commune: string, tag: string) =>
  Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`).flatMap((d, i) =>
    i % 2 === 0
      ? []
      : [encounter({ event_id: `${tag}-q-${d}`, commune_code: commune, occurred_at: `${d}T09:00:00+07:00`, diagnoses: ['A90'] })],
  );

describe('live updates: GET /v1/live', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const users: [string, Role, Jurisdiction][] = [
      ['bn.officer', 'officer', { level: 'province', province: '24' }],
      ['hy.officer', 'officer', { level: 'province', province: '33' }],
      ['epi', 'epidemiologist', { level: 'national' }],
    ];
    const passwordHash = await hashPassword(PASSWORD);
    for (const [username, role, jurisdiction] of users) await p.access.users.add({ username, role, jurisdiction, passwordHash });
    await postAndSettle(p, [...quiet('09187', 'bn'), ...quiet('11953', 'hy')]);
    expect((await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await p?.cleanup();
  });

  it('without a session: 401; without the event-stream Accept header: the description of the stream', async () => {
    const anonymous = await fetch(`${url}/v1/live`, { headers: { accept: 'text/event-stream' } });
    expect(anonymous.status).toBe(401);
    const { cookie } = await signIn('epi');
    const plain = await fetch(`${url}/v1/live`, { headers: { cookie } });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ stream: 'text/event-stream' });
  });

  it("each officer hears of the alerts of their province and their steps, not of the other province's; the nation hears of both", async () => {
    const bn = await connect((await signIn('bn.officer')).cookie);
    const hy = await connect((await signIn('hy.officer')).cookie);
    const epi = await connect((await signIn('epi')).cookie);

    await postAndSettle(p, spike('09187', 'bn-spike'));
    const bnAlert = (await p.lifecycle.list({ jurisdiction: { level: 'province', province: '24' }, limit: 10 })).alerts[0]!;
    expect(bnAlert).toMatchObject({ family: 'dengue', status: 'open' });
    await expect.poll(() => alertEvents(bn), { timeout: 10_000 }).toContainEqual({ id: bnAlert.id, status: 'open', level: bnAlert.level });
    await expect.poll(() => alertEvents(epi), { timeout: 10_000 }).toContainEqual(expect.objectContaining({ id: bnAlert.id }));

    // A step through the API reaches the officer connected, with the new status.
    const token = (await p.access.users.issueToken('bn.officer')).token;
    const step = await fetch(`${url}/v1/alerts/${bnAlert.id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'verify', notes: 'confirmed by phone', version: (await p.lifecycle.get(bnAlert.id))!.version }),
    });
    expect(step.status, await step.clone().text()).toBe(200);
    await expect
      .poll(() => alertEvents(bn), { timeout: 10_000 })
      .toContainEqual({ id: bnAlert.id, status: 'verified', level: bnAlert.level });

    // Hưng Yên's own alert reaches its officer (the stream works for them), never Bắc Ninh's officer.
    await postAndSettle(p, spike('11953', 'hy-spike'));
    const hyAlert = (await p.lifecycle.list({ jurisdiction: { level: 'province', province: '33' }, limit: 10 })).alerts[0]!;
    expect(hyAlert.id).not.toBe(bnAlert.id);
    await expect.poll(() => alertEvents(hy), { timeout: 10_000 }).toContainEqual(expect.objectContaining({ id: hyAlert.id }));
    await expect.poll(() => alertEvents(epi), { timeout: 10_000 }).toContainEqual(expect.objectContaining({ id: hyAlert.id }));
    // Another poll has run since (the epidemiologist heard of the later change): nothing crossed over.
    expect(alertEvents(hy).map((e) => e.id)).not.toContain(bnAlert.id);
    expect(alertEvents(bn).map((e) => e.id)).not.toContain(hyAlert.id);
    // Each change is told once.
    expect(alertEvents(bn).filter((e) => e.status === 'verified')).toHaveLength(1);
    for (const c of [bn, hy, epi]) c.close();
  }, 90_000);

  it('signing out ends the streams of that session, not those of another session', async () => {
    const { cookie, csrf } = await signIn('bn.officer');
    const client = await connect(cookie);
    const other = await connect((await signIn('bn.officer')).cookie);
    const out = await fetch(`${url}/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    await expect.poll(() => client.ended(), { timeout: 5_000 }).toBe(true);
    // Negative control: the same user's other session (another browser) stays connected.
    expect(other.ended()).toBe(false);
    other.close();
  }, 30_000);

  it('closing the server ends the connected streams instead of waiting on them', async () => {
    const client = await connect((await signIn('epi')).cookie);
    const started = Date.now();
    await p.app.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => client.ended(), { timeout: 5_000 }).toBe(true);
  }, 30_000);
});
