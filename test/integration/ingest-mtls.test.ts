import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { encounter, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { testPki } from '../helpers/test-pki.ts';

/**
 * Mutual TLS on ingest (EWS_TLS_CERT, EWS_TLS_KEY, EWS_TLS_CLIENT_CA), with a CA, a server and
 * client certificates made here with the openssl CLI, a real HTTPS listener and real TLS clients.
 */
const dir = mkdtempSync(join(tmpdir(), 'ews-mtls-'));
const { file, makeCa, makeCert } = testPki(dir);

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: { index: number; code?: string }[]; error?: { code: string; details: unknown } };
}
/** POSTs events over TLS, trusting the test CA, with an optional client certificate and key header. */
function post(url: string, events: unknown[], o: { cert?: string; authorization?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/events`,
      {
        method: 'POST',
        ca: readFileSync(file('ca.crt')),
        ...(o.cert ? { cert: readFileSync(file(`${o.cert}.crt`)), key: readFileSync(file(`${o.cert}.key`)) } : {}),
        headers: { 'content-type': 'application/json', ...(o.authorization ? { authorization: o.authorization } : {}) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(events));
  });
}

let p: TestPipeline;
let url: string;
let n = 0;
const ev = (hospital: string) => encounter({ event_id: `tls-${++n}`, hospital_id: hospital });

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  makeCert('server', 'ca', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  // BV-A named by its subject CN; BV-B by a SAN URI (its CN is a gateway's host name).
  makeCert('bv-a', 'ca', 'BV-A');
  makeCert('bv-b', 'ca', 'gateway.bv-b.example', 'subjectAltName=DNS:gateway.bv-b.example,URI:urn:ews:hospital:BV-B\n');
  makeCert('bv-r', 'ca', 'BV-R');
  makeCert('bv-x', 'ca', 'BV-X');
  // The same name, from a CA the service does not trust.
  makeCert('forged-a', 'other-ca', 'BV-A');
  p = await startTestPipeline({
    hospitals: ['BV-A', 'BV-B', 'BV-R'],
    env: { EWS_TLS_CERT: file('server.crt'), EWS_TLS_KEY: file('server.key'), EWS_TLS_CLIENT_CA: file('ca.crt') },
  });
  await p.hospitals.revoke('BV-R');
  await p.hospitalKeys.refresh();
  const address = await p.app.listen({ port: 0, host: '127.0.0.1' });
  url = address.replace('://127.0.0.1', '://localhost');
}, 60_000);
afterAll(async () => {
  await p?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest over mutual TLS', () => {
  it('serves HTTPS', () => expect(url).toMatch(/^https:\/\/localhost:\d+$/));

  it('a verified certificate naming a registered hospital stands for its key (CN or SAN URI)', async () => {
    expect(await post(url, [ev('BV-A')], { cert: 'bv-a' })).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await post(url, [ev('BV-B')], { cert: 'bv-b' })).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it("a certificate for another hospital: that hospital's events only; the others refused for themselves", async () => {
    const mixed = await post(url, [ev('BV-A'), ev('BV-B')], { cert: 'bv-b' });
    expect(mixed).toMatchObject({ status: 200, body: { accepted: 1, rejected: [{ index: 0, code: 'HOSPITAL_MISMATCH' }] } });
    const all = await post(url, [ev('BV-A')], { cert: 'bv-b' });
    expect(all).toMatchObject({ status: 403, body: { error: { code: 'HOSPITAL_MISMATCH' } } });
  });

  it('a certificate of a revoked or unregistered hospital is refused (401), the registry decides', async () => {
    expect(await post(url, [ev('BV-R')], { cert: 'bv-r' })).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', details: { reason: 'revoked', certificate_hospital_id: 'BV-R' } } },
    });
    expect(await post(url, [ev('BV-X')], { cert: 'bv-x' })).toMatchObject({
      status: 401,
      body: { error: { details: { reason: 'unknown', certificate_hospital_id: 'BV-X' } } },
    });
  });

  it('a certificate from another CA is not trusted: it falls back to needing a key', async () => {
    expect(await post(url, [ev('BV-A')], { cert: 'forged-a' })).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', details: { reason: 'missing' } } },
    });
    const withKey = await post(url, [ev('BV-A')], { cert: 'forged-a', authorization: `Bearer ${p.keys['BV-A']!}` });
    expect(withKey).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it('without a certificate: the key as usual (the certificate is requested, not required)', async () => {
    expect(await post(url, [ev('BV-A')])).toMatchObject({ status: 401 });
    expect(await post(url, [ev('BV-A')], { authorization: `Bearer ${p.keys['BV-A']!}` })).toMatchObject({
      status: 200,
      body: { accepted: 1 },
    });
  });
});

describe('TLS configuration errors stop start-up naming the variable', () => {
  const cases: [string, () => Record<string, string>, RegExp][] = [
    [
      'a file that cannot be read',
      () => ({ EWS_TLS_CERT: file('nope.crt'), EWS_TLS_KEY: file('server.key') }),
      /EWS_TLS_CERT: cannot read the server certificate '.*nope.crt': no such file/,
    ],
    [
      'a file that is not PEM',
      () => ({ EWS_TLS_CERT: file('server.ext'), EWS_TLS_KEY: file('server.key') }),
      /EWS_TLS_CERT: '.*server.ext' is not a PEM file/,
    ],
    [
      'a certificate without its key',
      () => ({ EWS_TLS_CERT: file('server.crt') }),
      /EWS_TLS_KEY: EWS_TLS_CERT and EWS_TLS_KEY go together/,
    ],
    ['a client CA without TLS', () => ({ EWS_TLS_CLIENT_CA: file('ca.crt') }), /EWS_TLS_CLIENT_CA: client certificates need TLS/],
    [
      'a key of another certificate',
      () => ({ EWS_TLS_CERT: file('server.crt'), EWS_TLS_KEY: file('bv-a.key') }),
      /EWS_TLS_KEY: cannot use the certificate and key/,
    ],
  ];
  it.each(cases)('%s', (_name, env, message) => expect(() => readConfig(env())).toThrow(message));
  it('the negative control: the right pair compiles', () =>
    expect(readConfig({ EWS_TLS_CERT: file('server.crt'), EWS_TLS_KEY: file('server.key') }).EWS_TLS_CERT?.path).toBe(file('server.crt')));
});
