import { afterAll, describe, expect, it } from 'vitest';
import { createUserStore, type NewUser } from '../../../storage/users.ts';
import { createAuditStore, type AuditContext } from '../../../storage/audit.ts';
import { createHospitalStore } from '../../../storage/hospitals.ts';
import { createSessionStore } from '../../../storage/sessions.ts';
import { hashToken } from '../../../platform/secret-tokens.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = Date.parse('2026-12-01T00:00:00Z');
const clock = () => {
  let now = T0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};
const by: AuditContext = { actor: { username: 'root', role: 'admin', via: 'session' }, clientAddress: '192.0.2.7' };
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';
const officer: NewUser = {
  username: 'bn.officer',
  role: 'officer',
  jurisdiction: { level: 'province', province: '24' },
  passwordHash: HASH,
};

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('users and the audit log on $backend.name', ({ backend, run }) => {
  const withDb = async (fn: (db: OperationalStore, c: ReturnType<typeof clock>) => Promise<void>) => {
    const db = await openMigrated(backend);
    try {
      await fn(db, clock());
    } finally {
      await db.close();
    }
  };

  it.runIf(run)('adds, reads back every field, refuses a second username; each change has its audit row', () =>
    withDb(async (db, c) => {
      const users = createUserStore(db, c);
      const audit = createAuditStore(db, c);
      const u = await users.add({ ...officer, email: 'a@example.vn', phone: '0912', lang: 'en' }, by);
      expect(u).toMatchObject({
        username: 'bn.officer',
        role: 'officer',
        jurisdiction: { level: 'province', province: '24' },
        email: 'a@example.vn',
        lang: 'en',
        hasPassword: true,
        disabledAt: null,
        createdAt: new Date(T0).toISOString(),
      });
      const communes = await users.add({
        username: 'xa.officer',
        role: 'officer',
        jurisdiction: { level: 'communes', communes: ['07210', '07213'] },
      });
      expect((await users.get('xa.officer'))?.jurisdiction).toEqual({ level: 'communes', communes: ['07210', '07213'] });
      expect(communes.hasPassword).toBe(false);
      await expect(users.add({ ...officer, role: 'admin' }, by)).rejects.toMatchObject({ code: 'CONFLICT' });
      // Negative control: the refused add left no audit row; the two adds left one each.
      const rows = (await audit.list({ action: 'user.add', limit: 10 })).records;
      expect(rows.map((r) => [r.target, r.actor])).toEqual([
        ['xa.officer', 'system'],
        ['bn.officer', 'root'],
      ]);
      expect(rows[1]).toMatchObject({ actorRole: 'admin', via: 'session', clientAddress: '192.0.2.7', details: { role: 'officer' } });
      expect((await users.list()).map((x) => x.username)).toEqual(['bn.officer', 'xa.officer']);
      // The database refuses an impossible jurisdiction or role even if the application did not.
      await expect(
        db.query(`INSERT INTO users (username, role, jurisdiction_level, created_at) VALUES ('x1', 'officer', 'province', now())`),
      ).rejects.toThrow(/users_jurisdiction/);
      await expect(
        db.query(`INSERT INTO users (username, role, jurisdiction_level, created_at) VALUES ('x2', 'root', 'national', now())`),
      ).rejects.toThrow(/check/i);
    }),
  );

  it.runIf(run)('update changes role and jurisdiction (audited with what changed); OIDC users are found by issuer and subject', () =>
    withDb(async (db, c) => {
      const users = createUserStore(db, c);
      const audit = createAuditStore(db, c);
      const oidc = { issuer: 'https://id.bacninh.gov.vn', subject: 'sub-1' };
      await users.add({ username: 'nva@bacninh.gov.vn', role: 'officer', jurisdiction: { level: 'national' }, oidc });
      await expect(users.add({ username: 'other', role: 'officer', jurisdiction: { level: 'national' }, oidc })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect((await users.findByOidc(oidc.issuer, 'sub-1'))?.username).toBe('nva@bacninh.gov.vn');
      expect(await users.findByOidc(oidc.issuer, 'sub-2')).toBeUndefined();
      const u = await users.update('nva@bacninh.gov.vn', { jurisdiction: { level: 'communes', communes: ['07210'] }, lang: 'vi' }, by);
      expect(u.jurisdiction).toEqual({ level: 'communes', communes: ['07210'] });
      expect((await users.get('nva@bacninh.gov.vn'))?.jurisdiction).toEqual({ level: 'communes', communes: ['07210'] });
      await users.update('nva@bacninh.gov.vn', { jurisdiction: { level: 'communes', communes: ['07210'] } }, by); // no change: no row
      const rows = (await audit.list({ action: 'user.update', limit: 5 })).records;
      expect(rows).toHaveLength(1);
      expect(rows[0]?.details).toEqual({ jurisdiction: { level: 'communes', communes: ['07210'] } });
      await expect(users.update('nobody', { role: 'admin' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }),
  );

  it.runIf(run)('a change whose audit row cannot be written is not made (change and audit share one transaction)', () =>
    withDb(async (db, c) => {
      const users = createUserStore(db, c);
      const hospitals = createHospitalStore(db, c);
      // An empty actor breaks the audit table's CHECK: the write of the audit row fails.
      const broken: AuditContext = { actor: { username: '', role: null, via: 'test' } };
      await expect(users.add(officer, broken)).rejects.toThrow(/check/i);
      expect(await users.get('bn.officer')).toBeUndefined();
      await expect(hospitals.add({ id: 'BV-X', name: 'X' }, broken)).rejects.toThrow(/check/i);
      expect(await hospitals.list()).toEqual([]);
      await users.add(officer);
      await expect(users.disable('bn.officer', broken)).rejects.toThrow(/check/i);
      expect((await users.get('bn.officer'))?.disabledAt).toBeNull();
      // Control: with a valid actor the same changes are made.
      await users.disable('bn.officer', by);
      expect((await users.get('bn.officer'))?.disabledAt).not.toBeNull();
    }),
  );

  it.runIf(run)('tokens: shown once, stored as SHA-256, found by hash, revoked; disabling ends sessions and tokens', () =>
    withDb(async (db, c) => {
      const users = createUserStore(db, c);
      const sessions = createSessionStore(db, c);
      const u = await users.add(officer);
      const { token } = await users.issueToken('bn.officer', by);
      expect(token).toMatch(/^ews_ut_[A-Za-z0-9_-]{43}$/);
      const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM user_tokens');
      expect(stored.rows).toEqual([{ token_hash: hashToken(token) }]);
      expect((await users.byTokenHash(hashToken(token)))?.username).toBe('bn.officer');
      expect(await users.byTokenHash(hashToken(`${token}x`))).toBeUndefined();
      expect(await users.revokeTokens('bn.officer', by)).toBe(1);
      expect(await users.byTokenHash(hashToken(token))).toBeUndefined();

      const t2 = (await users.issueToken('bn.officer')).token;
      const idHash = hashToken('session-id');
      await sessions.create(
        { idHash, userId: u.id, csrfToken: 'c', via: 'session', expiresAt: T0 + 3_600_000 },
        { ...by, action: 'sign_in', target: 'bn.officer' },
      );
      expect(await sessions.find(idHash)).toMatchObject({ userId: u.id, csrfToken: 'c', expiresAt: T0 + 3_600_000 });
      const disabled = await users.disable('bn.officer', by);
      expect(disabled.disabledAt).toBe(new Date(T0).toISOString());
      expect(await sessions.find(idHash)).toBeUndefined();
      expect(await users.byTokenHash(hashToken(t2))).toBeUndefined();
      await expect(users.issueToken('bn.officer')).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(users.disable('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(users.setPassword('nobody', HASH)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }),
  );

  it.runIf(run)('sessions: found, touched, deleted with an audit row; failures counted by username and address, cleared, pruned', () =>
    withDb(async (db, c) => {
      const users = createUserStore(db, c);
      const sessions = createSessionStore(db, c);
      const audit = createAuditStore(db, c);
      const u = await users.add(officer);
      const idHash = hashToken('sid');
      await sessions.create({ idHash, userId: u.id, csrfToken: 'k', via: 'oidc', expiresAt: T0 + 60_000 }, { ...by, action: 'sign_in' });
      c.advance(30_000);
      await sessions.touch(idHash);
      expect(await sessions.find(idHash)).toMatchObject({ via: 'oidc', createdAt: T0, lastSeenAt: T0 + 30_000 });
      expect(await sessions.delete(idHash, { ...by, action: 'sign_out' })).toBe(true);
      expect(await sessions.delete(idHash, { ...by, action: 'sign_out' })).toBe(false);
      expect((await audit.list({ action: 'sign_out', limit: 5 })).records).toHaveLength(1);

      const fail = (name: string, address: string) =>
        sessions.recordFailure(name, address, { ...by, action: 'sign_in_failed', target: name });
      await fail('a', '192.0.2.1');
      await fail('a', '192.0.2.2');
      c.advance(1000);
      await fail('b', '192.0.2.1');
      expect(await sessions.recentFailures('a', '192.0.2.1', T0)).toEqual({ byUsername: 2, byAddress: 2, latestAt: T0 + 31_000 });
      expect(await sessions.recentFailures('a', '192.0.2.9', T0 + 31_000)).toEqual({ byUsername: 0, byAddress: 0, latestAt: null });
      expect((await audit.list({ action: 'sign_in_failed', limit: 5 })).records).toHaveLength(3);
      await sessions.clearFailures('a');
      expect(await sessions.recentFailures('a', '192.0.2.1', T0)).toMatchObject({ byUsername: 0, byAddress: 1 });
      await sessions.create(
        { idHash: hashToken('old'), userId: u.id, csrfToken: 'k', via: 'session', expiresAt: T0 + 40_000 },
        { ...by, action: 'sign_in' },
      );
      c.advance(60_000);
      expect(await sessions.prune(T0 + 31_001)).toEqual({ sessions: 1, failures: 1 });
    }),
  );

  it.runIf(run)('the audit log refuses UPDATE, DELETE and TRUNCATE from the application connection', () =>
    withDb(async (db, c) => {
      const audit = createAuditStore(db, c);
      await audit.audit({ ...by, action: 'line_list.read', target: '24:ili', details: { rows: 3 } });
      for (const sql of ['UPDATE audit_log SET actor = $1', 'DELETE FROM audit_log WHERE actor <> $1', 'TRUNCATE audit_log']) {
        const params = sql.includes('$1') ? ['someone'] : [];
        await expect(db.query(sql, params), sql).rejects.toThrow(/append-only/);
        await expect(
          db.transaction((tx) => tx.query(sql, params)),
          sql,
        ).rejects.toThrow(/append-only/);
      }
      // Negative control: the same statements work on an ordinary table, so the refusal is the trigger's.
      await db.query('CREATE TABLE audit_copy AS SELECT * FROM audit_log');
      expect((await db.query('UPDATE audit_copy SET actor = $1', ['someone'])).rowCount).toBe(1);
      expect((await db.query('DELETE FROM audit_copy')).rowCount).toBe(1);
      const rows = (await audit.list({ limit: 10 })).records;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor: 'root', action: 'line_list.read', target: '24:ili', details: { rows: 3 } });
    }),
  );

  it.runIf(run)('hospital changes are audited in their transaction (default actor: system); a failing one leaves none', () =>
    withDb(async (db, c) => {
      const hospitals = createHospitalStore(db, c);
      const audit = createAuditStore(db, c);
      await hospitals.add({ id: 'BV-1', name: 'One' }, by);
      await hospitals.rotate('BV-1');
      await hospitals.revoke('BV-1', by);
      await expect(hospitals.add({ id: 'BV-1', name: 'Again' }, by)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(hospitals.rotate('BV-1', by)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(hospitals.revoke('NOPE', by)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const rows = (await audit.list({ target: 'BV-1', limit: 10 })).records;
      expect(rows.map((r) => `${r.action} ${r.actor}`)).toEqual(['hospital.revoke root', 'hospital.rotate system', 'hospital.add root']);
      expect(rows[2]?.details['key_prefix']).toMatch(/^ews_hk_/);
      expect((await audit.list({ limit: 100 })).records).toHaveLength(3);
    }),
  );

  it.runIf(run)('lists newest first with filters and a cursor', () =>
    withDb(async (db, c) => {
      const audit = createAuditStore(db, c);
      for (let i = 0; i < 7; i++) {
        await audit.audit({
          actor: { username: i % 2 ? 'a' : 'b', role: 'admin', via: 'session' },
          action: i < 5 ? 'x.one' : 'x.two',
          target: `t${i}`,
        });
        c.advance(60_000);
      }
      const p1 = await audit.list({ limit: 3 });
      expect(p1.records.map((r) => r.target)).toEqual(['t6', 't5', 't4']);
      const p2 = await audit.list({ limit: 3, beforeId: p1.nextCursor! });
      expect(p2.records.map((r) => r.target)).toEqual(['t3', 't2', 't1']);
      const p3 = await audit.list({ limit: 3, beforeId: p2.nextCursor! });
      expect(p3).toMatchObject({ nextCursor: null });
      expect(p3.records.map((r) => r.target)).toEqual(['t0']);
      expect((await audit.list({ limit: 10, action: 'x.two' })).records.map((r) => r.target)).toEqual(['t6', 't5']);
      expect((await audit.list({ limit: 10, actor: 'a' })).records.map((r) => r.target)).toEqual(['t5', 't3', 't1']);
      const from = T0 + 2 * 60_000;
      const to = T0 + 4 * 60_000;
      expect((await audit.list({ limit: 10, from, to })).records.map((r) => r.target)).toEqual(['t3', 't2']);
    }),
  );
});
