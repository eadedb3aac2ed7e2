import type { ClickHouseClient } from '@clickhouse/client';
import { dayRange, dayString } from '../platform/days.ts';

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

export interface SeriesRead {
  /** `day`: one value per day; `week`: per ISO week (Monday-based, consecutive week numbers). */
  granularity: 'day' | 'week';
  /** Province series sum their communes; `provinceOf` maps commune → province code. */
  area: 'commune' | 'province';
  provinceOf?: ReadonlyMap<string, string>;
}

/** The port over `syndrome_counts`: the reads detection, the scan and the read API need. */
export interface CountStore {
  /**
   * Daily counts per (commune, syndrome, day), zero-filled over [from, to] for every
   * requested commune, ordered by commune, syndrome, date.
   */
  readCounts(q: CountQuery, allCommunes: readonly string[]): Promise<CountRow[]>;
  /**
   * Dense series for many (syndrome, area) pairs at once: one query, values aligned to the
   * periods `from..to` (day numbers or week numbers), keyed `syndrome|area`. Weekly and
   * province values are exact distinct-event counts (the uniqExact states of the days and
   * communes are merged). Default: daily commune series.
   */
  readSeries(
    pairs: readonly { syndrome: string; area: string }[],
    from: number,
    to: number,
    how?: SeriesRead,
  ): Promise<Map<string, number[]>>;
}

export function createCountStore(client: ClickHouseClient): CountStore {
  return {
    readCounts: (q, allCommunes) => readCounts(client, q, allCommunes),
    readSeries: (pairs, from, to, how) => readSeries(client, pairs, from, to, how),
  };
}

// The only SQL chosen per call: constant fragments picked by closed enums, never input text
// (every value travels as a query parameter).
const COMMUNE_FILTER = 'AND commune_code IN {communes:Array(String)}';
const AREA_EXPR = {
  commune: 'commune_code',
  province: "transform(commune_code, {codes:Array(String)}, {provs:Array(String)}, '')",
} as const;
// Day numbers since 1970-01-01; ISO week numbers as in processors/detect/periods.ts.
const PERIOD_EXPR = { day: 'toUInt32(day)', week: 'intDiv(toUInt32(day) + 3, 7)' } as const;

async function readCounts(client: ClickHouseClient, q: CountQuery, allCommunes: readonly string[]): Promise<CountRow[]> {
  const filtered = (q.communes?.length ?? 0) > 0;
  const communes = filtered ? (q.communes ?? []) : allCommunes;
  const rs = await client.query({
    query: `SELECT commune_code, syndrome, toString(day) AS date, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {syndromes:Array(String)} AND day BETWEEN {from:Date} AND {to:Date}
              ${filtered ? COMMUNE_FILTER : ''}
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

async function readSeries(
  client: ClickHouseClient,
  pairs: readonly { syndrome: string; area: string }[],
  from: number,
  to: number,
  how: SeriesRead = { granularity: 'day', area: 'commune' },
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const p of pairs) out.set(`${p.syndrome}|${p.area}`, new Array<number>(to - from + 1).fill(0));
  if (pairs.length === 0) return out;
  const weekly = how.granularity === 'week';
  const firstDay = weekly ? from * 7 - 3 : from;
  const lastDay = weekly ? to * 7 + 3 : to;
  const codes = [...(how.provinceOf?.keys() ?? [])];
  const rs = await client.query({
    query: `SELECT syndrome, ${AREA_EXPR[how.area]} AS area, ${PERIOD_EXPR[how.granularity]} AS period, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {syndromes:Array(String)}
              AND day BETWEEN {firstDay:Date} AND {lastDay:Date}
              AND has(arrayZip({ps:Array(String)}, {pa:Array(String)}), (syndrome, area))
            GROUP BY syndrome, area, period`,
    query_params: {
      syndromes: [...new Set(pairs.map((p) => p.syndrome))],
      ps: pairs.map((p) => p.syndrome),
      pa: pairs.map((p) => p.area),
      codes,
      provs: codes.map((c) => how.provinceOf!.get(c)!),
      firstDay: dayString(firstDay),
      lastDay: dayString(lastDay),
    },
    format: 'JSONCompactEachRow',
  });
  for (const [s, a, period, n] of await rs.json<[string, string, number | string, number | string]>()) {
    const arr = out.get(`${s}|${a}`);
    const i = Number(period) - from;
    if (arr && i >= 0 && i < arr.length) arr[i] = Number(n);
  }
  return out;
}
