import type { ClickHouseClient } from '@clickhouse/client';
import { dayRange } from '../platform/days.ts';

export interface CountRow {
  commune_code: string;
  date: string;
  syndrome: string;
  count: number;
}

export interface CountQuery {
  syndromes: readonly string[];
  /** Restrict to these communes; all communes in `allCommunes` when omitted. */
  communes?: readonly string[] | undefined;
  from: string;
  to: string;
}

/**
 * Daily counts per (commune, syndrome, day) from `syndrome_counts`, zero-filled over
 * [from, to] for every requested commune, ordered by commune, syndrome, date.
 */
export async function readCounts(client: ClickHouseClient, q: CountQuery, allCommunes: readonly string[]): Promise<CountRow[]> {
  const communes = q.communes && q.communes.length > 0 ? q.communes : allCommunes;
  const rs = await client.query({
    query: `SELECT commune_code, syndrome, toString(day) AS date, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {syndromes:Array(String)} AND day BETWEEN {from:Date} AND {to:Date}
              ${q.communes && q.communes.length > 0 ? 'AND commune_code IN {communes:Array(String)}' : ''}
            GROUP BY commune_code, syndrome, day`,
    query_params: { syndromes: q.syndromes, from: q.from, to: q.to, communes: q.communes ?? [] },
    format: 'JSONCompactEachRow',
  });
  const found = new Map<string, number>();
  for (const [c, s, d, n] of await rs.json<[string, string, string, number | string]>()) found.set(`${c}|${s}|${d}`, Number(n));
  const days = dayRange(q.from, q.to);
  const rows: CountRow[] = [];
  for (const commune_code of [...communes].sort()) {
    for (const syndrome of q.syndromes) {
      for (const date of days) rows.push({ commune_code, date, syndrome, count: found.get(`${commune_code}|${syndrome}|${date}`) ?? 0 });
    }
  }
  return rows;
}

/**
 * Dense daily series for many (syndrome, commune) pairs at once: one query, returned as
 * arrays aligned to the days of [from, to].
 */
export async function readSeries(
  client: ClickHouseClient,
  pairs: readonly { syndrome: string; commune_code: string }[],
  from: string,
  to: string,
): Promise<Map<string, number[]>> {
  const days = dayRange(from, to);
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, number[]>();
  for (const p of pairs) out.set(`${p.syndrome}|${p.commune_code}`, new Array<number>(days.length).fill(0));
  if (pairs.length === 0) return out;
  const rs = await client.query({
    query: `SELECT syndrome, commune_code, toString(day) AS d, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {syndromes:Array(String)} AND commune_code IN {communes:Array(String)}
              AND has(arrayZip({ps:Array(String)}, {pc:Array(String)}), (syndrome, commune_code))
              AND day BETWEEN {from:Date} AND {to:Date}
            GROUP BY syndrome, commune_code, day`,
    query_params: {
      syndromes: [...new Set(pairs.map((p) => p.syndrome))],
      communes: [...new Set(pairs.map((p) => p.commune_code))],
      ps: pairs.map((p) => p.syndrome),
      pc: pairs.map((p) => p.commune_code),
      from,
      to,
    },
    format: 'JSONCompactEachRow',
  });
  for (const [s, c, d, n] of await rs.json<[string, string, string, number | string]>()) {
    const arr = out.get(`${s}|${c}`);
    const i = index.get(d);
    if (arr && i !== undefined) arr[i] = Number(n);
  }
  return out;
}
