import { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import { envInt } from '../platform/config.ts';
import { hashesEqual, hashToken } from '../platform/secret-tokens.ts';

/** Settings of hospital key verification (composed in cli/config.ts). */
export const hospitalKeyConfigSchema = z.object({
  /** How long a rotated hospital key keeps working, in seconds. Default 86400 (24 h); 0: refused at once. */
  EWS_HOSPITAL_KEY_GRACE_SECONDS: envInt(86_400, 0, 30 * 86_400),
});

/** One key as the store keeps it: its hash, never the key (storage/hospitals.ts implements the source). */
export interface HospitalKeyRecord {
  keyHash: string;
  hospitalId: string;
  /** Epoch ms the key was replaced by a rotation, else null. */
  retiredAt: number | null;
  revoked: boolean;
}

export interface HospitalKeySource {
  keys(): Promise<readonly HospitalKeyRecord[]>;
}

export type KeyVerdict = { ok: true; hospitalId: string } | { ok: false; reason: 'missing' | 'unknown' | 'revoked' | 'expired' };

/** Whether a hospital named by other means (a client certificate) may send: registered and not revoked. */
export type HospitalStanding = 'active' | 'unknown' | 'revoked';

export interface HospitalKeyVerifier {
  /** Who a presented key belongs to, or why it is refused. A cache hit costs one SHA-256, no store round trip. */
  verify(key: string | undefined): Promise<KeyVerdict>;
  /** The standing of a hospital by its id, from the same cache (a client certificate names the hospital, not a key). */
  standing(hospitalId: string): Promise<HospitalStanding>;
  /** Reloads the cache now (the admin API calls it after a change in this process). */
  refresh(): Promise<void>;
}

export interface HospitalKeyVerifierDeps {
  store: HospitalKeySource;
  clock: Clock;
  /** How long a rotated key is accepted after its rotation, ms. */
  graceMs: number;
  /** The cache is reloaded when older than this, so changes made by another process arrive. Default 30 s. */
  maxAgeMs?: number;
  /** An unknown key reloads the cache at most this often, so random keys cannot flood the store. Default 1 s. */
  missReloadMs?: number;
}

/**
 * Verifies hospital API keys against an in-memory copy of the key table (hashes only). The
 * cache is keyed by the key's SHA-256; the stored hash is then compared in constant time.
 * A map lookup by hash leaks nothing usable: learning which hashes are near a guess's hash
 * does not help find a key of 256 random bits.
 */
export function createHospitalKeyVerifier(deps: HospitalKeyVerifierDeps): HospitalKeyVerifier {
  const maxAgeMs = deps.maxAgeMs ?? 30_000;
  const missReloadMs = deps.missReloadMs ?? 1_000;
  let byHash = new Map<string, HospitalKeyRecord>();
  // Hospital id → revoked, for hospitals named by a client certificate (every hospital has a key).
  let byHospital = new Map<string, boolean>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;

  const reload = () =>
    (loading ??= (async () => {
      const at = deps.clock.now();
      try {
        const keys = await deps.store.keys();
        byHash = new Map(keys.map((k) => [k.keyHash, k]));
        byHospital = new Map(keys.map((k) => [k.hospitalId, k.revoked]));
        loadedAt = at;
      } finally {
        loading = undefined;
      }
    })());

  return {
    refresh: reload,
    async standing(hospitalId) {
      const now = deps.clock.now();
      if (now - loadedAt >= maxAgeMs || (!byHospital.has(hospitalId) && now - loadedAt >= missReloadMs)) await reload();
      const revoked = byHospital.get(hospitalId);
      return revoked === undefined ? 'unknown' : revoked ? 'revoked' : 'active';
    },
    async verify(key) {
      if (!key) return { ok: false, reason: 'missing' };
      const hash = hashToken(key);
      const now = deps.clock.now();
      if (now - loadedAt >= maxAgeMs) await reload();
      let record = byHash.get(hash);
      if (!record && now - loadedAt >= missReloadMs) {
        await reload();
        record = byHash.get(hash);
      }
      if (!record || !hashesEqual(record.keyHash, hash)) return { ok: false, reason: 'unknown' };
      if (record.revoked) return { ok: false, reason: 'revoked' };
      if (record.retiredAt !== null && now >= record.retiredAt + deps.graceMs) return { ok: false, reason: 'expired' };
      return { ok: true, hospitalId: record.hospitalId };
    },
  };
}
