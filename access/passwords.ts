import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended parameter set (Password Storage Cheat Sheet):
 * 19 MiB of memory, 2 iterations, 1 lane. About 20–40 ms per hash on one core; the result is
 * a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) holding its own salt and
 * parameters, so raising them later still verifies old hashes.
 */
export const ARGON2ID_OPTIONS: Readonly<Options> = Object.freeze({
  // Algorithm is a const enum in the package's types (not importable as a value under
  // verbatimModuleSyntax): 2 is Argon2id.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** Longest password accepted: long enough for any passphrase, short enough that hashing one is not a denial of service. */
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_PASSWORD_LENGTH = 10;

/** Why a new password is refused (bilingual), or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `must be at least ${MIN_PASSWORD_LENGTH} characters / mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `must be at most ${MAX_PASSWORD_LENGTH} characters / mật khẩu tối đa ${MAX_PASSWORD_LENGTH} ký tự`;
  return undefined;
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2ID_OPTIONS);

/** A random password to print once (20 characters of base64url, 120 bits). */
export const generatePassword = (): string => randomBytes(15).toString('base64url');

let dummy: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (an unknown username, or an OIDC-only
 * user) it verifies against a dummy hash of the same parameters and answers false, so the
 * time taken does not tell whether the username exists.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (!storedHash) {
    await verify(await (dummy ??= hashPassword(generatePassword())), password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
