import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { adt, mllpClient, msa } from '../helpers/hl7.ts';
import type { DeadLetterPage } from '../../storage/dead-letter-reads.ts';

/**
 * EWS_INGEST_RATE_LIMIT_PER_MINUTE on HL7 v2: each message counts as a request, one allowance
 * per hospital shared by MLLP and POST /hl7v2 (apart from /v1/events and /fhir). Over it, MLLP
 * answers AR with the limit and when to resend, on a connection that stays open; POST /hl7v2
 * answers 429 with Retry-After and the same AR. Nothing over the limit is stored or dead-lettered.
 */
const DAY = '2026-11-20';
let t = Date.parse('2026-11-20T05:00:00Z');
let n = 0;

const visits = async (p: TestPipeline) => {
  await p.settle();
  const res = await p.app.inject({ url: `/v1/counts?syndrome=_visits&from=${DAY}&to=${DAY}&commune=09187`, headers: adminHeaders });
  expect(res.statusCode).toBe(200);
  return res.json<{ rows: { count: number }[] }>().rows[0]?.count ?? 0;
};
const letters = async (p: TestPipeline) =>
  (await p.app.inject({ url: '/v1/dead-letters?limit=500', headers: adminHeaders })).json<DeadLetterPage>().rows.length;
const message = (p: TestPipeline, hospital: string, control: string) =>
  adt({ key: p.keys[hospital]!, facility: hospital, visit: `RL-${++n}`, control });
const post = (p: TestPipeline, hospital: string, control: string) =>
  p.app.inject({
    method: 'POST',
    url: '/hl7v2',
    headers: { 'content-type': 'x-application/hl7-v2+er7', authorization: `Bearer ${p.keys[hospital]!}` },
    payload: adt({ facility: hospital, visit: `RL-${++n}`, control }),
  });

describe('HL7 v2 rate limit per hospital (3 messages a minute)', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({
      hospitals: ['BV-A', 'BV-B'],
      env: { EWS_MLLP_PORT: '0', EWS_INGEST_RATE_LIMIT_PER_MINUTE: '3' },
      clock: { now: () => t },
    });
  }, 60_000);
  afterAll(() => p?.cleanup());

  it('MLLP: AR with the reason past the limit, the connection kept and answered; only the allowed are counted', async () => {
    const before = await visits(p);
    const lettersBefore = await letters(p);
    const c = await mllpClient(p.mllpPort!);
    for (let i = 1; i <= 5; i++) await c.send(message(p, 'BV-A', `A${i}`));
    const acks = (await c.waitFor(5)).map(msa);
    expect(acks.map((a) => [a.control, a.code])).toEqual([
      ['A1', 'AA'],
      ['A2', 'AA'],
      ['A3', 'AA'],
      ['A4', 'AR'],
      ['A5', 'AR'],
    ]);
    expect(acks[3]!.text).toMatch(/more than 3 messages a minute from this hospital: send it again in \d+ s .*quá 3 bản tin mỗi phút/);
    const retry = Number(/again in (\d+) s/.exec(acks[3]!.text)?.[1]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // Still open: the next message is answered too.
    await c.send(message(p, 'BV-A', 'A6'));
    expect(msa((await c.waitFor(6))[5]!).code).toBe('AR');
    expect(c.socket.destroyed).toBe(false);
    await c.close();
    expect(await visits(p)).toBe(before + 3);
    // A limited message is answered, not dead-lettered.
    expect(await letters(p)).toBe(lettersBefore);
  });

  it('another hospital has its own allowance; POST /hl7v2 shares the MLLP one (429, Retry-After, an AR)', async () => {
    const c = await mllpClient(p.mllpPort!);
    await c.send(message(p, 'BV-B', 'B1'));
    expect(msa((await c.waitFor(1))[0]!).code).toBe('AA');
    await c.close();
    expect((await post(p, 'BV-B', 'B2')).statusCode).toBe(200);
    expect((await post(p, 'BV-B', 'B3')).statusCode).toBe(200);
    const limited = await post(p, 'BV-B', 'B4');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(msa(limited.body)).toMatchObject({ code: 'AR', control: 'B4' });
    expect(msa(limited.body).text).toMatch(/more than 3 messages a minute/);
    // BV-A, already over its limit over MLLP, is over it on HTTP too.
    expect((await post(p, 'BV-A', 'A7')).statusCode).toBe(429);
  });

  it('authentication comes first: an unknown key is refused as such, not counted against anyone', async () => {
    const c = await mllpClient(p.mllpPort!);
    await c.send(adt({ key: 'ews_hk_nobody', visit: `RL-${++n}`, control: 'U1' }));
    expect(msa((await c.waitFor(1))[0]!).text).toMatch(/not recognised/);
    await c.close();
  });

  it('the next minute the hospital is accepted again', async () => {
    t += 61_000;
    const c = await mllpClient(p.mllpPort!);
    await c.send(message(p, 'BV-A', 'A8'));
    expect(msa((await c.waitFor(1))[0]!)).toMatchObject({ code: 'AA', control: 'A8' });
    await c.close();
  });
});

describe('HL7 v2 rate limit off (EWS_INGEST_RATE_LIMIT_PER_MINUTE=0): the negative control', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({
      hospitals: ['BV-A'],
      env: { EWS_MLLP_PORT: '0', EWS_INGEST_RATE_LIMIT_PER_MINUTE: '0' },
      clock: { now: () => t },
    });
  }, 60_000);
  afterAll(() => p?.cleanup());

  it('the same messages, and more, are all AA', async () => {
    const c = await mllpClient(p.mllpPort!);
    for (let i = 1; i <= 8; i++) await c.send(message(p, 'BV-A', `N${i}`));
    expect((await c.waitFor(8)).map((a) => msa(a).code)).toEqual(Array(8).fill('AA'));
    await c.close();
    expect((await post(p, 'BV-A', 'N9')).statusCode).toBe(200);
  });
});
