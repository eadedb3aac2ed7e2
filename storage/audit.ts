import type { Clock } from '../platform/clock.ts';
import type { OperationalStore, Queryable } from '../platform/operational-store.ts';
import type { Role } from '../schemas/access.ts';

/** Who acted: a principal (schemas/access.ts) fits, and so do the system and the CLI. */
export interface AuditActor {
  readonly username: string;
  readonly role: Role | null;
  /** How they authenticated (session, user_token, admin_token, oidc) or `system` / `cli`. */
  readonly via: string;
}

/** Changes made by the service itself (start-up, demo data) and by callers that name no actor. */
export const SYSTEM_ACTOR: AuditActor = Object.freeze({ username: 'system', role: null, via: 'system' });

/** Changes made by `ews …` commands on a stopped data directory (file-system access stands for the operator). */
export const CLI_ACTOR: AuditActor = Object.freeze({ username: 'cli', role: 'admin', via: 'cli' });

/** Who made a change and from where: what every storage change takes alongside its input. */
export interface AuditContext {
  actor: AuditActor;
  /** The client's address (req.ip), when the change came over HTTP. */
  clientAddress?: string | undefined;
}

export interface AuditEntry extends AuditContext {
  /** What happened, e.g. `user.add`, `sign_in_failed`, `line_list.read` (lower case, `[a-z0-9_.:]`). */
  action: string;
  /** What it happened to: a username, a hospital id, a series. */
  target?: string | undefined;
  /** Anything else worth keeping (never a secret, never a patient identifier). */
  details?: Readonly<Record<string, unknown>> | undefined;
}

export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  actorRole: string | null;
  via: string;
  clientAddress: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
  /** Inclusive lower bound on `at` (epoch ms). */
  from?: number | undefined;
  /** Exclusive upper bound on `at` (epoch ms). */
  to?: number | undefined;
  /** Only rows older than this id (the cursor of the previous page). */
  beforeId?: string | undefined;
  /** Page size, 1–500. */
  limit: number;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `beforeId` for the next (older) page; null when this page is the last. */
  nextCursor: string | null;
}

/**
 * Writes one audit row on `q`: pass the transaction of the change it records, so both
 * commit or neither does.
 */
export async function writeAudit(q: Queryable, entry: AuditEntry, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (at, actor, actor_role, via, client_address, action, target, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [
      at,
      entry.actor.username,
      entry.actor.role,
      entry.actor.via,
      entry.clientAddress ?? null,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}

export interface AuditStore {
  /** Appends one row in a transaction of its own (reads and exports: nothing else changes). */
  audit(entry: AuditEntry): Promise<void>;
  /** Newest first, filtered, one page. */
  list(filter: AuditFilter): Promise<AuditPage>;
}

interface AuditRow {
  id: string | number;
  at: Date;
  actor: string;
  actor_role: string | null;
  via: string;
  client_address: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | string;
}

/** The audit log on the operational store: append and read, nothing else (the table refuses the rest). */
export function createAuditStore(db: OperationalStore, clock: Clock): AuditStore {
  return {
    audit: (entry) => writeAudit(db, entry, new Date(clock.now())),
    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (filter.action !== undefined) add('action = ?', filter.action);
      if (filter.actor !== undefined) add('actor = ?', filter.actor);
      if (filter.target !== undefined) add('target = ?', filter.target);
      if (filter.from !== undefined) add('at >= ?', new Date(filter.from));
      if (filter.to !== undefined) add('at < ?', new Date(filter.to));
      if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
      params.push(filter.limit + 1);
      const { rows } = await db.query<AuditRow>(
        `SELECT id, at, actor, actor_role, via, client_address, action, target, details FROM audit_log
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, filter.limit).map(toRecord);
      return { records: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null };
    },
  };
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    actorRole: r.actor_role,
    via: r.via,
    clientAddress: r.client_address,
    action: r.action,
    target: r.target,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
  };
}
