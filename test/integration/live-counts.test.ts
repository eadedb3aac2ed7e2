import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';
import type { CountsEvent } from '../../dashboards/live-counts.ts';
import { connectLive, signIn as signInAt, type LiveClient } from '../helpers/live-client.ts';

// GET /v1/live `counts` events on a real pipeline over real HTTP (issue 11): when the count
// processor stores counts, each connected caller hears of those of its own communes, coalesced
// (one event for a batch, whatever its size). Counts land in Bắc Ninh (09187, 09190) and Hưng
// Yên (11953): each province's officer hears of their own, never of the other's (each is the
// other's negative control); the national epidemiologist hears of both.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let url: string;
const now = Date.parse('2026-11-20T12:00:00+07:00');
const PASSWORD = 'live updates test password';

type Client = LiveClient<{ type: string; data?: unknown }>;
const signIn = (username: string) => signInAt(url, username, PASSWORD);
const connect = (cookie: string): Promise<Client> => connectLive(url, cookie);

const countEvents = (c: Client) => c.events.filter((e) => e.type === 'counts').map((e) => e.data as CountsEvent);

const dengue = (commune: string, tag: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    encounter({ event_id: `${tag}-${i}`, commune_code: commune, occurred_at: '2026-11-20T09:00:00+07:00', diagnoses: ['A90'] }),
  );

describe('live updates: counts on GET /v1/live', () => {
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
  }, 120_000);
  afterAll(async () => {
    await p?.cleanup();
  });

  it('the stream describes its counts event', async () => {
    const { cookie } = await signIn('epi');
    const plain = await fetch(`${url}/v1/live`, { headers: { cookie } });
    expect(await plain.json()).toMatchObject({ events: { counts: expect.stringContaining('counts') } });
  });

  it("each officer hears of their province's new counts, coalesced, never of the other province's; the nation of both", async () => {
    const bn = await connect((await signIn('bn.officer')).cookie);
    const hy = await connect((await signIn('hy.officer')).cookie);
    const epi = await connect((await signIn('epi')).cookie);

    // One batch over two Bắc Ninh communes and Hưng Yên: Bắc Ninh's officer hears of its two communes only.
    await postAndSettle(p, [...dengue('09187', 'a', 3), ...dengue('09190', 'b', 2), ...dengue('11953', 'c', 1)]);
    await expect.poll(() => countEvents(bn), { timeout: 10_000 }).toHaveLength(1);
    expect(countEvents(bn)[0]).toEqual({
      communes: ['09187', '09190'],
      syndromes: expect.arrayContaining(['dengue']),
      days: ['2026-11-20'],
    });
    expect(countEvents(bn)[0]!.syndromes.every((s) => !s.startsWith('_'))).toBe(true);
    await expect.poll(() => countEvents(hy), { timeout: 10_000 }).toHaveLength(1);
    expect(countEvents(hy)[0]!.communes).toEqual(['11953']);
    await expect.poll(() => countEvents(epi), { timeout: 10_000 }).toHaveLength(1);
    expect(countEvents(epi)[0]!.communes).toEqual(['09187', '09190', '11953']);

    // Hưng Yên only: its officer and the nation hear of it; Bắc Ninh's officer, still connected, does not.
    await postAndSettle(p, dengue('11953', 'd', 2));
    await expect.poll(() => countEvents(hy), { timeout: 10_000 }).toHaveLength(2);
    await expect.poll(() => countEvents(epi), { timeout: 10_000 }).toHaveLength(2);
    expect(countEvents(bn)).toHaveLength(1);
    expect(countEvents(bn).flatMap((e) => e.communes)).not.toContain('11953');
    expect(bn.ended()).toBe(false);
    for (const c of [bn, hy, epi]) c.close();
  }, 90_000);
});
