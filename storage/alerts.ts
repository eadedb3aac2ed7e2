import type { ClickHouseClient } from '@clickhouse/client';
import type { Alert, AlertStatus } from '../schemas/alerts.ts';

export interface AlertFilter {
  status: AlertStatus | 'all';
  syndrome?: string | undefined;
  commune?: string | undefined;
  /**
   * Only alerts about these area codes (communes and provinces), and cluster alerts whose
   * communes are all among them; undefined: every area. A caller's jurisdiction.
   */
  areas?: readonly string[] | undefined;
  /** Newest first, at most this many. */
  limit: number;
}

/**
 * The port over `alerts`, a table of versions: every change is a new row, and the newest
 * version of an alert is its state. Versions are this adapter's business: callers store and
 * read alerts.
 */
export interface AlertStore {
  /** The alerts open now. */
  openAlerts(): Promise<Alert[]>;
  /** Stores a new version of each alert, in order; resolves once the store has them all. */
  insert(alerts: readonly Alert[]): Promise<void>;
  /** Current alerts matching the filter, most recently updated first. */
  list(filter: AlertFilter): Promise<Alert[]>;
}

export function createAlertStore(client: ClickHouseClient, clock: { now(): number }): AlertStore {
  // Versions order an alert's rows for FINAL: continue after the newest stored one, so a
  // restart (or a clock that was set back) never writes an older-looking version. Ranges are
  // reserved in call order; a failed first read is tried again by the next insert.
  let last: Promise<number> | undefined;
  const reserve = (n: number): Promise<number> => {
    const next = (last ?? maxVersion(client, clock.now())).then((v) => v + n);
    last = next;
    void next.catch(() => {
      if (last === next) last = undefined;
    });
    return next.then((end) => end - n + 1);
  };

  return {
    async openAlerts() {
      const rs = await client.query({
        query: 'SELECT * EXCEPT version FROM alerts FINAL WHERE status = {status:String}',
        query_params: { status: 'open' },
        format: 'JSONEachRow',
      });
      return (await rs.json<Alert>()).map(normalise);
    },
    async insert(alerts) {
      if (alerts.length === 0) return;
      const first = await reserve(alerts.length);
      await client.insert({ table: 'alerts', format: 'JSONEachRow', values: alerts.map((a, i) => ({ ...a, version: first + i })) });
    },
    async list(f) {
      const rs = await client.query({
        query: `SELECT * EXCEPT version FROM alerts FINAL
                WHERE ({status:String} = 'all' OR status = {status:String})
                  AND ({syndrome:String} = '' OR syndrome = {syndrome:String})
                  AND ({commune:String} = '' OR commune_code = {commune:String})
                  AND (NOT {scoped:Bool} OR (has({areas:Array(String)}, commune_code) AND hasAll({areas:Array(String)}, cluster_communes)))
                ORDER BY updated_at DESC LIMIT {limit:UInt32}`,
        query_params: {
          status: f.status,
          syndrome: f.syndrome ?? '',
          commune: f.commune ?? '',
          scoped: f.areas !== undefined,
          areas: f.areas ?? [],
          limit: f.limit,
        },
        format: 'JSONEachRow',
      });
      return (await rs.json<Alert>()).map(normalise);
    },
  };
}

async function maxVersion(client: ClickHouseClient, nowMs: number): Promise<number> {
  const rs = await client.query({ query: 'SELECT max(version) AS v FROM alerts', format: 'JSONEachRow' });
  return Math.max(nowMs * 1000, Number((await rs.json<{ v: string | number }>())[0]?.v ?? 0));
}

/** ClickHouse returns DateTime64 as 'YYYY-MM-DD hh:mm:ss.sss' (UTC) and UInt32 as text or number; alerts carry ISO strings and numbers. */
function normalise(a: Alert): Alert {
  const iso = (s: string) => (s.includes('T') ? s : `${s.replace(' ', 'T')}Z`);
  return { ...a, opened_at: iso(a.opened_at), updated_at: iso(a.updated_at), signal_count: Number(a.signal_count) };
}
