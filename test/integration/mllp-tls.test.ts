import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { createDeframer, frame } from '../../ingest/hl7/mllp-framing.ts';
import { adminHeaders, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { adt, msa } from '../helpers/hl7.ts';
import { testPki } from '../helpers/test-pki.ts';

/**
 * MLLP over TLS (EWS_MLLP_TLS) with a CA, a server and hospital certificates made here with
 * the openssl CLI, a real TLS listener and real TLS clients over TCP. `requested` (the default):
 * a verified certificate names the hospital as on HTTPS, else the key in MSH-8; `required`
 * (EWS_MLLP_CLIENT_CERT): mutual TLS, no handshake without a certificate of the CA. Plaintext
 * to the TLS port is never read as a message.
 */
const dir = mkdtempSync(join(tmpdir(), 'ews-mllp-tls-'));
const { file, makeCa, makeCert } = testPki(dir);

/** What a connection came to: the ACKs received, and how it ended (the TLS error, if any). */
interface Outcome {
  acks: string[];
  error?: string | undefined;
}

/**
 * A TLS MLLP client: connects to localhost trusting the test CA (with a client certificate
 * when named), sends the messages framed, and resolves once `expect` ACKs came or the server
 * closed the connection.
 */
function overTls(port: number, messages: string[], o: { cert?: string; expect?: number } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const acks: string[] = [];
    let error: string | undefined;
    const deframer = createDeframer(1 << 20);
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: readFileSync(file('ca.crt')),
      ...(o.cert ? { cert: readFileSync(file(`${o.cert}.crt`)), key: readFileSync(file(`${o.cert}.key`)) } : {}),
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ acks, error });
    };
    const timer = setTimeout(done, 10_000);
    socket.on('secureConnect', () => {
      for (const m of messages) socket.write(frame(m));
    });
    socket.on('data', (c: Buffer) => {
      for (const ev of deframer.push(c)) if (ev.kind === 'message') acks.push(ev.bytes.toString('utf8'));
      if (acks.length >= (o.expect ?? messages.length)) done();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', done);
  });
}

/** Plain TCP to the TLS port: the bytes the server sent back before it closed. */
function plaintext(port: number, message: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(frame(message)));
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (c: Buffer) => got.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got));
    });
  });
}

const DAY = '2026-11-20';
const now = Date.parse('2026-11-20T05:00:00Z');
const visits = async (p: TestPipeline, commune: string) => {
  await p.settle();
  const res = await p.app.inject({ url: `/v1/counts?syndrome=_visits&from=${DAY}&to=${DAY}&commune=${commune}`, headers: adminHeaders });
  expect(res.statusCode).toBe(200);
  return res.json<{ rows: { count: number }[] }>().rows[0]?.count ?? 0;
};

/** Handshakes the listener refused so far (ews_ingest_mllp_tls_refused_total). */
const refusedHandshakes = async (p: TestPipeline) => {
  const body = (await p.app.inject({ url: '/metrics', headers: adminHeaders })).body;
  return Number(/^ews_ingest_mllp_tls_refused_total (\d+)/m.exec(body)?.[1] ?? NaN);
};

const tlsEnv = (clientCert: 'requested' | 'required') => ({
  EWS_MLLP_PORT: '0',
  EWS_MLLP_TLS: 'true',
  EWS_MLLP_CLIENT_CERT: clientCert,
  EWS_TLS_CERT: file('server.crt'),
  EWS_TLS_KEY: file('server.key'),
  EWS_TLS_CLIENT_CA: file('ca.crt'),
});

