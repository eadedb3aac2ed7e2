import type { Clock } from '../platform/clock.ts';
import type { OperationalStore } from '../platform/operational-store.ts';
import { writeAudit, type AuditEntry } from './audit.ts';

export interface NewSession {
  /** SHA-256 (hex) of the session id the cookie carries; the id itself is never stored. */
  idHash: string;
  userId: string;
  csrfToken: string;
  via: 'session' | 'oidc';
  clientAddress?: string | undefined;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  via: 'session' | 'oidc';
  /** Epoch ms. */
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionStore {
  /** Stores a session and its audit row (`sign_in`) in one transaction. */
  create(session: NewSession, audit: AuditEntry): Promise<void>;
  find(idHash: string): Promise<SessionRecord | undefined>;
  /** Marks the session used now (the idle timeout starts again). */
  touch(idHash: string): Promise<void>;
  /** Deletes the session; with an audit entry (`sign_out`), in the same transaction. True when one was deleted. */
  delete(idHash: string, audit?: AuditEntry): Promise<boolean>;
  /** Records a failed sign-in and its audit row (`sign_in_failed`) in one transaction. */
  recordFailure(username: string, clientAddress: string, audit: AuditEntry): Promise<void>;
  /** Failures since `since` (epoch ms) for the username and for the address, and when the latest was. */
  recentFailures(username: string, clientAddress: string, since: number): Promise<FailureCounts>;
  /** Forgets the username's failures (after a successful sign-in). */
  clearFailures(username: string): Promise<void>;
  /** Deletes sessions expired by now and failures older than `failuresBefore` (epoch ms); how many of each. */
  prune(failuresBefore: number): Promise<{ sessions: number; failures: number }>;
}

export interface FailureCounts {
  byUsername: number;
  byAddress: number;
  /** Epoch ms of the latest failure counted, or null. */
  latestAt: number | null;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  via: 'session' | 'oidc';
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

/** Sessions and failed sign-ins on the operational store. */
export function createSessionStore(db: OperationalStore, clock: Clock): SessionStore {
  const now = () => new Date(clock.now());
  return {
    create: (s, audit) =>
      db.transaction(async (tx) => {
        const at = now();
        await tx.query(
          `INSERT INTO sessions (id_hash, user_id, csrf_token, via, client_address, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
          [s.idHash, s.userId, s.csrfToken, s.via, s.clientAddress ?? null, at, new Date(s.expiresAt)],
        );
        await writeAudit(tx, audit, at);
      }),
    async find(idHash) {
      const { rows } = await db.query<SessionRow>(
        'SELECT id_hash, user_id, csrf_token, via, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = $1',
        [idHash],
      );
      const r = rows[0];
      return (
        r && {
          idHash: r.id_hash,
          userId: r.user_id,
          csrfToken: r.csrf_token,
          via: r.via,
          createdAt: r.created_at.getTime(),
          lastSeenAt: r.last_seen_at.getTime(),
          expiresAt: r.expires_at.getTime(),
        }
      );
    },
    async touch(idHash) {
      await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, now()]);
    },
    delete: (idHash, audit) =>
      db.transaction(async (tx) => {
        const r = await tx.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
        if (audit && r.rowCount > 0) await writeAudit(tx, audit, now());
        return r.rowCount > 0;
      }),
    recordFailure: (username, clientAddress, audit) =>
      db.transaction(async (tx) => {
        const at = now();
        await tx.query('INSERT INTO sign_in_failures (at, username, client_address) VALUES ($1, $2, $3)', [at, username, clientAddress]);
        await writeAudit(tx, audit, at);
      }),
    async recentFailures(username, clientAddress, since) {
      const { rows } = await db.query<{ by_username: string | number; by_address: string | number; latest: Date | null }>(
        `SELECT count(*) FILTER (WHERE username = $1) AS by_username,
                count(*) FILTER (WHERE client_address = $2) AS by_address,
                max(at) AS latest
         FROM sign_in_failures WHERE at >= $3 AND (username = $1 OR client_address = $2)`,
        [username, clientAddress, new Date(since)],
      );
      const r = rows[0];
      return {
        byUsername: Number(r?.by_username ?? 0),
        byAddress: Number(r?.by_address ?? 0),
        latestAt: r?.latest ? r.latest.getTime() : null,
      };
    },
    async clearFailures(username) {
      await db.query('DELETE FROM sign_in_failures WHERE username = $1', [username]);
    },
    async prune(failuresBefore) {
      const sessions = await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now()]);
      const failures = await db.query('DELETE FROM sign_in_failures WHERE at < $1', [new Date(failuresBefore)]);
      return { sessions: sessions.rowCount, failures: failures.rowCount };
    },
  };
}
