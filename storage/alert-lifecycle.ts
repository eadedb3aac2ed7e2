import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { sqlState, UNIQUE_VIOLATION, type OperationalStore, type Queryable } from '../platform/operational-store.ts';
import type { Jurisdiction } from '../schemas/access.ts';
import {
  ACTIVE_STATUSES,
  type ActionType,
  type AlertLevel,
  type LifecycleAction,
  type LifecycleAlert,
  type LifecycleStatus,
  type LifecycleStep,
} from '../schemas/alert-lifecycle.ts';
import { writeAudit, SYSTEM_ACTOR, type AuditContext } from './audit.ts';

/**
 * The alert lifecycle on the operational store (issue 10): the alerts grouping produced and
 * the steps officers take on them. Every write checks the version it was computed from, so
 * the grouping of new evidence and an officer's step never overwrite each other (a stale
 * version is a CONFLICT; the caller reads again). A step, the alert's new version and its
 * audit row (`alert.<action>`) are one transaction.
 *
 * The pure cores (alerts/lifecycle.ts, alerts/grouping.ts) live in a room storage/ may not
 * import: the transition function is handed in (`decide`), and `relevant` is the SQL form of
 * grouping's `relevantForGrouping` (the tests hold the two to the same answers).
 */

/** The lifecycle core's answer, as alerts/lifecycle.ts `transition` gives it. */
export type TransitionDecision =
  | { ok: true; alert: LifecycleAlert; step: LifecycleStep }
  | { ok: false; code: 'TRANSITION_FORBIDDEN'; message: string; status: LifecycleStatus; allowed: ActionType[] };

/** alerts/lifecycle.ts `transition`: pure, actor and time passed in. */
export type Decide = (alert: LifecycleAlert, action: LifecycleAction, ctx: { actor: string; at: string }) => TransitionDecision;

/** One change of a grouping batch (alerts/grouping.ts AlertChange), as it is stored. */
export interface StoredChange {
  readonly alert: LifecycleAlert;
  readonly change: 'opened' | 'updated' | 'merged';
}

export interface AlertListFilter {
  /** Only what this jurisdiction sees: an alert any of whose communes (or provinces) it covers. */
  jurisdiction: Jurisdiction;
  status?: readonly LifecycleStatus[] | undefined;
  level?: readonly AlertLevel[] | undefined;
  /** Syndrome family (`dengue`; its lab series are in it). */
  syndrome?: string | undefined;
  /** Commune or province codes: an alert whose area code, communes or provinces include one. */
  areas?: readonly string[] | undefined;
  /** Days the evidence covers overlap [from, to] (YYYY-MM-DD, inclusive). */
  from?: string | undefined;
  to?: string | undefined;
  /** Page size, 1–500. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface AlertPage {
  alerts: LifecycleAlert[];
  /** Newest opened first; pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export interface AlertLifecycleStore {
  /**
   * Stores a grouping batch in one transaction: opened alerts inserted, updated and merged
   * ones written only over the version before (CONFLICT otherwise: an officer acted
   * meanwhile; group again). A merge is audited (`alert.merge`, by the system). Returns the
   * alerts as stored.
   */
  /**
   * Stores the grouping's changes in one transaction; `within` runs in that transaction after
   * them (the outbox's notifications of these versions: persisted with the change, or not at all).
   */
  applyGrouping(
    changes: readonly StoredChange[],
    within?: (tx: Queryable, stored: readonly LifecycleAlert[]) => Promise<void>,
  ): Promise<LifecycleAlert[]>;
  /** The alerts grouping needs at `at` (ISO): active ones, and closed or discarded ones (not merged) within the suppression window. */
  relevant(at: string, suppressionDays?: number): Promise<LifecycleAlert[]>;
  get(id: string): Promise<LifecycleAlert | undefined>;
  list(filter: AlertListFilter): Promise<AlertPage>;
  /** The alert's steps, oldest first. */
  steps(id: string): Promise<LifecycleStep[]>;
  /**
   * One lifecycle action on the alert locked FOR UPDATE: NOT_FOUND; CONFLICT when
   * `expectedVersion` is given and stale; TRANSITION_FORBIDDEN (409) naming the allowed
   * actions. The new version, the step and the audit row `alert.<action>` commit together;
   * `within` runs in that transaction after them, with the alert as stored and its step (the
   * outbox's notifications of this version: persisted with the step, or not at all).
   */
  transition(
    id: string,
    expectedVersion: number | undefined,
    action: LifecycleAction,
    by: AuditContext,
    within?: (tx: Queryable, alert: LifecycleAlert, step: LifecycleStep) => Promise<void>,
  ): Promise<LifecycleAlert>;
}

