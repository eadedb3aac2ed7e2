import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The reads behind one alert's detail (issue 10, GET /v1/alerts/:id) on ClickHouse: the
 * detectors' expected values and thresholds stored in `signals` for a series, and the
 * pseudonymised events (`events`) behind an alert. The counts themselves come from
 * storage/counts.ts `readCounts`. Every value travels as a query parameter.
 */

/** The stored figures of one detector for one day of a series (null where it had none). */
export interface SignalBand {
  readonly day: string;
  readonly algorithm: string;
  readonly expected: number | null;
  readonly upperbound: number | null;
}

export interface SignalBandQuery {
  readonly syndrome: string;
  /** `commune` (area_code a commune) or `province` (area_code a province code). */
  readonly areaLevel: 'commune' | 'province';
  readonly areaCode: string;
  /** Inclusive days, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
}

/** One event of a line list: the patient only by pseudonym, no event id, no free text. */
export interface LineListRow {
  readonly day: string;
  /** ISO instant (UTC). */
  readonly occurred_at: string;
  readonly commune_code: string;
  readonly hospital_id: string;
  /** HMAC pseudonym of the patient identifier (ingest): never the identifier itself. */
  readonly patient_key: string;
  readonly sex: string;
  readonly age_years: number | null;
  /** Encounter setting (outpatient, inpatient…); empty for a laboratory result. */
  readonly setting: string;
  readonly diagnoses: readonly string[];
  readonly temperature_c: number | null;
  readonly test_code: string;
  readonly result: string;
  readonly syndromes: readonly string[];
}

export interface LineListQuery {
  /** Events counted in any of these series (a syndrome and its laboratory series). */
  readonly syndromes: readonly string[];
  readonly communes: readonly string[];
  /** The days, YYYY-MM-DD (local days, as counted). */
  readonly days: readonly string[];
  /** At most this many rows (1–10,000). */
  readonly limit: number;
}

export interface LineList {
  /** Oldest first (day, time of the event, pseudonym). */
  readonly rows: LineListRow[];
  /** More events matched than `limit`. */
  readonly truncated: boolean;
}

export interface AlertDetailReader {
  /** The stored daily figures of every detector for the series, ordered by day then algorithm. */
  readSignalBands(q: SignalBandQuery): Promise<SignalBand[]>;
  /** The events behind the alert, distinct (resends and replays merged), at most `limit`. */
  readLineList(q: LineListQuery): Promise<LineList>;
  /**
   * The same events, in the same order, pulled from the store's result stream as the caller
   * iterates (an export: never the whole list in memory); at most `limit` (1–100,000).
   */
  streamLineList(q: LineListQuery): AsyncIterable<LineListRow>;
}

const LINE_LIST_SQL = `SELECT toString(day) AS day_text, toString(occurred_at) AS occurred_text,
                  commune_code, hospital_id, patient_key, sex, age_years, setting, diagnoses, temperature_c, test_code, result,
                  syndromes
                FROM events FINAL
                WHERE commune_code IN {communes:Array(String)} AND day IN {days:Array(Date)}
                  AND hasAny(syndromes, {syndromes:Array(String)})
                ORDER BY day, occurred_at, patient_key, hospital_id
                LIMIT {limit:UInt32}`;

/** One stored event as a line-list row, named field by field: a column added to `events` later is not answered until chosen here. */
function lineListRow(r: RawRow): LineListRow {
  return {
    day: r.day_text,
    // DateTime64(3, 'UTC') as text: "2026-11-20 02:00:00.000".
    occurred_at: `${r.occurred_text.replace(' ', 'T')}Z`,
    commune_code: r.commune_code,
    hospital_id: r.hospital_id,
    patient_key: r.patient_key,
    sex: r.sex,
    age_years: toNumber(r.age_years),
    setting: r.setting,
    diagnoses: r.diagnoses,
    temperature_c: toNumber(r.temperature_c),
    test_code: r.test_code,
    result: r.result,
    syndromes: r.syndromes,
  };
}

const toNumber = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function createAlertDetailReader(client: ClickHouseClient): AlertDetailReader {
  return {
    async readSignalBands(q) {
      // Aliases apart from the column names: WHERE and ORDER BY read the typed columns.
      const rs = await client.query({
        query: `SELECT toString(day) AS day_text, algorithm, expected, upperbound
                FROM signals FINAL
                WHERE syndrome = {syndrome:String} AND commune_code = {code:String} AND area_level = {level:String}
                  AND granularity = 'day' AND day BETWEEN {from:Date} AND {to:Date}
                ORDER BY day, algorithm`,
        query_params: { syndrome: q.syndrome, code: q.areaCode, level: q.areaLevel, from: q.from, to: q.to },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{
        day_text: string;
        algorithm: string;
        expected: number | string | null;
        upperbound: number | string | null;
      }>();
      return rows.map((r) => ({
        day: r.day_text,
        algorithm: r.algorithm,
        expected: toNumber(r.expected),
        upperbound: toNumber(r.upperbound),
      }));
    },

    async readLineList(q) {
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 10_000) throw new RangeError(`limit must be 1–10000, got ${q.limit}`);
      if (q.syndromes.length === 0 || q.communes.length === 0 || q.days.length === 0) return { rows: [], truncated: false };
      const rs = await client.query({
        query: LINE_LIST_SQL,
        query_params: { syndromes: q.syndromes, communes: q.communes, days: q.days, limit: q.limit + 1 },
        format: 'JSONEachRow',
      });
      const found = await rs.json<RawRow>();
      return { rows: found.slice(0, q.limit).map(lineListRow), truncated: found.length > q.limit };
    },

    async *streamLineList(q) {
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 100_000) throw new RangeError(`limit must be 1–100000, got ${q.limit}`);
      if (q.syndromes.length === 0 || q.communes.length === 0 || q.days.length === 0) return;
      const rs = await client.query({
        query: LINE_LIST_SQL,
        query_params: { syndromes: q.syndromes, communes: q.communes, days: q.days, limit: q.limit },
        format: 'JSONEachRow',
      });
      for await (const rows of rs.stream<RawRow>()) for (const row of rows) yield lineListRow(row.json());
    },
  };
}

type RawRow = Omit<LineListRow, 'day' | 'occurred_at' | 'age_years' | 'temperature_c'> & {
  day_text: string;
  occurred_text: string;
  age_years: number | string | null;
  temperature_c: number | string | null;
};
