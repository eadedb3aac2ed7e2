import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { sqlState, UNIQUE_VIOLATION, type OperationalStore, type Queryable } from '../platform/operational-store.ts';
import { generateToken, hashToken, tokenPrefix } from '../platform/secret-tokens.ts';
import { SYSTEM_ACTOR, writeAudit, type AuditContext } from './audit.ts';

/** Visible prefix of every hospital API key. */
export const HOSPITAL_KEY_PREFIX = 'ews_hk_';

export interface Hospital {
  id: string;
  name: string;
  provinceCode: string | null;
  createdAt: string;
  /** When it was revoked (RFC 3339), else null. */
  revokedAt: string | null;
  /** The visible start of its current key, to tell keys apart; null once revoked. */
  keyPrefix: string | null;
}

/** A hospital with its new key: the key is shown once and stored only as its hash. */
export interface IssuedKey {
  hospital: Hospital;
  key: string;
}

/** What the key verifier caches (ingest/hospital-keys.ts): no key, only its hash. */
export interface HospitalKeyRecord {
  keyHash: string;
  hospitalId: string;
  /** Epoch ms the key was replaced by a rotation, else null (the current key). */
  retiredAt: number | null;
  revoked: boolean;
}

export interface NewHospital {
  id: string;
  name: string;
  provinceCode?: string | undefined;
}

export interface HospitalStore {
  /**
   * Registers a hospital and issues its first key; CONFLICT when the id exists. Each change
   * writes its audit row (`by`, default the system) in the same transaction.
   */
  add(input: NewHospital, by?: AuditContext): Promise<IssuedKey>;
  list(): Promise<Hospital[]>;
  /** Issues a new key; the previous one is retired now (accepted for the verifier's grace period). NOT_FOUND, CONFLICT when revoked. */
  rotate(id: string, by?: AuditContext): Promise<IssuedKey>;
  /** Revokes the hospital and every key of it at once. NOT_FOUND when unknown; revoking twice keeps the first time. */
  revoke(id: string, by?: AuditContext): Promise<Hospital>;
  /** Every key's hash and state, for the verifier's cache. */
  keys(): Promise<HospitalKeyRecord[]>;
}

interface HospitalRow {
  id: string;
  name: string;
  province_code: string | null;
  created_at: Date;
  revoked_at: Date | null;
  key_prefix: string | null;
}

const SELECT_HOSPITALS = `SELECT h.id, h.name, h.province_code, h.created_at, h.revoked_at,
  CASE WHEN h.revoked_at IS NULL THEN k.key_prefix END AS key_prefix
  FROM hospitals h LEFT JOIN hospital_keys k ON k.hospital_id = h.id AND k.retired_at IS NULL`;

/** Hospitals and their keys on the operational store; every change in one transaction. */
export function createHospitalStore(db: OperationalStore, clock: Clock): HospitalStore {
  const now = () => new Date(clock.now());
  const issue = async (tx: Queryable, hospitalId: string, at: Date): Promise<string> => {
    const key = generateToken(HOSPITAL_KEY_PREFIX);
    await tx.query('INSERT INTO hospital_keys (key_hash, hospital_id, key_prefix, created_at) VALUES ($1, $2, $3, $4)', [
      hashToken(key),
      hospitalId,
      tokenPrefix(key, HOSPITAL_KEY_PREFIX),
      at,
    ]);
    return key;
  };
  const one = async (q: Queryable, id: string): Promise<Hospital> => {
    const { rows } = await q.query<HospitalRow>(`${SELECT_HOSPITALS} WHERE h.id = $1`, [id]);
    if (!rows[0]) throw new AppError('NOT_FOUND', `no hospital ${id} / không có bệnh viện ${id}`, { details: { id } });
    return toHospital(rows[0]);
  };
  return {
    async add(input, by = { actor: SYSTEM_ACTOR }) {
      // Invisible characters make ids that look alike, and a leading U+FEFF does not even come
      // back from the store (the PostgreSQL text decoders drop it as a byte-order mark): refused.
      if (/[\p{Cc}\p{Cf}\p{Cs}]/u.test(input.id))
        throw new AppError(
          'VALIDATION_FAILED',
          'hospital id: must not contain control or invisible characters / mã bệnh viện không được chứa ký tự điều khiển hoặc ký tự ẩn',
          {
            details: [{ field: 'id', message: 'must not contain control or invisible characters' }],
          },
        );
      const at = now();
      try {
        return await db.transaction(async (tx) => {
          await tx.query('INSERT INTO hospitals (id, name, province_code, created_at) VALUES ($1, $2, $3, $4)', [
            input.id,
            input.name,
            input.provinceCode ?? null,
            at,
          ]);
          const key = await issue(tx, input.id, at);
          const hospital = await one(tx, input.id);
          await writeAudit(tx, { ...by, action: 'hospital.add', target: input.id, details: { key_prefix: hospital.keyPrefix } }, at);
          return { hospital, key };
        });
      } catch (err) {
        if (sqlState(err) === UNIQUE_VIOLATION)
          throw new AppError('CONFLICT', `hospital ${input.id} exists / bệnh viện ${input.id} đã có`, { details: { id: input.id } });
        throw err;
      }
    },
    async list() {
      const { rows } = await db.query<HospitalRow>(`${SELECT_HOSPITALS} ORDER BY h.id`);
      return rows.map(toHospital);
    },
    rotate: (id, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM hospitals WHERE id = $1 FOR UPDATE', [id]);
        if (!rows[0]) throw new AppError('NOT_FOUND', `no hospital ${id} / không có bệnh viện ${id}`, { details: { id } });
        if (rows[0].revoked_at)
          throw new AppError('CONFLICT', `hospital ${id} is revoked / bệnh viện ${id} đã bị thu hồi`, { details: { id } });
        const at = now();
        await tx.query('UPDATE hospital_keys SET retired_at = $2 WHERE hospital_id = $1 AND retired_at IS NULL', [id, at]);
        const key = await issue(tx, id, at);
        const hospital = await one(tx, id);
        await writeAudit(tx, { ...by, action: 'hospital.rotate', target: id, details: { key_prefix: hospital.keyPrefix } }, at);
        return { hospital, key };
      }),
    revoke: (id, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const at = now();
        const { rows } = await tx.query('UPDATE hospitals SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING id', [id, at]);
        if (!rows[0]) throw new AppError('NOT_FOUND', `no hospital ${id} / không có bệnh viện ${id}`, { details: { id } });
        await writeAudit(tx, { ...by, action: 'hospital.revoke', target: id }, at);
        return one(tx, id);
      }),
    async keys() {
      const { rows } = await db.query<{ key_hash: string; hospital_id: string; retired_at: Date | null; revoked_at: Date | null }>(
        `SELECT k.key_hash, k.hospital_id, k.retired_at, h.revoked_at FROM hospital_keys k JOIN hospitals h ON h.id = k.hospital_id`,
      );
      return rows.map((r) => ({
        keyHash: r.key_hash,
        hospitalId: r.hospital_id,
        retiredAt: r.retired_at ? r.retired_at.getTime() : null,
        revoked: r.revoked_at !== null,
      }));
    },
  };
}

function toHospital(r: HospitalRow): Hospital {
  return {
    id: r.id,
    name: r.name,
    provinceCode: r.province_code,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
    keyPrefix: r.key_prefix,
  };
}