export interface AlertLifecycleStoreDeps {
  db: OperationalStore;
  clock: Clock;
  /** alerts/lifecycle.ts `transition`. */
  decide: Decide;
  /** Province code of a commune code (the unit tables): fills `provinces` for jurisdiction filters. */
  provinceOf: (commune: string) => string | undefined;
}

interface AlertRow {
  id: string;
  criterion: string;
  family: string;
  area_level: LifecycleAlert['area']['level'];
  area_code: string;
  communes: string[];
  first_day: string;
  last_day: string;
  level: AlertLevel;
  level_since: Date;
  status: LifecycleStatus;
  evidence: LifecycleAlert['evidence'] | string;
  risk_assessment: LifecycleAlert['risk']['assessment'] | string;
  risk_characterisation: LifecycleAlert['risk']['characterisation'] | string;
  outcome: LifecycleAlert['outcome'] | string;
  outbreak_end: LifecycleAlert['outbreak_end'] | string;
  closed_at: Date | null;
  merged_into: string | null;
  opened_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = `id, criterion, family, area_level, area_code, communes, first_day::text AS first_day, last_day::text AS last_day,
  level, level_since, status, evidence, risk_assessment, risk_characterisation, outcome, outbreak_end, closed_at, merged_into,
  opened_at, updated_at, version`;

const DAY_MS = 86_400_000;

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toAlert(r: AlertRow): LifecycleAlert {
  return {
    id: r.id,
    criterion: r.criterion,
    family: r.family,
    area: { level: r.area_level, code: r.area_code, communes: r.communes },
    first_day: r.first_day,
    last_day: r.last_day,
    level: r.level,
    level_since: r.level_since.toISOString(),
    status: r.status,
    evidence: json(r.evidence),
    risk: { assessment: json(r.risk_assessment), characterisation: json(r.risk_characterisation) },
    outcome: json(r.outcome),
    outbreak_end: json(r.outbreak_end),
    closed_at: iso(r.closed_at),
    merged_into: r.merged_into,
    opened_at: r.opened_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    version: r.version,
  };
}

const notFound = (id: string) => new AppError('NOT_FOUND', `no alert ${id} / không có cảnh báo ${id}`, { details: { alert_id: id } });

const stale = (id: string, expected: number, current: number) =>
  new AppError(
    'CONFLICT',
    `alert ${id} changed meanwhile (version ${current}, not ${expected}): read it again / cảnh báo ${id} vừa được thay đổi (phiên bản ${current}), hãy tải lại`,
    { details: { alert_id: id, expected_version: expected, current_version: current } },
  );

/** The values of every column but id, in the order of WRITE_COLUMNS. */
function values(a: LifecycleAlert, provinceOf: (c: string) => string | undefined): unknown[] {
  const provinces = new Set<string>(a.area.level === 'province' ? [a.area.code] : []);
  for (const c of a.area.communes) {
    const p = provinceOf(c);
    if (p !== undefined) provinces.add(p);
  }
  return [
    a.criterion,
    a.family,
    a.area.level,
    a.area.code,
    [...a.area.communes],
    [...provinces].sort(),
    a.first_day,
    a.last_day,
    a.level,
    a.level_since,
    a.status,
    JSON.stringify(a.evidence),
    a.risk.assessment === null ? null : JSON.stringify(a.risk.assessment),
    a.risk.characterisation === null ? null : JSON.stringify(a.risk.characterisation),
    a.risk.characterisation?.level ?? null,
    a.outcome === null ? null : JSON.stringify(a.outcome),
    a.outbreak_end === null ? null : JSON.stringify(a.outbreak_end),
    a.closed_at,
    a.merged_into,
    a.opened_at,
    a.updated_at,
    a.version,
  ];
}

const WRITE_COLUMNS = [
  'criterion',
  'family',
  'area_level',
  'area_code',
  'communes',
  'provinces',
  'first_day',
  'last_day',
  'level',
  'level_since',
  'status',
  'evidence',
  'risk_assessment',
  'risk_characterisation',
  'risk_level',
  'outcome',
  'outbreak_end',
  'closed_at',
  'merged_into',
  'opened_at',
  'updated_at',
  'version',
];
const JSONB = new Set(['evidence', 'risk_assessment', 'risk_characterisation', 'outcome', 'outbreak_end']);
const param = (c: string, i: number) => `$${i}${JSONB.has(c) ? '::jsonb' : ''}`;
const INSERT = `INSERT INTO lifecycle_alerts (id, ${WRITE_COLUMNS.join(', ')})
  VALUES ($1, ${WRITE_COLUMNS.map((c, i) => param(c, i + 2)).join(', ')}) RETURNING ${COLUMNS}`;
// The last parameter is the version the change was computed from.
const UPDATE = `UPDATE lifecycle_alerts SET ${WRITE_COLUMNS.map((c, i) => `${c} = ${param(c, i + 2)}`).join(', ')}
  WHERE id = $1 AND version = $${WRITE_COLUMNS.length + 2} RETURNING ${COLUMNS}`;

/** A list cursor: the last alert's opened_at and id. */
const encodeCursor = (a: LifecycleAlert) => Buffer.from(JSON.stringify([a.opened_at, a.id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string')
      return [v[0], v[1]];
  } catch {
    // fall through to the error below
  }
  throw new AppError('BAD_QUERY', 'cursor: not a cursor this list gave / cursor không hợp lệ', { details: { field: 'cursor' } });
}

export function createAlertLifecycleStore(deps: AlertLifecycleStoreDeps): AlertLifecycleStore {
  const { db, provinceOf } = deps;
  const one = async (q: Queryable, id: string, lock = false): Promise<AlertRow | undefined> =>
    (await q.query<AlertRow>(`SELECT ${COLUMNS} FROM lifecycle_alerts WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0];

  const write = async (tx: Queryable, c: StoredChange): Promise<LifecycleAlert> => {
    const a = c.alert;
    if (c.change === 'opened') {
      try {
        const { rows } = await tx.query<AlertRow>(INSERT, [a.id, ...values(a, provinceOf)]);
        return toAlert(rows[0]!);
      } catch (err) {
        if (sqlState(err) === UNIQUE_VIOLATION)
          throw new AppError('CONFLICT', `alert ${a.id} exists already / cảnh báo ${a.id} đã có`, { details: { alert_id: a.id } });
        throw err;
      }
    }
    const { rows } = await tx.query<AlertRow>(UPDATE, [a.id, ...values(a, provinceOf), a.version - 1]);
    if (rows[0] === undefined) {
      const current = await one(tx, a.id);
      if (current === undefined) throw notFound(a.id);
      throw stale(a.id, a.version - 1, current.version);
    }
    return toAlert(rows[0]);
  };

  return {
    applyGrouping: (changes, within) =>
      db.transaction(async (tx) => {
        const stored: LifecycleAlert[] = [];
        // Opened alerts first: a merge in the same batch may point at one.
        const order = [...changes].sort((x, y) => Number(x.change !== 'opened') - Number(y.change !== 'opened'));
        for (const c of order) {
          const a = await write(tx, c);
          if (c.change === 'merged') {
            await writeAudit(
              tx,
              { actor: SYSTEM_ACTOR, action: 'alert.merge', target: a.id, details: { into: a.merged_into, version: a.version } },
              new Date(a.updated_at),
            );
          }
          stored.push(a);
        }
        await within?.(tx, stored);
        return stored;
      }),

    async relevant(at, suppressionDays = 7) {
      // relevantForGrouping (alerts/grouping.ts): active, or closed/discarded (not merged)
      // less than suppressionDays before `at`.
      const since = new Date(Date.parse(at) - suppressionDays * DAY_MS);
      const { rows } = await db.query<AlertRow>(
        `SELECT ${COLUMNS} FROM lifecycle_alerts
         WHERE status = ANY($1::text[]) OR (merged_into IS NULL AND closed_at IS NOT NULL AND closed_at > $2)
         ORDER BY id`,
        [[...ACTIVE_STATUSES], since],
      );
      return rows.map(toAlert);
    },

    get: async (id) => {
      const row = await one(db, id);
      return row && toAlert(row);
    },

    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, ...vs: unknown[]) => {
        let s = sql;
        for (const v of vs) {
          params.push(v);
          s = s.replace('?', `$${params.length}`);
        }
        where.push(s);
      };
      const j = filter.jurisdiction;
      // Inside the jurisdiction when any commune of the area is covered (a commune officer
      // sees the province alert that names their commune), or its province for a province.
      if (j.level === 'province') add('? = ANY(provinces)', j.province);
      if (j.level === 'communes') add('communes && ?::text[]', [...j.communes]);
      if (filter.status?.length) add('status = ANY(?::text[])', [...filter.status]);
      if (filter.level?.length) add('level = ANY(?::text[])', [...filter.level]);
      if (filter.syndrome !== undefined) add('family = ?', filter.syndrome);
      if (filter.areas?.length) {
        const areas = [...filter.areas];
        add('(area_code = ANY(?::text[]) OR communes && ?::text[] OR provinces && ?::text[])', areas, areas, areas);
      }
      if (filter.from !== undefined) add('last_day >= ?::date', filter.from);
      if (filter.to !== undefined) add('first_day <= ?::date', filter.to);
      if (filter.cursor !== undefined) {
        const [openedAt, id] = decodeCursor(filter.cursor);
        add('(opened_at, id) < (?::timestamptz, ?)', openedAt, id);
      }
      params.push(filter.limit + 1);
      const { rows } = await db.query<AlertRow>(
        `SELECT ${COLUMNS} FROM lifecycle_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY opened_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const alerts = rows.slice(0, filter.limit).map(toAlert);
      return { alerts, nextCursor: rows.length > filter.limit ? encodeCursor(alerts[alerts.length - 1]!) : null };
    },

    async steps(id) {
      const { rows } = await db.query<StepRow>(
        `SELECT alert_id, from_status, to_status, action, actor, at, version, notes, details FROM alert_steps
         WHERE alert_id = $1 ORDER BY version`,
        [id],
      );
      return rows.map(toStep);
    },

    transition: (id, expectedVersion, action, by, within) =>
      db.transaction(async (tx) => {
        const row = await one(tx, id, true);
        if (row === undefined) throw notFound(id);
        if (expectedVersion !== undefined && row.version !== expectedVersion) throw stale(id, expectedVersion, row.version);
        const now = new Date(deps.clock.now());
        const decision = deps.decide(toAlert(row), action, { actor: by.actor.username, at: now.toISOString() });
        if (!decision.ok) throw forbidden(id, decision);
        const next = decision.alert;
        const { rows } = await tx.query<AlertRow>(UPDATE, [id, ...values(next, provinceOf), row.version]);
        // Cannot happen while the row is locked; kept so that a lost lock shows as a conflict, not a TypeError.
        if (rows[0] === undefined) throw stale(id, row.version, row.version + 1);
        const s = decision.step;
        await tx.query(
          `INSERT INTO alert_steps (alert_id, from_status, to_status, action, actor, at, version, notes, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
          [id, s.from, s.to, s.action, s.actor, s.at, s.version, s.notes, JSON.stringify(s.details)],
        );
        await writeAudit(
          tx,
          {
            ...by,
            action: `alert.${s.action}`,
            target: id,
            details: { from: s.from, to: s.to, version: s.version, notes: s.notes, ...s.details },
          },
          now,
        );
        const stored = toAlert(rows[0]);
        await within?.(tx, stored, s);
        return stored;
      }),
  };
}

function forbidden(id: string, d: Extract<TransitionDecision, { ok: false }>): AppError {
  const list = d.allowed.length > 0 ? d.allowed.join(', ') : 'none / không có';
  return new AppError(
    'TRANSITION_FORBIDDEN',
    `${d.message} / thao tác này không được phép khi cảnh báo ở trạng thái ${d.status}; được phép: ${list}`,
    {
      details: { alert_id: id, status: d.status, allowed: d.allowed },
    },
  );
}

interface StepRow {
  alert_id: string;
  from_status: LifecycleStatus;
  to_status: LifecycleStatus;
  action: ActionType;
  actor: string;
  at: Date;
  version: number;
  notes: string | null;
  details: Record<string, unknown> | string;
}

const toStep = (r: StepRow): LifecycleStep => ({
  alert_id: r.alert_id,
  from: r.from_status,
  to: r.to_status,
  action: r.action,
  actor: r.actor,
  at: r.at.toISOString(),
  version: r.version,
  notes: r.notes,
  details: json(r.details),
});

/** Alerts of one level and status (metrics: `ews_alerts{level,status}`). */
export interface AlertCount {
  readonly level: AlertLevel;
  readonly status: LifecycleStatus;
  readonly count: number;
}

/**
 * Lifecycle alerts by level and status, for the gauge collected on each /metrics scrape.
 * Alerts merged into another (closed with `merged_into` set) are left out: their evidence and
 * their event are the other alert's.
 */
export async function countAlertsByLevelAndStatus(db: Queryable): Promise<AlertCount[]> {
  const { rows } = await db.query<{ level: AlertLevel; status: LifecycleStatus; n: string | number }>(
    `SELECT level, status, count(*) AS n FROM lifecycle_alerts WHERE merged_into IS NULL
     GROUP BY level, status ORDER BY level, status`,
  );
  return rows.map((r) => ({ level: r.level, status: r.status, count: Number(r.n) }));
}
