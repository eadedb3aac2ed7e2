import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets (hospital API keys now, user API tokens later): random, with a visible
 * prefix that says what they are, stored only as a hash.
 *
 * SHA-256, not argon2: a token carries 256 random bits, so no guessing attack on its hash is
 * feasible and a slow, salted hash adds nothing; it would cost tens of milliseconds and
 * megabytes per request, and a salted hash cannot be looked up by value. Passwords, chosen by
 * people and of low entropy, are what argon2id is for.
 */
export function generateToken(prefix: string, bytes = 32): string {
  if (bytes < 32) throw new Error('a token needs at least 32 random bytes');
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** The hex SHA-256 of a token: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in time independent of where they differ (both hashed first, so lengths match). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}

/** Compares two hex hashes of equal length in constant time. */
export function hashesEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The first characters of a token, shown in lists to tell keys apart (never enough to use). */
export const tokenPrefix = (token: string, prefix: string): string => token.slice(0, prefix.length + 6);
