import type { ClickHouseClient } from '@clickhouse/client';
import type { Signal } from '../schemas/signals.ts';

/** One detection run, as recorded in `detection_runs`. Times are epoch milliseconds. */
export interface DetectionRun {
  runId: string;
  /** What started it: `counts_changed`, `schedule_daily`, `schedule_weekly`, … */
  trigger: string;
  startedAt: number;
  finishedAt: number;
  seriesEvaluated: number;
  signals: number;
  alarms: number;
  /** Why it failed; null when it succeeded. */
  error: string | null;
}

/** The port over `signals` and `detection_runs`: what detection writes. */
export interface SignalStore {
  /** Stores the signals of a run detected at `detectedAt` (epoch ms); resolves once stored. */
  insertSignals(signals: readonly Signal[], detectedAt: number): Promise<void>;
  /** Records one run, failed or not. */
  recordRun(run: DetectionRun): Promise<void>;
}

export function createSignalStore(client: ClickHouseClient): SignalStore {
  return {
    async insertSignals(signals, detectedAt) {
      if (signals.length === 0) return;
      const at = new Date(detectedAt).toISOString();
      await client.insert({
        table: 'signals',
        format: 'JSONEachRow',
        values: signals.map((s) => ({
          ...s,
          cluster_communes: s.cluster_communes ?? [],
          cluster_days: s.cluster_days ?? 0,
          params: JSON.stringify(s.params),
          detected_at: at,
        })),
      });
    },
    async recordRun(run) {
      await client.insert({
        table: 'detection_runs',
        format: 'JSONEachRow',
        values: [
          {
            run_id: run.runId,
            trigger: run.trigger,
            started_at: new Date(run.startedAt).toISOString(),
            finished_at: new Date(run.finishedAt).toISOString(),
            series_evaluated: run.seriesEvaluated,
            signals: run.signals,
            alarms: run.alarms,
            errors: run.error === null ? 0 : 1,
            error_message: run.error ?? '',
          },
        ],
      });
    },
  };
}

/** Which stored signals a list asks for. */
export interface SignalFilter {
  /** One series, or every series when undefined. */
  readonly syndrome?: string | undefined;
  /** Inclusive days (YYYY-MM-DD) of the evaluated day (a week's Monday). */
  readonly from: string;
  readonly to: string;
  /** Only alarms. */
  readonly alarmOnly: boolean;
  readonly granularity?: 'day' | 'week' | undefined;
  /**
   * Only signals about these area codes (communes and provinces), and cluster signals whose
   * communes are all among them; undefined: every area. A caller's jurisdiction.
   */
  readonly areas?: readonly string[] | undefined;
  /** Only signals of this area code (a commune, a province, or a cluster's centre commune). */
  readonly area?: string | undefined;
  /** At most this many rows. */
  readonly limit: number;
}

/** One stored signal as the signals list answers it (the latest verdict of each detector per series and period). */
export interface SignalListRow {
  readonly day: string;
  readonly syndrome: string;
  readonly area_level: string;
  readonly commune_code: string;
  readonly cluster_communes: readonly string[];
  readonly granularity: string;
  readonly algorithm: string;
  readonly observed: number;
  readonly expected: number | null;
  readonly upperbound: number | null;
  readonly p_value: number | null;
  readonly score: number | null;
  readonly alarm: boolean;
  readonly level: string;
  /** ISO instant (UTC) of the run that stored it. */
  readonly detected_at: string;
}

/** The read port over `signals`: the list behind GET /v1/signals, streamed row by row from the store. */
export interface SignalReader {
  /** Matching signals, newest day first, then series, area and detector; pulled from the store as the caller iterates. */
  streamSignals(f: SignalFilter): AsyncIterable<SignalListRow>;
}

type RawSignalRow = Omit<SignalListRow, 'day' | 'observed' | 'expected' | 'upperbound' | 'p_value' | 'score' | 'alarm' | 'detected_at'> & {
  observed: number | string;
  expected: number | string | null;
  upperbound: number | string | null;
  p_value: number | string | null;
  score: number | string | null;
  alarm: boolean | number;
  day_text: string;
  detected_text: string;
};

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function createSignalReader(client: ClickHouseClient): SignalReader {
  return {
    async *streamSignals(f) {
      // Aliases apart from the column names: WHERE and ORDER BY read the typed columns.
      const rs = await client.query({
        query: `SELECT toString(day) AS day_text, syndrome, area_level, commune_code, cluster_communes, granularity, algorithm,
                  observed, expected, upperbound, p_value, score, alarm, level, toString(detected_at) AS detected_text
                FROM signals FINAL
                WHERE day BETWEEN {from:Date} AND {to:Date}
                  AND ({syndrome:String} = '' OR syndrome = {syndrome:String})
                  AND ({granularity:String} = '' OR granularity = {granularity:String})
                  AND ({area:String} = '' OR commune_code = {area:String})
                  AND (NOT {alarmOnly:Bool} OR alarm)
                  AND (NOT {scoped:Bool} OR (has({areas:Array(String)}, commune_code) AND hasAll({areas:Array(String)}, cluster_communes)))
                ORDER BY day DESC, syndrome, commune_code, algorithm
                LIMIT {limit:UInt32}`,
        query_params: {
          from: f.from,
          to: f.to,
          syndrome: f.syndrome ?? '',
          granularity: f.granularity ?? '',
          area: f.area ?? '',
          alarmOnly: f.alarmOnly,
          scoped: f.areas !== undefined,
          areas: f.areas ?? [],
          limit: f.limit,
        },
        format: 'JSONEachRow',
      });
      for await (const rows of rs.stream<RawSignalRow>()) {
        for (const row of rows) {
          const r = row.json();
          yield {
            day: r.day_text,
            syndrome: r.syndrome,
            area_level: r.area_level,
            commune_code: r.commune_code,
            cluster_communes: r.cluster_communes,
            granularity: r.granularity,
            algorithm: r.algorithm,
            observed: Number(r.observed),
            expected: num(r.expected),
            upperbound: num(r.upperbound),
            p_value: num(r.p_value),
            score: num(r.score),
            alarm: r.alarm === true || r.alarm === 1,
            level: r.level,
            // DateTime64(3, 'UTC') as text: "2026-11-20 02:00:00.000".
            detected_at: `${r.detected_text.replace(' ', 'T')}Z`,
          };
        }
      }
    },
  };
}
