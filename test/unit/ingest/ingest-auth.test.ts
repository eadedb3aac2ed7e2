import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { bearerToken, createIngestAuthenticator, hospitalOfCertificate, type PeerCertificateView } from '../../../ingest/ingest-auth.ts';
import { createHospitalKeyVerifier, type HospitalKeyRecord } from '../../../ingest/hospital-keys.ts';
import { hashToken } from '../../../platform/secret-tokens.ts';

describe('bearerToken', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer ews_hk_abc', 'ews_hk_abc'],
    ['bearer   ews_hk_abc ', 'ews_hk_abc'],
    ['Basic ews_hk_abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['ews_hk_abc', undefined],
  ];
  it.each(cases)('%j → %j', (header, token) => expect(bearerToken(header)).toBe(token));
});

describe('hospitalOfCertificate (SAN URI urn:ews:hospital:<id> first, else the subject CN)', () => {
  const cases: [string, PeerCertificateView | undefined, string | undefined][] = [
    ['no certificate', undefined, undefined],
    ['CN only', { subject: { CN: 'BV-A' } }, 'BV-A'],
    [
      'SAN URI wins over CN',
      { subject: { CN: 'gateway.bv-a.vn' }, subjectaltname: 'DNS:gateway.bv-a.vn, URI:urn:ews:hospital:BV-A' },
      'BV-A',
    ],
    ['the same SAN URI twice', { subjectaltname: 'URI:urn:ews:hospital:BV-A, URI:urn:ews:hospital:BV-A' }, 'BV-A'],
    [
      'two different SAN URIs name nobody',
      { subject: { CN: 'BV-A' }, subjectaltname: 'URI:urn:ews:hospital:BV-A, URI:urn:ews:hospital:BV-B' },
      undefined,
    ],
    ['other SANs only: the CN', { subject: { CN: 'BV-A' }, subjectaltname: 'DNS:x.vn, URI:https://x.vn' }, 'BV-A'],
    ['several CNs name nobody', { subject: { CN: ['BV-A', 'BV-B'] } }, undefined],
    ['an empty SAN id names nobody', { subjectaltname: 'URI:urn:ews:hospital:' }, undefined],
    ['nothing', { subject: {} }, undefined],
  ];
  it.each(cases)('%s', (_name, cert, id) => expect(hospitalOfCertificate(cert)).toBe(id));
});

describe('the authenticator', () => {
  const key = 'ews_hk_the-secret-key-of-bv-a-0123456789';
  const records: HospitalKeyRecord[] = [
    { keyHash: hashToken(key), hospitalId: 'BV-A', retiredAt: null, revoked: false },
    { keyHash: hashToken('ews_hk_revoked'), hospitalId: 'BV-R', retiredAt: null, revoked: true },
  ];
  const setup = () => {
    const lines: string[] = [];
    const metrics = new Registry();
    const auth = createIngestAuthenticator({
      keys: createHospitalKeyVerifier({ store: { keys: () => Promise.resolve(records) }, clock: { now: () => 0 }, graceMs: 1000 }),
      metrics,
      log: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }),
    });
    return { auth, lines, metrics };
  };

  it('accepts the key and a registered certificate; refuses the rest, counted by reason, logging no key', async () => {
    const { auth, lines, metrics } = setup();
    expect(await auth.authenticate({ authorization: `Bearer ${key}`, ip: '10.0.0.1' })).toMatchObject({
      ok: true,
      identity: { hospitalId: 'BV-A', via: 'key' },
    });
    expect(await auth.authenticate({ authorization: undefined, certificate: { subject: { CN: 'BV-A' } }, ip: 'x' })).toMatchObject({
      ok: true,
      identity: { hospitalId: 'BV-A', via: 'certificate' },
    });
    const wrong = `${key}x`;
    const refusals = [
      await auth.authenticate({ authorization: undefined, ip: 'x' }),
      await auth.authenticate({ authorization: `Bearer ${wrong}`, ip: 'x' }),
      await auth.authenticate({ authorization: 'Bearer ews_hk_revoked', ip: 'x' }),
      await auth.authenticate({ authorization: undefined, certificate: { subject: { CN: 'BV-R' } }, ip: 'x' }),
      await auth.authenticate({ authorization: undefined, certificate: { subject: { CN: 'BV-NONE' } }, ip: 'x' }),
    ];
    expect(refusals.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['missing', 'unknown', 'revoked', 'revoked', 'unknown']);
    expect(refusals.map((r) => (r.ok ? '' : r.error.code))).toEqual(Array(5).fill('UNAUTHENTICATED'));
    const r = refusals[4]!;
    expect(r.ok ? '' : r.error.message).toMatch(/certificate names hospital BV-NONE, which is not registered/);
    const text = await metrics.metrics();
    expect(text).toMatch(/ews_ingest_unauthenticated_total\{reason="unknown"\} 2/);
    expect(text).toMatch(/ews_ingest_unauthenticated_total\{reason="revoked"\} 2/);
    expect(text).toMatch(/ews_ingest_unauthenticated_total\{reason="missing"\} 1/);
    // Refusals are logged (the negative control of the next line: the log is not empty) without the key.
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.join('\n')).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain('ews_hk_revoked');
  });
});
