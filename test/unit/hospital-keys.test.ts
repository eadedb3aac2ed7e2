import { describe, expect, it } from 'vitest';
import { createHospitalKeyVerifier, type HospitalKeyRecord } from '../../ingest/hospital-keys.ts';
import { generateToken, hashesEqual, hashToken, secretsEqual } from '../../platform/secret-tokens.ts';

const HOUR = 3_600_000;

describe('secret tokens', () => {
  it('are the prefix and 32 random bytes (base64url), never twice the same; hashes are hex SHA-256', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateToken('ews_hk_')));
    expect(keys.size).toBe(1000);
    for (const k of keys) expect(k).toMatch(/^ews_hk_[A-Za-z0-9_-]{43}$/);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(() => generateToken('x', 16)).toThrow(/32 random bytes/);
  });

  it('compare equal only when equal, whatever the lengths', () => {
    expect(secretsEqual('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(secretsEqual('a'.repeat(40), 'a'.repeat(39))).toBe(false);
    expect(secretsEqual('', 'a')).toBe(false);
    expect(hashesEqual(hashToken('a'), hashToken('a'))).toBe(true);
    expect(hashesEqual(hashToken('a'), hashToken('b'))).toBe(false);
    expect(hashesEqual(hashToken('a'), 'ab')).toBe(false);
  });
});

describe('hospital key verifier: the grace period of a rotated key', () => {
  const key = 'ews_hk_test-key';
  const retiredAt = 1_000 * HOUR;
  const cases: [string, Partial<HospitalKeyRecord>, number, string][] = [
    ['current key', { retiredAt: null }, retiredAt + 1000 * HOUR, 'ok'],
    ['rotated, just now', { retiredAt }, retiredAt, 'ok'],
    ['rotated, 1 ms before the grace ends', { retiredAt }, retiredAt + 24 * HOUR - 1, 'ok'],
    ['rotated, as the grace ends', { retiredAt }, retiredAt + 24 * HOUR, 'expired'],
    ['revoked, current', { retiredAt: null, revoked: true }, retiredAt, 'revoked'],
    ['revoked inside the grace', { retiredAt, revoked: true }, retiredAt + 1, 'revoked'],
  ];
  it.each(cases)('%s', async (_name, over, now, expected) => {
    const record: HospitalKeyRecord = { keyHash: hashToken(key), hospitalId: 'BV-A', retiredAt: null, revoked: false, ...over };
    const verifier = createHospitalKeyVerifier({
      store: { keys: () => Promise.resolve([record]) },
      clock: { now: () => now },
      graceMs: 24 * HOUR,
    });
    const verdict = await verifier.verify(key);
    expect(verdict.ok ? 'ok' : verdict.reason).toBe(expected);
  });
});
