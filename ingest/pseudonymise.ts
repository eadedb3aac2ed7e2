import { createHmac } from 'node:crypto';

/** One pseudonymisation key and the id written with each pseudonym made under it. */
export interface PseudonymKey {
  id: string;
  secret: Buffer;
}

/** The keys of a deployment: the first makes new pseudonyms, the others are kept for linking. */
export interface PseudonymKeyRing {
  current: PseudonymKey;
  keys: readonly PseudonymKey[];
}

/** The id of the key given as EWS_PSEUDONYM_KEY (or the data directory's pseudonym.key). */
export const SINGLE_KEY_ID = 'k1';
/** Key ids: what may stand before the `:` of a pseudonym. */
export const KEY_ID = /^[A-Za-z0-9]{1,16}$/;
/** Shortest secret accepted (characters). */
export const MIN_SECRET_CHARS = 32;

/**
 * Parses `id:secret,id:secret` (EWS_PSEUDONYM_KEYS), the first current. Throws an Error saying
 * which entry is wrong: ids are [A-Za-z0-9]{1,16} and unique, secrets at least 32 characters.
 * A secret may itself hold `:` (only the first one separates); entries are separated by `,`.
 */
export function parseKeyRing(text: string): PseudonymKeyRing {
  const entries = text.split(',').map((e) => e.trim());
  const keys: PseudonymKey[] = [];
  entries.forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at);
    const secret = at < 0 ? '' : entry.slice(at + 1);
    if (!KEY_ID.test(id)) throw new Error(`entry ${i + 1} must be id:secret with an id of 1–16 letters or digits`);
    if (secret.length < MIN_SECRET_CHARS) throw new Error(`the secret of key ${id} must be at least ${MIN_SECRET_CHARS} characters`);
    if (keys.some((k) => k.id === id)) throw new Error(`key id ${id} is given twice`);
    keys.push({ id, secret: Buffer.from(secret, 'utf8') });
  });
  return { current: keys[0]!, keys };
}

/** A ring of one key (EWS_PSEUDONYM_KEY, or the data directory's key file), id SINGLE_KEY_ID. */
export function singleKeyRing(secret: Buffer): PseudonymKeyRing {
  const key = { id: SINGLE_KEY_ID, secret };
  return { current: key, keys: [key] };
}

const hmac = (secret: Buffer, hospitalId: string, patientId: string) =>
  createHmac('sha256', secret).update(hospitalId).update('\u0000').update(patientId).digest('hex').slice(0, 32);

/**
 * Replaces a hospital's patient identifier with `<key id>:<HMAC-SHA256(key, hospital_id NUL
 * patient_id)>`, hex-encoded and cut to 32 characters (128 bits), under the ring's current key.
 * Keyed so identifiers cannot be recovered by hashing guesses without the provincial key;
 * scoped by hospital because identifiers are only unique within one hospital; the key id is
 * kept so a rotation keeps old pseudonyms linkable (pseudonymsOf). The raw value is never
 * stored or logged.
 */
export function createPseudonymiser(ring: PseudonymKeyRing): (hospitalId: string, patientId: string) => string {
  for (const k of ring.keys) if (k.secret.length < 16) throw new Error('pseudonymisation key must be at least 16 bytes');
  const { id, secret } = ring.current;
  return (hospitalId, patientId) => `${id}:${hmac(secret, hospitalId, patientId)}`;
}

/**
 * Every pseudonym a patient may have been given under the ring: `<id>:<hex>` for each key,
 * current first, and the bare hex of each (pseudonyms written before key ids were kept).
 * Look rows up with `patient_key IN (…)` to link a patient across a rotation.
 */
export function pseudonymsOf(ring: PseudonymKeyRing, hospitalId: string, patientId: string): string[] {
  const hexes = ring.keys.map((k) => ({ id: k.id, hex: hmac(k.secret, hospitalId, patientId) }));
  return [...hexes.map((h) => `${h.id}:${h.hex}`), ...hexes.map((h) => h.hex)];
}

/** The ring the environment gives (EWS_PSEUDONYM_KEYS, else EWS_PSEUDONYM_KEY), if any. */
export function configuredKeyRing(config: {
  EWS_PSEUDONYM_KEY?: string | undefined;
  EWS_PSEUDONYM_KEYS?: string | undefined;
}): PseudonymKeyRing | undefined {
  if (config.EWS_PSEUDONYM_KEYS) return parseKeyRing(config.EWS_PSEUDONYM_KEYS);
  if (config.EWS_PSEUDONYM_KEY) return singleKeyRing(Buffer.from(config.EWS_PSEUDONYM_KEY, 'utf8'));
  return undefined;
}
