import type { ClickHouseClient } from '../platform/clickhouse.ts';
import { dayString } from '../platform/days.ts';
import type { Queryable } from '../platform/operational-store.ts';

/**
 * The two reads of the weekly bulletin (dashboards/bulletin/) no other store offers: the
 * lifecycle alerts of a province active during a span of time, and each hospital's events per
 * day of occurrence. Counts and ids only.
 */
export interface BulletinReads {
  /**
   * Ids of the lifecycle alerts of `province` (its code in the alert's provinces) that were
   * open at some instant of [startMs, endMs): opened before the end and not closed before the
   * start. Oldest opened first. Merged alerts included (the caller leaves them out).
   */
  alertIdsActiveIn(province: string, startMs: number, endMs: number): Promise<string[]>;
  /**
   * Distinct events of each hospital per local day of occurrence (the `day` column, Vietnam
   * time) in [fromDay, toDay] (day numbers): hospital → day number → events; days without
   * events absent; every asked hospital present.
   */
  eventsPerDay(hospitals: readonly string[], fromDay: number, toDay: number): Promise<Map<string, Map<number, number>>>;
}

export function createBulletinReads(deps: { db: Queryable; store: ClickHouseClient }): BulletinReads {
  return {
    async alertIdsActiveIn(province, startMs, endMs) {
      const { rows } = await deps.db.query<{ id: string }>(
        `SELECT id FROM lifecycle_alerts
         WHERE $1 = ANY(provinces) AND opened_at < $3 AND (closed_at IS NULL OR closed_at >= $2)
         ORDER BY opened_at, id`,
        [province, new Date(startMs), new Date(endMs)],
      );
      return rows.map((r) => r.id);
    },

    async eventsPerDay(hospitals, fromDay, toDay) {
      const out = new Map<string, Map<number, number>>(hospitals.map((h) => [h, new Map<number, number>()]));
      if (hospitals.length === 0) return out;
      // FINAL merges resends of an event (ReplacingMergeTree on hospital_id, event_id).
      const rs = await deps.store.query({
        query: `SELECT hospital_id, toUInt32(day) AS d, count() AS n
                FROM events FINAL
                WHERE has({hospitals:Array(String)}, hospital_id) AND day BETWEEN {from:Date} AND {to:Date}
                GROUP BY hospital_id, day`,
        query_params: { hospitals: [...hospitals], from: dayString(fromDay), to: dayString(toDay) },
        format: 'JSONCompactEachRow',
      });
      for (const [h, d, n] of await rs.json<[string, number | string, number | string]>()) out.get(h)?.set(Number(d), Number(n));
      return out;
    },
  };
}
