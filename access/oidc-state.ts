import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What the browser carries between the redirect to the provider and the callback: the
 * authorization request's state, nonce and PKCE code verifier, in one short-lived cookie,
 * sealed with AES-256-GCM under a key derived from the client secret. Sealed, so the person's
 * browser (or anything that reads its cookies) cannot read the verifier or forge a state;
 * derived from the client secret, so every process of a deployment opens what another sealed
 * (no server-side store, no sticky sessions).
 */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Epoch milliseconds after which the callback is refused. */
  readonly expiresAt: number;
}

/** The cookie's name; its path is /v1/session/oidc, so only these routes receive it. */
export const STATE_COOKIE = 'ews_oidc';
/** How long a sign-in at the provider may take: 10 minutes. */
export const STATE_TTL_MS = 10 * 60 * 1000;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface StateSealer {
  seal(p: PendingSignIn): string;
  /** The pending sign-in, or null when the value was not sealed by this client, is malformed or has expired. */
  open(value: string, nowMs: number): PendingSignIn | null;
}

export function createStateSealer(clientSecret: string): StateSealer {
  const key = Buffer.from(hkdfSync('sha256', clientSecret, 'ews', 'ews oidc sign-in state v1', 32));
  const aad = Buffer.from(STATE_COOKIE);
  return {
    seal(p) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(p), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(value, nowMs) {
      const raw = Buffer.from(value, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES + 2 || raw.length > 4096) return null;
      let text: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
      const p = JSON.parse(text) as Partial<PendingSignIn>;
      const fields = [p.state, p.nonce, p.codeVerifier];
      if (!fields.every((f) => typeof f === 'string' && f !== '') || typeof p.expiresAt !== 'number') return null;
      return nowMs <= p.expiresAt ? (p as PendingSignIn) : null;
    },
  };
}