beforeAll(() => {
  makeCa('ca');
  makeCa('other-ca');
  makeCert('server', 'ca', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  makeCert('bv-a', 'ca', 'BV-A');
  makeCert('bv-b', 'ca', 'gateway.bv-b.example', 'subjectAltName=DNS:gateway.bv-b.example,URI:urn:ews:hospital:BV-B\n');
  // BV-A's name, from a CA the service does not trust.
  makeCert('forged-a', 'other-ca', 'BV-A');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MLLP over TLS, client certificates requested (the default)', () => {
  let p: TestPipeline;
  let port: number;
  beforeAll(async () => {
    p = await startTestPipeline({ hospitals: ['BV-A', 'BV-B'], env: tlsEnv('requested'), clock: { now: () => now } });
    port = p.mllpPort!;
  }, 60_000);
  afterAll(() => p?.cleanup());

  it('a verified certificate names the hospital without a key (CN or SAN URI); AA once durable, counted', async () => {
    const before = await visits(p, '09187');
    const a = await overTls(port, [adt({ visit: 'TLS-A1', control: 'T1' })], { cert: 'bv-a' });
    expect(a.error).toBeUndefined();
    expect(a.acks.map(msa)).toMatchObject([{ code: 'AA', control: 'T1' }]);
    const b = await overTls(port, [adt({ facility: 'BV-B', visit: 'TLS-B1', control: 'T2' })], { cert: 'bv-b' });
    expect(b.acks.map(msa)).toMatchObject([{ code: 'AA', control: 'T2' }]);
    expect(await visits(p, '09187')).toBe(before + 2);
  });

  it("a certificate is one hospital's: a message naming another in MSH-4 is AR", async () => {
    const r = await overTls(port, [adt({ facility: 'BV-B', visit: 'TLS-X1', control: 'T3' })], { cert: 'bv-a' });
    expect(msa(r.acks[0]!)).toMatchObject({ code: 'AR', control: 'T3' });
    expect(msa(r.acks[0]!).text).toMatch(/BV-B is not the authenticated hospital BV-A/);
  });

  it('without a certificate, or with one of another CA, the key in MSH-8 is needed: AR without it', async () => {
    const before = await visits(p, '09169');
    const none = await overTls(port, [adt({ visit: 'TLS-N1', control: 'T4', commune: '09169' })]);
    expect(msa(none.acks[0]!)).toMatchObject({ code: 'AR', control: 'T4' });
    const forged = await overTls(port, [adt({ visit: 'TLS-F1', control: 'T5', commune: '09169' })], { cert: 'forged-a' });
    expect(msa(forged.acks[0]!)).toMatchObject({ code: 'AR', control: 'T5' });
    expect(await visits(p, '09169')).toBe(before);
    // The negative control of those ARs: the same connection with the hospital's key is accepted.
    const keyed = await overTls(port, [adt({ key: p.keys['BV-A']!, visit: 'TLS-K1', control: 'T6', commune: '09169' })]);
    expect(msa(keyed.acks[0]!)).toMatchObject({ code: 'AA', control: 'T6' });
    expect(await visits(p, '09169')).toBe(before + 1);
  });

  it('plaintext MLLP to the TLS port is refused: no ACK, nothing stored', async () => {
    const before = await visits(p, '09193');
    const refused = await refusedHandshakes(p);
    const back = await plaintext(port, adt({ key: p.keys['BV-A']!, visit: 'PLAIN-1', control: 'P1', commune: '09193' }));
    expect(back.includes(0x0b)).toBe(false);
    expect(back.toString('latin1')).not.toContain('MSA|');
    expect(await visits(p, '09193')).toBe(before);
    expect(await refusedHandshakes(p)).toBe(refused + 1);
  });
});

describe('MLLP over mutual TLS (EWS_MLLP_CLIENT_CERT=required)', () => {
  let p: TestPipeline;
  let port: number;
  beforeAll(async () => {
    p = await startTestPipeline({ hospitals: ['BV-A', 'BV-B'], env: tlsEnv('required'), clock: { now: () => now } });
    port = p.mllpPort!;
  }, 60_000);
  afterAll(() => p?.cleanup());

  it('a certificate of the CA: AA, counted', async () => {
    const before = await visits(p, '09190');
    const r = await overTls(port, [adt({ visit: 'MTLS-A1', control: 'M1', commune: '09190' })], { cert: 'bv-a' });
    expect(r.error).toBeUndefined();
    expect(r.acks.map(msa)).toMatchObject([{ code: 'AA', control: 'M1' }]);
    expect(await visits(p, '09190')).toBe(before + 1);
  });

  it('no certificate, even with a valid key in MSH-8: the handshake is refused, no ACK, nothing stored', async () => {
    const before = await visits(p, '09169');
    const refused = await refusedHandshakes(p);
    const r = await overTls(port, [adt({ key: p.keys['BV-A']!, visit: 'MTLS-N1', control: 'M2', commune: '09169' })]);
    expect(r.acks).toEqual([]);
    expect(r.error).toMatch(/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|ECONNRESET/);
    expect(await visits(p, '09169')).toBe(before);
    expect(await refusedHandshakes(p)).toBe(refused + 1);
  });

  it('a certificate of another CA: the handshake is refused', async () => {
    const before = await visits(p, '09169');
    const refused = await refusedHandshakes(p);
    const r = await overTls(port, [adt({ key: p.keys['BV-A']!, visit: 'MTLS-F1', control: 'M3', commune: '09169' })], {
      cert: 'forged-a',
    });
    // The client may see an alert or just the close (TLS 1.3 checks its certificate after its Finished).
    expect(r.acks).toEqual([]);
    expect(await visits(p, '09169')).toBe(before);
    expect(await refusedHandshakes(p)).toBe(refused + 1);
  });

  it('plaintext to the mutual TLS port is refused too', async () => {
    const refused = await refusedHandshakes(p);
    const back = await plaintext(port, adt({ key: p.keys['BV-A']!, visit: 'PLAIN-2', control: 'P2' }));
    expect(back.toString('latin1')).not.toContain('MSA|');
    expect(await refusedHandshakes(p)).toBe(refused + 1);
  });
});

describe('EWS_MLLP_CLIENT_CERT is checked at start', () => {
  it('required without TLS or without a client CA stops start-up naming the variable', () => {
    expect(() => readConfig({ EWS_MLLP_PORT: '0', EWS_MLLP_CLIENT_CERT: 'required' })).toThrow(/EWS_MLLP_CLIENT_CERT: required client/);
    const noCa = { ...tlsEnv('required'), EWS_TLS_CLIENT_CA: undefined };
    expect(() => readConfig(noCa)).toThrow(/EWS_MLLP_CLIENT_CERT/);
    expect(() => readConfig({ EWS_MLLP_CLIENT_CERT: 'always' })).toThrow(/EWS_MLLP_CLIENT_CERT: must be requested or required/);
  });
  it('the negative control: required with TLS and a client CA compiles', () =>
    expect(readConfig(tlsEnv('required')).EWS_MLLP_CLIENT_CERT).toBe('required'));
});
