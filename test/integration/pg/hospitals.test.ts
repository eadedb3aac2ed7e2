import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHospitalStore, HOSPITAL_KEY_PREFIX, type HospitalStore } from '../../../storage/hospitals.ts';
import { createHospitalKeyVerifier } from '../../../ingest/hospital-keys.ts';
import { hashToken } from '../../../platform/secret-tokens.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend, uniqueSchema, type Backend } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

/** A clock the test moves. */
const testClock = () => {
  let now = T0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

async function withHospitals<T>(
  backend: Backend,
  fn: (h: HospitalStore, db: OperationalStore, clock: ReturnType<typeof testClock>) => Promise<T>,
) {
  const db = await openMigrated(backend);
  const clock = testClock();
  try {
    return await fn(createHospitalStore(db, clock), db, clock);
  } finally {
    await db.close();
  }
}

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('hospitals and keys on $backend.name', ({ backend, run }) => {
  it.runIf(run)('refuses ids with invisible or control characters (a leading U+FEFF would not come back from the store)', () =>
    withHospitals(backend, async (h) => {
      for (const id of ['\uFEFFBV', 'BV\u200BA', 'BV\u0007']) {
        await expect(h.add({ id, name: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      // The round trip the check protects: a plain id comes back as it went in.
      await h.add({ id: 'BV-Bắc-Ninh', name: 'x' });
      expect((await h.list()).map((x) => x.id)).toEqual(['BV-Bắc-Ninh']);
    }),
  );

  it.runIf(run)('add issues a random prefixed key once; list shows the hospital without it; an id is registered once', () =>
    withHospitals(backend, async (h) => {
      const a = await h.add({ id: 'BV-A', name: 'Bệnh viện A', provinceCode: '24' });
      const b = await h.add({ id: 'BV-B', name: 'Bệnh viện B' });
      expect(a.key).toMatch(/^ews_hk_[A-Za-z0-9_-]{43}$/);
      expect(a.key).not.toBe(b.key);
      const list = await h.list();
      expect(list.map((x) => [x.id, x.name, x.provinceCode, x.revokedAt])).toEqual([
        ['BV-A', 'Bệnh viện A', '24', null],
        ['BV-B', 'Bệnh viện B', null, null],
      ]);
      expect(list[0]!.keyPrefix).toBe(a.key.slice(0, HOSPITAL_KEY_PREFIX.length + 6));
      expect(JSON.stringify(list)).not.toContain(a.key);
      await expect(h.add({ id: 'BV-A', name: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(h.rotate('BV-X')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(h.revoke('BV-X')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }),
  );

  it.runIf(run)('the verifier accepts a current key, a rotated one inside the grace period only, and no key of a revoked hospital', () =>
    withHospitals(backend, async (h, _db, clock) => {
      const verifier = createHospitalKeyVerifier({ store: h, clock, graceMs: 24 * HOUR });
      const { key: first } = await h.add({ id: 'BV-A', name: 'A' });
      const { key: other } = await h.add({ id: 'BV-B', name: 'B' });
      expect(await verifier.verify(first)).toEqual({ ok: true, hospitalId: 'BV-A' });
      expect(await verifier.verify(undefined)).toEqual({ ok: false, reason: 'missing' });
      expect(await verifier.verify(`${first.slice(0, -1)}x`)).toEqual({ ok: false, reason: 'unknown' });

      clock.advance(HOUR);
      const { key: second } = await h.rotate('BV-A');
      await verifier.refresh();
      expect(await verifier.verify(second)).toEqual({ ok: true, hospitalId: 'BV-A' });
      clock.advance(24 * HOUR - 1);
      expect(await verifier.verify(first)).toEqual({ ok: true, hospitalId: 'BV-A' });
      clock.advance(1);
      expect(await verifier.verify(first)).toEqual({ ok: false, reason: 'expired' });
      expect(await verifier.verify(second)).toEqual({ ok: true, hospitalId: 'BV-A' });

      const revoked = await h.revoke('BV-A');
      expect(revoked.revokedAt).toBe(new Date(clock.now()).toISOString());
      expect(revoked.keyPrefix).toBeNull();
      await verifier.refresh();
      expect(await verifier.verify(second)).toEqual({ ok: false, reason: 'revoked' });
      expect(await verifier.verify(other)).toEqual({ ok: true, hospitalId: 'BV-B' });
      await expect(h.rotate('BV-A')).rejects.toMatchObject({ code: 'CONFLICT' });
    }),
  );

  it.runIf(run)('with no grace a rotated key is refused at once (negative control of the grace period)', () =>
    withHospitals(backend, async (h, _db, clock) => {
      const verifier = createHospitalKeyVerifier({ store: h, clock, graceMs: 0 });
      const { key } = await h.add({ id: 'BV-A', name: 'A' });
      await h.rotate('BV-A');
      expect(await verifier.verify(key)).toEqual({ ok: false, reason: 'expired' });
    }),
  );

  it.runIf(run)('a cached key costs no store round trip; a new key is found by a reload; unknown keys reload at most once a second', () =>
    withHospitals(backend, async (h, _db, clock) => {
      let loads = 0;
      const counted = { keys: () => (loads++, h.keys()) };
      const verifier = createHospitalKeyVerifier({ store: counted, clock, graceMs: HOUR });
      const { key } = await h.add({ id: 'BV-A', name: 'A' });
      for (let i = 0; i < 1000; i++) expect((await verifier.verify(key)).ok).toBe(true);
      expect(loads).toBe(1);
      for (let i = 0; i < 100; i++) await verifier.verify(`ews_hk_guess${i}`);
      expect(loads).toBe(1);
      clock.advance(1000);
      const { key: added } = await h.add({ id: 'BV-B', name: 'B' });
      expect(await verifier.verify(added)).toEqual({ ok: true, hospitalId: 'BV-B' });
      expect(loads).toBe(2);
    }),
  );

  it.runIf(run)('the store keeps only hashes: the plain key is in no row', () =>
    withHospitals(backend, async (h, db) => {
      const { key } = await h.add({ id: 'BV-A', name: 'A' });
      const { key: rotated } = await h.rotate('BV-A');
      const dump = await db.query<{ t: string }>(
        `SELECT (SELECT string_agg(k::text, '|') FROM hospital_keys k) || (SELECT string_agg(x::text, '|') FROM hospitals x) AS t`,
      );
      const text = dump.rows[0]!.t;
      expect(text).toContain(hashToken(key));
      expect(text).toContain(hashToken(rotated));
      expect(text).not.toContain(key.slice(HOSPITAL_KEY_PREFIX.length));
      expect(text).not.toContain(rotated.slice(HOSPITAL_KEY_PREFIX.length));
    }),
  );
});

describe('PGlite files', () => {
  it('hold no plain key, and would show one that was stored (negative control: a canary table)', async () => {
    const schema = uniqueSchema();
    const db = await openMigrated(pglite, schema);
    const { key } = await createHospitalStore(db, testClock()).add({ id: 'BV-A', name: 'A' });
    const canary = `ews_hk_canary${hashToken(key).slice(0, 30)}`;
    await db.query('CREATE TABLE canary (t text)');
    await db.query('INSERT INTO canary VALUES ($1)', [canary]);
    await db.query('CHECKPOINT');
    await db.close();
    const files = readAll(pglite.dir!);
    expect(files.includes(Buffer.from(canary))).toBe(true);
    expect(files.includes(Buffer.from(hashToken(key)))).toBe(true);
    expect(files.includes(Buffer.from(key.slice(HOSPITAL_KEY_PREFIX.length)))).toBe(false);
  });
});

/** Every file of a directory, concatenated. */
function readAll(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}
