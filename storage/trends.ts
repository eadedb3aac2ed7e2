import type { ClickHouseClient } from '@clickhouse/client';
import { dayString } from '../platform/days.ts';
import { grainFor, STRATUM_COLUMN, STRATUM_EVENTS_EXPR, type Stratum } from './daily-counts.ts';

/** Day ranges (day numbers, inclusive) a trends answer needs: its own range and the same periods of earlier years. */
export interface DayRange {
  from: number;
  to: number;
}

/** The port GET /v1/trends reads counts through. */
export interface TrendStore {
  /**
   * Daily distinct-event counts of each series summed over `communes`, on the days of
   * `ranges`: series → day number → count, days without events absent (the caller
   * zero-fills). Closed days come from `daily_counts` (finalized), open days from
   * `syndrome_counts` (the uniqExact states of the communes merged per day). No communes → empty maps.
   */
  readDaily(series: readonly string[], communes: readonly string[], ranges: readonly DayRange[]): Promise<Map<string, Map<number, number>>>;
  /**
   * The same, split by `strata`: series → stratum key (the values in the order of `strata`,
   * joined by a tab) → day number → count. Closed days from `daily_counts`, open days from
   * `events` FINAL.
   */
  readStrata(
    series: readonly string[],
    communes: readonly string[],
    ranges: readonly DayRange[],
    strata: readonly Stratum[],
  ): Promise<Map<string, Map<string, Map<number, number>>>>;
}

export interface TrendStoreOptions {
  /** false: every day from the live path (`syndrome_counts` / `events`), as before `daily_counts`; for comparisons. */
  finalized?: boolean;
}

export function createTrendStore(client: ClickHouseClient, options: TrendStoreOptions = {}): TrendStore {
  const useFinalized = options.finalized !== false;
  const split = async (ranges: readonly DayRange[]) =>
    useFinalized ? splitRanges(ranges, await finalizedDays(client, ranges)) : { closed: [], open: [...ranges] };
  return {
    async readDaily(series, communes, ranges) {
      const out = new Map<string, Map<number, number>>(series.map((s) => [s, new Map<number, number>()]));
      if (series.length === 0 || communes.length === 0 || ranges.length === 0) return out;
      const { closed, open } = await split(ranges);
      const parts: string[] = [];
      const params: Record<string, unknown> = { series, communes };
      if (open.length > 0) {
        parts.push(`SELECT syndrome AS s, toUInt32(day) AS d, uniqExactMerge(events) AS n
            FROM syndrome_counts
            WHERE syndrome IN {series:Array(String)} AND commune_code IN {communes:Array(String)}
              AND ${rangeFilter('o')}
            GROUP BY syndrome, day`);
        Object.assign(params, rangeParams('o', open));
      }
      if (closed.length > 0) {
        parts.push(`SELECT series AS s, toUInt32(day) AS d, sum(n) AS n
            FROM daily_counts FINAL
            WHERE grain = 'total' AND series IN {series:Array(String)} AND commune_code IN {communes:Array(String)}
              AND ${rangeFilter('c')}
            GROUP BY series, day`);
        Object.assign(params, rangeParams('c', closed));
      }
      const rs = await client.query({
        query: parts.join(' UNION ALL '),
        query_params: params,
        format: 'JSONCompactEachRow',
        clickhouse_settings: { do_not_merge_across_partitions_select_final: 1 },
      });
      for (const [s, d, n] of await rs.json<[string, number | string, number | string]>()) {
        const m = out.get(s);
        if (m && Number(n) > 0) m.set(Number(d), Number(n));
      }
      return out;
    },
    async readStrata(series, communes, ranges, strata) {
      const out = new Map<string, Map<string, Map<number, number>>>(series.map((s) => [s, new Map()]));
      if (series.length === 0 || communes.length === 0 || ranges.length === 0 || strata.length === 0) return out;
      const { closed, open } = await split(ranges);
      const key = (cols: string[]) => `arrayStringConcat([${cols.join(', ')}], '\\t')`;
      const parts: string[] = [];
      const params: Record<string, unknown> = { series, communes };
      if (open.length > 0) {
        parts.push(`SELECT series AS s, k, toUInt32(day) AS d, count() AS n
            FROM (
              SELECT arrayJoin(arrayPushBack(syndromes, if(schema = 'ews.lab.v1', '_tests', '_visits'))) AS series, day,
                     ${key(strata.map((x) => STRATUM_EVENTS_EXPR[x]))} AS k
              FROM events FINAL
              WHERE commune_code IN {communes:Array(String)} AND ${rangeFilter('o')}
            )
            WHERE series IN {series:Array(String)}
            GROUP BY series, k, day`);
        Object.assign(params, rangeParams('o', open));
      }
      if (closed.length > 0) {
        parts.push(`SELECT series AS s, ${key(strata.map((x) => STRATUM_COLUMN[x]))} AS k, toUInt32(day) AS d, sum(n) AS n
            FROM daily_counts FINAL
            WHERE grain = {grain:String} AND series IN {series:Array(String)} AND commune_code IN {communes:Array(String)}
              AND ${rangeFilter('c')}
            GROUP BY s, k, day`);
        Object.assign(params, rangeParams('c', closed), { grain: grainFor(strata) });
      }
      const rs = await client.query({
        query: parts.join(' UNION ALL '),
        query_params: params,
        format: 'JSONCompactEachRow',
        clickhouse_settings: { do_not_merge_across_partitions_select_final: 1 },
      });
      for (const [s, k, d, n] of await rs.json<[string, string, number | string, number | string]>()) {
        const bySeries = out.get(s);
        if (!bySeries || Number(n) === 0) continue;
        let days = bySeries.get(k);
        if (!days) bySeries.set(k, (days = new Map<number, number>()));
        days.set(Number(d), (days.get(Number(d)) ?? 0) + Number(n));
      }
      return out;
    },
  };
}

