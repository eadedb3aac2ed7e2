import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The read side of `events` (the processors write it through `insertTsv`, ingest warms its
 * duplicate index through `event-identities.ts`).
 */
export interface EventStore {
  /** Distinct events stored (one per hospital_id + event_id, resends and replays merged). */
  countStored(): Promise<number>;
}

export function createEventStore(client: ClickHouseClient): EventStore {
  return {
    async countStored() {
      const rs = await client.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' });
      return Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0);
    },
  };
}
