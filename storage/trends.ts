import type { ClickHouseClient } from '@clickhouse/client';
import { dayString } from '../platform/days.ts';

/** Day ranges (day numbers, inclusive) a trends answer needs: its own range and the same periods of earlier years. */
export interface DayRange {
  from: number;
  to: number;
}

/** The port GET /v1/trends reads `syndrome_counts` through. */
export interface TrendStore {
  /**
   * Daily distinct-event counts of each series summed over `communes` (the uniqExact states
   * of the communes merged per day), on the days of `ranges`: series → day number → count,
   * days without events absent (the caller zero-fills). No communes → empty maps.
   */
  readDaily(series: readonly string[], communes: readonly string[], ranges: readonly DayRange[]): Promise<Map<string, Map<number, number>>>;
}

export function createTrendStore(client: ClickHouseClient): TrendStore {
  return { readDaily: (series, communes, ranges) => readDaily(client, series, communes, ranges) };
}

async function readDaily(
  client: ClickHouseClient,
  series: readonly string[],
  communes: readonly string[],
  ranges: readonly DayRange[],
): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>(series.map((s) => [s, new Map<number, number>()]));
  if (series.length === 0 || communes.length === 0 || ranges.length === 0) return out;
  const rs = await client.query({
    query: `SELECT syndrome, toUInt32(day) AS d, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {series:Array(String)}
              AND commune_code IN {communes:Array(String)}
              AND day BETWEEN {lo:Date} AND {hi:Date}
              AND arrayExists((a, b) -> day BETWEEN a AND b, {starts:Array(Date)}, {ends:Array(Date)})
            GROUP BY syndrome, day`,
    query_params: {
      series,
      communes,
      lo: dayString(Math.min(...ranges.map((r) => r.from))),
      hi: dayString(Math.max(...ranges.map((r) => r.to))),
      starts: ranges.map((r) => dayString(r.from)),
      ends: ranges.map((r) => dayString(r.to)),
    },
    format: 'JSONCompactEachRow',
  });
  for (const [s, d, n] of await rs.json<[string, number | string, number | string]>()) out.get(s)?.set(Number(d), Number(n));
  return out;
}