// A range filter over `day`: the overall bounds (the sort key and partitions prune on them),
// then the ranges themselves. `p` prefixes the parameter names.
const rangeFilter = (p: string) =>
  `day BETWEEN {${p}lo:Date} AND {${p}hi:Date} AND arrayExists((a, b) -> day BETWEEN a AND b, {${p}starts:Array(Date)}, {${p}ends:Array(Date)})`;
const rangeParams = (p: string, ranges: readonly DayRange[]) => ({
  [`${p}lo`]: dayString(Math.min(...ranges.map((r) => r.from))),
  [`${p}hi`]: dayString(Math.max(...ranges.map((r) => r.to))),
  [`${p}starts`]: ranges.map((r) => dayString(r.from)),
  [`${p}ends`]: ranges.map((r) => dayString(r.to)),
});

async function finalizedDays(client: ClickHouseClient, ranges: readonly DayRange[]): Promise<Set<number>> {
  const rs = await client.query({
    query: 'SELECT toUInt32(day) FROM finalized_days FINAL WHERE day BETWEEN {lo:Date} AND {hi:Date}',
    query_params: { lo: dayString(Math.min(...ranges.map((r) => r.from))), hi: dayString(Math.max(...ranges.map((r) => r.to))) },
    format: 'JSONCompactEachRow',
  });
  return new Set((await rs.json<[number | string]>()).map(([d]) => Number(d)));
}

/** Splits day ranges into maximal runs of finalized (closed) and other (open) days; overlapping ranges are merged first. */
export function splitRanges(ranges: readonly DayRange[], finalized: ReadonlySet<number>): { closed: DayRange[]; open: DayRange[] } {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: DayRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  const closed: DayRange[] = [];
  const open: DayRange[] = [];
  for (const r of merged) {
    for (let d = r.from; d <= r.to;) {
      const isClosed = finalized.has(d);
      let e = d;
      while (e + 1 <= r.to && finalized.has(e + 1) === isClosed) e++;
      (isClosed ? closed : open).push({ from: d, to: e });
      d = e + 1;
    }
  }
  return { closed, open };
}
