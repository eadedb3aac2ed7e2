import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The detectors' verdicts stored in `signals` for one series, for the series view's alarm
 * markers (GET /v1/series): which period alarmed, by which detector, with which p-value.
 * Every value travels as a query parameter.
 */

/** One stored signal of a series (one detector, one period). */
export interface SeriesSignal {
  /** Day evaluated, YYYY-MM-DD; for a weekly series the Monday of the ISO week. */
  readonly day: string;
  readonly algorithm: string;
  readonly observed: number;
  readonly expected: number | null;
  readonly upperbound: number | null;
  readonly p_value: number | null;
  readonly alarm: boolean;
  readonly level: string;
}

export interface SeriesSignalQuery {
  readonly syndrome: string;
  /** `commune` (a commune code), `province` (a province code) or `cluster` (its centre commune). */
  readonly areaLevel: 'commune' | 'province' | 'cluster';
  readonly areaCode: string;
  readonly granularity: 'day' | 'week';
  /** Inclusive days, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
}

/** The port the read API asks for the signals of a series. */
export interface SeriesSignalReader {
  /** Every detector's latest signal per period of the series, ordered by day then algorithm. */
  readSeriesSignals(q: SeriesSignalQuery): Promise<SeriesSignal[]>;
}

const toNumber = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function createSeriesSignalReader(client: ClickHouseClient): SeriesSignalReader {
  return {
    async readSeriesSignals(q) {
      // Aliases apart from the column names: WHERE and ORDER BY read the typed columns.
      const rs = await client.query({
        query: `SELECT toString(day) AS day_text, algorithm, observed, expected, upperbound, p_value, alarm, level
                FROM signals FINAL
                WHERE syndrome = {syndrome:String} AND commune_code = {code:String} AND area_level = {level:String}
                  AND granularity = {granularity:String} AND day BETWEEN {from:Date} AND {to:Date}
                ORDER BY day, algorithm`,
        query_params: {
          syndrome: q.syndrome,
          code: q.areaCode,
          level: q.areaLevel,
          granularity: q.granularity,
          from: q.from,
          to: q.to,
        },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{
        day_text: string;
        algorithm: string;
        observed: number | string;
        expected: number | string | null;
        upperbound: number | string | null;
        p_value: number | string | null;
        alarm: boolean | number;
        level: string;
      }>();
      return rows.map((r) => ({
        day: r.day_text,
        algorithm: r.algorithm,
        observed: Number(r.observed),
        expected: toNumber(r.expected),
        upperbound: toNumber(r.upperbound),
        p_value: toNumber(r.p_value),
        alarm: r.alarm === true || r.alarm === 1,
        level: r.level,
      }));
    },
  };
}
