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
