import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { adt, mllpClient, msa, oru } from '../helpers/hl7.ts';
import { frame } from '../../ingest/hl7/mllp-framing.ts';
import type { DeadLetterPage } from '../../storage/dead-letter-reads.ts';

/**
 * Issue 12: the MLLP listener over real TCP against a real pipeline (chDB + embedded log):
 * AA once durable and counted once even when resent (an A08 of the same visit is the same
 * event); AE/AR with the reason; split, concatenated and 200 KB frames; a client that leaves
 * mid-frame does not stop the next one. POST /hl7v2 answers the same ACKs.
 */
let p: TestPipeline;
let port: number;
let key: string;
const DAY = '2026-11-20';
const now = Date.parse('2026-11-20T05:00:00Z');

const visits = async (commune = '09187') => {
  await p.settle();
  return (
    (await p.app.inject({ url: `/v1/counts?syndrome=_visits&from=${DAY}&to=${DAY}&commune=${commune}`, headers: adminHeaders })).json<{
      rows: { count: number }[];
    }>().rows[0]?.count ?? 0
  );
};
const letters = async () => (await p.app.inject({ url: '/v1/dead-letters?limit=500', headers: adminHeaders })).json<DeadLetterPage>().rows;

beforeAll(async () => {
  p = await startTestPipeline({
    hospitals: ['BV-A', 'BV-B'],
    env: { EWS_MLLP_PORT: '0', EWS_MLLP_MAX_MESSAGE_BYTES: '1048576' },
    clock: { now: () => now },
  });
  port = p.mllpPort!;
  key = p.keys['BV-A']!;
}, 60_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('MLLP listener', () => {
  it('answers AA once durable; a resend and an A08 of the same visit are counted once', async () => {
    const before = await visits();
    const c = await mllpClient(port);
    await c.send(adt({ key, visit: 'VISIT-1', control: 'M1' }));
    await c.send(adt({ key, visit: 'VISIT-1', control: 'M2' }));
    await c.send(adt({ key, visit: 'VISIT-1', control: 'M3', trigger: 'A08' }));
    const acks = await c.waitFor(3);
    expect(acks.map((a) => msa(a).code)).toEqual(['AA', 'AA', 'AA']);
    expect(acks.map((a) => msa(a).control)).toEqual(['M1', 'M2', 'M3']);
    expect(msa(acks[1]!).text).toMatch(/already received/);
    await c.close();
    await p.settle();
    expect(await visits()).toBe(before + 1);
  });

  it('AE with the field for an invalid message, AR for another hospital, an unknown key and an unsupported type', async () => {
    const c = await mllpClient(port);
    await c.send(adt({ key, visit: 'BAD-1', birth: '1990-03-15', control: 'E1' }));
    await c.send(adt({ key, visit: 'BAD-2', facility: 'BV-B', control: 'E2' }));
    await c.send(adt({ key: 'ews_hk_nobody', visit: 'BAD-3', control: 'E3' }));
    await c.send(adt({ key, visit: 'BAD-4', trigger: 'A02', control: 'E4' }));
    await c.send('NOT HL7 AT ALL');
    const acks = await c.waitFor(5);
    const [bad, other, unknown, type, junk] = acks.map(msa);
    expect(bad).toMatchObject({ code: 'AE', control: 'E1' });
    expect(acks[0]).toMatch(/ERR\|\|PID\^1\^7\|102/);
    expect(other).toMatchObject({ code: 'AR', control: 'E2' });
    expect(other!.text).toMatch(/BV-B is not the authenticated hospital BV-A/);
    expect(unknown).toMatchObject({ code: 'AR', control: 'E3' });
    expect(unknown!.text).toMatch(/not recognised/);
    expect(type).toMatchObject({ code: 'AR', control: 'E4' });
    expect(acks[3]).toMatch(/\|201\^Unsupported event code/);
    expect(junk!.code).toBe('AR');
    await c.close();
    const rows = await letters();
    const bad1 = rows.find((r) => r.event_id === 'BAD-1');
    expect(bad1?.reason_code).toBe('MAPPING_FAILED');
    expect(bad1?.reason).toMatch(/PID-7/);
    expect(rows.some((r) => r.hospital_id === 'BV-B' && r.reason_code === 'MAPPING_FAILED')).toBe(true);
    // Not authenticated: answered, never stored (anyone could fill the store).
    expect(rows.some((r) => r.event_id === 'BAD-3')).toBe(false);
  });

  it('reads split frames, concatenated frames and a 200 KB message', async () => {
    const before = await visits();
    const c = await mllpClient(port);
    const one = frame(adt({ key, visit: 'SPLIT-1', control: 'S1' }));
    for (let i = 0; i < one.length; i += 7) {
      await c.write(one.subarray(i, i + 7));
      await new Promise((r) => setTimeout(r, 1));
    }
    await c.write(Buffer.concat([frame(adt({ key, visit: 'CAT-1', control: 'S2' })), frame(adt({ key, visit: 'CAT-2', control: 'S3' }))]));
    const big = adt({
      key,
      visit: 'BIG-1',
      control: 'S4',
      extra: Array.from({ length: 400 }, (_, i) => `NTE|${i + 1}||${'ghi chú '.repeat(70)}`),
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(200_000);
    await c.send(big);
    const acks = await c.waitFor(4);
    expect(acks.map((a) => [msa(a).control, msa(a).code])).toEqual([
      ['S1', 'AA'],
      ['S2', 'AA'],
      ['S3', 'AA'],
      ['S4', 'AA'],
    ]);
    await c.close();
    await p.settle();
    expect(await visits()).toBe(before + 4);
  });

  it('a client that disconnects mid-frame leaves the server serving the next one', async () => {
    const before = await visits();
    const broken = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => broken.once('connect', r));
    const half = frame(adt({ key, visit: 'HALF-1' }));
    broken.write(half.subarray(0, half.length >> 1));
    await new Promise((r) => setTimeout(r, 50));
    broken.destroy();
    const c = await mllpClient(port);
    await c.send(adt({ key, visit: 'AFTER-1', control: 'N1' }));
    expect(msa((await c.waitFor(1))[0]!).code).toBe('AA');
    await c.close();
    await p.settle();
    expect(await visits()).toBe(before + 1);
  });

  it('ORU^R01 over MLLP lands as a lab event', async () => {
    const c = await mllpClient(port);
    await c.send(oru({ key, order: 'ORD-77' }));
    const acks = await c.waitFor(1);
    expect(msa(acks[0]!).code).toBe('AA');
    expect(msa(acks[0]!).text).toMatch(/accepted 1/);
    await c.close();
  });
});

describe('POST /hl7v2', () => {
  const post = (body: string, headers: Record<string, string>) =>
    p.app.inject({ method: 'POST', url: '/hl7v2', headers: { 'content-type': 'x-application/hl7-v2+er7', ...headers }, payload: body });
  it('answers the ACK with the bearer key; 401 with an AR without it; 415 for JSON', async () => {
    const ok = await post(adt({ visit: 'HTTP-1', control: 'H1' }), { authorization: `Bearer ${key}` });
    expect(ok.statusCode).toBe(200);
    expect(msa(ok.body)).toMatchObject({ code: 'AA', control: 'H1' });
    const none = await post(adt({ visit: 'HTTP-2', control: 'H2' }), {});
    expect(none.statusCode).toBe(401);
    expect(msa(none.body).code).toBe('AR');
    const json = await post(adt({ visit: 'HTTP-3' }), { authorization: `Bearer ${key}`, 'content-type': 'application/json' });
    expect(json.statusCode).toBe(415);
    const mismatch = await post(adt({ visit: 'HTTP-4', facility: 'BV-B' }), { authorization: `Bearer ${key}` });
    expect(msa(mismatch.body).code).toBe('AR');
  });
});
