import type { Queryable } from '../platform/operational-store.ts';
import type { AlertLevel, LifecycleStatus } from '../schemas/alert-lifecycle.ts';

/**
 * The lifecycle alerts changed lately, for the live updates (dashboards/live-routes.ts): one
 * small query over `lifecycle_alerts` by `updated_at`, whoever wrote the change (this process's
 * grouping, an officer's step, another process). Only what the stream says and what scoping
 * needs: no evidence, no notes.
 */
export interface AlertChangeRow {
  id: string;
  status: LifecycleStatus;
  level: AlertLevel;
  version: number;
  /** The communes of its area and their provinces (the store's jurisdiction columns). */
  communes: string[];
  provinces: string[];
  /** ISO instant of its last change. */
  updated_at: string;
}

interface Row {
  id: string;
  status: LifecycleStatus;
  level: AlertLevel;
  version: number;
  communes: string[];
  provinces: string[];
  updated_at: Date;
}

export interface AlertChangeReader {
  /** Alerts whose `updated_at` is at or after `since` (every alert when null), oldest change first, at most `limit`. */
  changedSince(since: Date | null, limit: number): Promise<AlertChangeRow[]>;
}

export function createAlertChangeReader(db: Queryable): AlertChangeReader {
  return {
    async changedSince(since, limit) {
      const { rows } = await db.query<Row>(
        `SELECT id, status, level, version, communes, provinces, updated_at FROM lifecycle_alerts
         ${since === null ? '' : 'WHERE updated_at >= $2'}
         ORDER BY updated_at, id LIMIT $1`,
        since === null ? [limit] : [limit, since],
      );
      return rows.map((r) => ({ ...r, updated_at: r.updated_at.toISOString() }));
    },
  };
}
