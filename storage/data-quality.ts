import type { ClickHouseClient } from '../platform/clickhouse.ts';
import { NON_INFORMATIVE_COMPLAINTS } from '../schemas/data-quality.ts';

/**
 * schemas/data-quality.ts normalizeComplaint in SQL, over `chief_complaint`: NFC, lower case,
 * the same separators collapsed to one space, trimmed. Kept next to the classifier's tests by
 * test/integration/data-quality-pipeline.test.ts, which posts the table's complaints.
 */
const COMPLAINT_SQL = `trimBoth(replaceRegexpAll(lowerUTF8(normalizeUTF8NFC(chief_complaint)), '[ \\t\\r\\n.,;:!/_-]+', ' '))`;

/** Day number (days since 1970-01-01) of the Vietnamese day (UTC+07:00) an event was received on. */
const RECEIVED_DAY_SQL = `intDiv(toUnixTimestamp64Milli(received_at) + 25200000, 86400000)`;

export interface DataQualityQuery {
  /** The hospitals to read. */
  hospitals: readonly string[];
  /** Epoch ms: events received at or after it (the start of the baseline) are counted by day. */
  since: number;
  /** Epoch ms: the start of the window, for active hours and dead letters. */
  windowStart: number;
}

/** What the store knows about one hospital's deliveries. */
export interface HospitalDeliveries {
  hospital_id: string;
  /** Epoch ms of the last event received (ever), null when none. */
  lastReceivedMs: number | null;
  /** Events received per local day number since `since` (days without events absent). */
  perDay: Map<number, number>;
  /** Of the encounters received in the window: how many, how many informative. */
  encounters: number;
  informative: number;
  /** Events received in the window (distinct events). */
  accepted: number;
  /** Epoch ms of each hour of the window in which at least one event was received. */
  activeHours: number[];
  /** Dead letters of the hospital received in the window, by reason code. */
  rejectedByReason: Map<string, number>;
}

export interface DataQualityReader {
  read(q: DataQualityQuery): Promise<Map<string, HospitalDeliveries>>;
}

export function createDataQualityReader(client: ClickHouseClient): DataQualityReader {
  return { read: (q) => readDataQuality(client, q) };
}

/** Per hospital of `q.hospitals` (each present in the answer, empty when it sent nothing). */
export async function readDataQuality(client: ClickHouseClient, q: DataQualityQuery): Promise<Map<string, HospitalDeliveries>> {
  const out = new Map<string, HospitalDeliveries>();
  for (const id of q.hospitals)
    out.set(id, {
      hospital_id: id,
      lastReceivedMs: null,
      perDay: new Map(),
      encounters: 0,
      informative: 0,
      accepted: 0,
      activeHours: [],
      rejectedByReason: new Map(),
    });
  if (q.hospitals.length === 0) return out;
  const params = {
    hospitals: [...q.hospitals],
    since: q.since,
    window_start: q.windowStart,
    terms: [...NON_INFORMATIVE_COMPLAINTS],
  };

  // Distinct events (FINAL merges resends) received since the baseline's start, per local day.
  const days = await client.query({
    query: `SELECT hospital_id, ${RECEIVED_DAY_SQL} AS day, count() AS n,
                   countIf(received_at >= fromUnixTimestamp64Milli({window_start:Int64}, 'UTC') AND schema != 'ews.lab.v1') AS encounters,
                   countIf(received_at >= fromUnixTimestamp64Milli({window_start:Int64}, 'UTC') AND schema != 'ews.lab.v1'
                           AND (notEmpty(arrayFilter(d -> trimBoth(d) != '', diagnoses))
                                OR (${COMPLAINT_SQL} != '' AND NOT has({terms:Array(String)}, ${COMPLAINT_SQL})))) AS informative
            FROM events FINAL
            WHERE has({hospitals:Array(String)}, hospital_id) AND received_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            GROUP BY hospital_id, day`,
    query_params: params,
    format: 'JSONEachRow',
  });
  for (const r of await days.json<{
    hospital_id: string;
    day: number | string;
    n: number | string;
    encounters: number | string;
    informative: number | string;
  }>()) {
    const h = out.get(r.hospital_id);
    if (!h) continue;
    h.perDay.set(Number(r.day), Number(r.n));
    h.encounters += Number(r.encounters);
    h.informative += Number(r.informative);
  }

  // The last event ever, and the hours of the window with an event (for the silence rule).
  const last = await client.query({
    query: `SELECT hospital_id, toUnixTimestamp64Milli(max(received_at)) AS last_ms,
                   arrayMap(x -> toUnixTimestamp(x) * 1000,
                            groupUniqArrayIf(toStartOfHour(received_at), received_at >= fromUnixTimestamp64Milli({window_start:Int64}, 'UTC'))) AS hours,
                   uniqExactIf(event_id, received_at >= fromUnixTimestamp64Milli({window_start:Int64}, 'UTC')) AS accepted
            FROM events
            WHERE has({hospitals:Array(String)}, hospital_id)
            GROUP BY hospital_id`,
    query_params: params,
    format: 'JSONEachRow',
  });
  for (const r of await last.json<{
    hospital_id: string;
    last_ms: number | string;
    hours: (number | string)[];
    accepted: number | string;
  }>()) {
    const h = out.get(r.hospital_id);
    if (!h) continue;
    h.lastReceivedMs = Number(r.last_ms);
    h.activeHours = r.hours.map(Number).sort((a, b) => a - b);
    h.accepted = Number(r.accepted);
  }

  const letters = await client.query({
    query: `SELECT hospital_id, reason_code, count() AS n
            FROM dead_letters
            WHERE has({hospitals:Array(String)}, hospital_id) AND received_at >= fromUnixTimestamp64Milli({window_start:Int64}, 'UTC')
            GROUP BY hospital_id, reason_code`,
    query_params: params,
    format: 'JSONEachRow',
  });
  for (const r of await letters.json<{ hospital_id: string; reason_code: string; n: number | string }>()) {
    out.get(r.hospital_id)?.rejectedByReason.set(r.reason_code, Number(r.n));
  }
  return out;
}
