import type { ClickHouseClient } from '@clickhouse/client';
import { dayString } from '../platform/days.ts';

/**
 * The finalized daily counts (schemas/migrations/006_daily_counts.sql): plain counts per
 * (series, day, commune, strata) for closed days, written from `events` FINAL by the count
 * finalizer, and what the finalizer needs to know which days to (re)write.
 */

/** The strata a trends answer can be split by, and the `events` value each one is read from. */
export const STRATA = ['age_band', 'sex', 'setting', 'hospital'] as const;
export type Stratum = (typeof STRATA)[number];

/** Age bands (years, inclusive lower bound), as the ESSENCE-style age groups; `unknown` without an age. */
export const AGE_BANDS = ['0-4', '5-14', '15-24', '25-44', '45-64', '65+', 'unknown'] as const;
/** Lab results carry no setting: their stratum value is `none`. */
export const SETTINGS = ['outpatient', 'emergency', 'inpatient', 'telehealth', 'none'] as const;
export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
const SETTING_SQL = "if(setting = '', 'none', setting)";
export const AGE_BAND_SQL = `multiIf(age_years IS NULL, 'unknown', age_years < 5, '0-4', age_years < 15, '5-14', age_years < 25, '15-24',
  age_years < 45, '25-44', age_years < 65, '45-64', '65+')`;

/**
 * Grains stored, by the `grouping(ab, sx, st, hid)` mask of their grouping
 * set (a bit is 1 where the column is rolled up): the grain a read uses is the smallest that
 * holds every stratum it asks for.
 */
const GRAINS: readonly { grain: string; mask: number; strata: readonly Stratum[]; set: string }[] = [
  { grain: 'total', mask: 15, strata: [], set: '(series, day, commune_code)' },
  { grain: 'age_band', mask: 7, strata: ['age_band'], set: '(series, day, commune_code, ab)' },
  { grain: 'sex', mask: 11, strata: ['sex'], set: '(series, day, commune_code, sx)' },
  { grain: 'setting', mask: 13, strata: ['setting'], set: '(series, day, commune_code, st)' },
  { grain: 'hospital', mask: 14, strata: ['hospital'], set: '(series, day, commune_code, hid)' },
  { grain: 'age_band,sex', mask: 3, strata: ['age_band', 'sex'], set: '(series, day, commune_code, ab, sx)' },
  { grain: 'all', mask: 0, strata: ['age_band', 'sex', 'setting', 'hospital'], set: '(series, day, commune_code, ab, sx, st, hid)' },
];

/** The stored grain answering `strata` (every stratum it needs is grouped by). */
export function grainFor(strata: readonly Stratum[]): string {
  return GRAINS.find((g) => strata.every((s) => g.strata.includes(s)))!.grain;
}

/** The column of `daily_counts` (and the expression over `events`) of each stratum. */
export const STRATUM_COLUMN: Record<Stratum, string> = { age_band: 'age_band', sex: 'sex', setting: 'setting', hospital: 'hospital_id' };
export const STRATUM_EVENTS_EXPR: Record<Stratum, string> = {
  age_band: AGE_BAND_SQL,
  sex: 'sex',
  setting: SETTING_SQL,
  hospital: 'hospital_id',
};

/** One `events` part: its name and the first and last day of its rows (day numbers). */
export interface EventPart {
  name: string;
  minDay: number;
  maxDay: number;
}

export interface DailyCountStore {
  /** The active parts of `events` (system.parts). */
  eventParts(): Promise<EventPart[]>;
  /** The parts list of the finalizer's last complete run; null when none was recorded. */
  readState(): Promise<Set<string> | null>;
  writeState(parts: readonly string[], version: number): Promise<void>;
  /** Days recorded as finalized. */
  finalizedDays(): Promise<Set<number>>;
  /** Writes the rows of `days` (one month's worth or fewer) at `version`, from `events` FINAL. */
  writeDays(days: readonly number[], version: number): Promise<void>;
  /** Records `days` as finalized (after their rows are written). */
  markFinalized(days: readonly number[], version: number): Promise<void>;
}

export function createDailyCountStore(client: ClickHouseClient): DailyCountStore {
  const rows = async <T>(query: string, query_params: Record<string, unknown> = {}) =>
    (await client.query({ query, query_params, format: 'JSONCompactEachRow' })).json<T>();
  return {
    async eventParts() {
      const r = await rows<[string, number | string, number | string]>(
        `SELECT name, toUInt32(min_date), toUInt32(max_date) FROM system.parts
         WHERE database = currentDatabase() AND table = 'events' AND active ORDER BY name`,
      );
      return r.map(([name, a, b]) => ({ name, minDay: Number(a), maxDay: Number(b) }));
    },
    async readState() {
      const r = await rows<[string[]]>('SELECT parts FROM count_finalizer_state FINAL WHERE id = 1');
      return r.length === 0 ? null : new Set(r[0]![0]);
    },
    async writeState(parts, version) {
      await client.insert({ table: 'count_finalizer_state', values: [{ id: 1, version, parts }], format: 'JSONEachRow' });
    },
    async finalizedDays() {
      const r = await rows<[number | string]>('SELECT toUInt32(day) FROM finalized_days FINAL');
      return new Set(r.map(([d]) => Number(d)));
    },
    async writeDays(days, version) {
      if (days.length === 0) return;
      const masks = GRAINS.map((g) => g.mask);
      const names = GRAINS.map((g) => g.grain);
      // New counts of every grain, plus the keys already stored for these days at 0: a key
      // that no longer has events (an event corrected to another commune) is overwritten by 0.
      await client.command({
        query: `INSERT INTO daily_counts (grain, series, day, commune_code, age_band, sex, setting, hospital_id, n, version)
          SELECT grain, series, day, commune_code, age_band, sex, setting, hospital_id, toUInt32(sum(n)), {version:UInt64}
          FROM (
            SELECT transform(grouping(ab, sx, st, hid), {masks:Array(UInt64)}, {names:Array(String)}, '') AS grain,
                   series, day, commune_code,
                   if(bitTest(grouping(ab, sx, st, hid), 3), '', ab) AS age_band,
                   if(bitTest(grouping(ab, sx, st, hid), 2), '', sx) AS sex,
                   if(bitTest(grouping(ab, sx, st, hid), 1), '', st) AS setting,
                   if(bitTest(grouping(ab, sx, st, hid), 0), '', hid) AS hospital_id,
                   count() AS n
            FROM (
              SELECT arrayJoin(arrayPushBack(syndromes, if(schema = 'ews.lab.v1', '_tests', '_visits'))) AS series,
                     day, commune_code, ${AGE_BAND_SQL} AS ab, sex AS sx, ${SETTING_SQL} AS st, hospital_id AS hid
              FROM events FINAL
              WHERE day IN {days:Array(Date)}
            )
            GROUP BY GROUPING SETS (${GRAINS.map((g) => g.set).join(', ')})
            UNION ALL
            SELECT grain, series, day, commune_code, age_band, sex, setting, hospital_id, 0 AS n
            FROM daily_counts FINAL
            WHERE day IN {days:Array(Date)}
          )
          GROUP BY grain, series, day, commune_code, age_band, sex, setting, hospital_id`,
        query_params: { days: days.map(dayString), version, masks, names },
        clickhouse_settings: { max_partitions_per_insert_block: '1000' },
      });
    },
    async markFinalized(days, version) {
      if (days.length === 0) return;
      await client.insert({
        table: 'finalized_days',
        values: days.map((d) => ({ day: dayString(d), version })),
        format: 'JSONEachRow',
      });
    },
  };
}
