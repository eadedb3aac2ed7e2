import type { ClickHouseClient } from '../platform/clickhouse.ts';

/**
 * Calls `each` with the identity (hospital_id, event_id) of every stored event, streamed (the
 * table may hold tens of millions). Resolves with how many rows were read; a replayed event
 * not merged away yet may come twice.
 */
export async function forEachEventIdentity(client: ClickHouseClient, each: (hospitalId: string, eventId: string) => void): Promise<number> {
  const rs = await client.query({ query: 'SELECT hospital_id, event_id FROM events', format: 'JSONCompactEachRow' });
  let n = 0;
  for await (const rows of rs.stream<[string, string]>()) {
    for (const row of rows) {
      const [h, e] = row.json();
      each(h, e);
      n++;
    }
  }
  return n;
}
