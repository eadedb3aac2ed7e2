import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import type { Signal, SignalLevel } from '../schemas/signals.ts';
import { readSeries } from '../storage/counts.ts';
import type { CountKey } from './count-processor.ts';
import { planEvaluation, planFullDay, type EvaluationPlan } from './detect-plan.ts';
import { dayString, localDayNumber } from './window.ts';

/** One evaluated time point, in the shape every detector returns. */
export interface DetectorOutput {
  expected: number | null;
  upperbound: number | null;
  pValue: number | null;
  alarm: boolean | null;
}

/** A detector run on daily series inside the pipeline. */
export interface DailyDetector {
  algorithm: string;
  params: Record<string, unknown>;
  /** Days of history needed before an evaluated day. */
  historyDays: number;
  /** Days after a change whose evaluation the change can alter. */
  influenceDays: number;
  /** p-value under which a non-alarm is still worth a yellow signal. */
  yellowP: number;
  evaluate(series: readonly number[], indices: readonly number[]): DetectorOutput[];
}

export interface DetectServiceDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  store: ClickHouseClient;
  detector: DailyDetector;
  /** Days before today still evaluated when counts change. */
  horizonDays: number;
  /** All (syndrome|commune) series a scheduled run evaluates. */
  allSeries: () => string[];
  isDetectable: (syndrome: string) => boolean;
  onSignals: (signals: Signal[]) => Promise<void>;
}

/**
 * Runs the detector when a day's counts change (coalesced: changes arriving while a run is
 * busy are evaluated together in the next one) and on schedule, stores signals and passes
 * them to the alert service. Each run is recorded in `detection_runs`.
 */
export function createDetectService(deps: DetectServiceDeps) {
  const runs = new Counter({
    name: 'ews_processors_detection_runs_total',
    help: 'Detection runs by trigger and outcome',
    labelNames: ['trigger', 'outcome'],
    registers: [deps.metrics],
  });
  const duration = new Histogram({
    name: 'ews_processors_detection_run_seconds',
    help: 'Duration of one detection run',
    labelNames: ['trigger'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [deps.metrics],
  });
  const signalsTotal = new Counter({
    name: 'ews_processors_signals_total',
    help: 'Signals produced, by level',
    labelNames: ['level'],
    registers: [deps.metrics],
  });

  let pending: CountKey[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;

  const run = async (trigger: string, plan: EvaluationPlan | undefined): Promise<number> => {
    if (!plan) return 0;
    const startedAt = deps.clock.now();
    const end = duration.startTimer({ trigger });
    let signals: Signal[] = [];
    let error = '';
    try {
      signals = await evaluate(plan);
      if (signals.length > 0) {
        await deps.store.insert({ table: 'signals', format: 'JSONEachRow', values: signals.map((s) => toRow(s, startedAt)) });
        for (const s of signals) signalsTotal.inc({ level: s.level });
        await deps.onSignals(signals);
      }
      runs.inc({ trigger, outcome: 'ok' });
    } catch (err) {
      error = (err as Error).message;
      runs.inc({ trigger, outcome: 'error' });
      deps.log.error({ err, trigger }, 'detection run failed');
    } finally {
      end();
    }
    await deps.store
      .insert({
        table: 'detection_runs',
        format: 'JSONEachRow',
        values: [
          {
            run_id: randomUUID(),
            trigger,
            started_at: new Date(startedAt).toISOString(),
            finished_at: new Date(deps.clock.now()).toISOString(),
            series_evaluated: plan.targets.size,
            signals: signals.length,
            alarms: signals.filter((s) => s.alarm).length,
            errors: error ? 1 : 0,
            error_message: error,
          },
        ],
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'could not record detection run'));
    return signals.filter((s) => s.alarm).length;
  };

  const evaluate = async (plan: EvaluationPlan): Promise<Signal[]> => {
    const pairs = [...plan.targets.keys()].map((k) => {
      const [syndrome, commune_code] = k.split('|') as [string, string];
      return { syndrome, commune_code };
    });
    const series = await readSeries(deps.store, pairs, dayString(plan.readFrom), dayString(plan.readTo));
    const d = deps.detector;
    const out: Signal[] = [];
    for (const [key, days] of plan.targets) {
      const values = series.get(key);
      if (!values) continue;
      const [syndrome, commune_code] = key.split('|') as [string, string];
      const indices = days.map((day) => day - plan.readFrom);
      const points = d.evaluate(values, indices);
      points.forEach((p, i) => {
        if (p.alarm === null) return;
        const level: SignalLevel = p.alarm ? 'red' : p.pValue !== null && p.pValue < d.yellowP ? 'yellow' : 'none';
        out.push({
          syndrome,
          commune_code,
          day: dayString(days[i]!),
          algorithm: d.algorithm,
          params: d.params,
          observed: values[indices[i]!]!,
          expected: p.expected,
          upperbound: p.upperbound,
          p_value: p.pValue,
          alarm: p.alarm,
          level,
        });
      });
    }
    return out;
  };

  const drain = (): void => {
    if (scheduled) return;
    scheduled = true;
    chain = chain.then(async () => {
      scheduled = false;
      const keys = pending;
      pending = [];
      const plan = planEvaluation(keys, {
        today: localDayNumber(deps.clock.now()),
        horizonDays: deps.horizonDays,
        influenceDays: deps.detector.influenceDays,
        historyDays: deps.detector.historyDays,
        isDetectable: deps.isDetectable,
      });
      await run('counts_changed', plan);
    });
  };

  return {
    /** Queue changed cells for evaluation; returns at once. */
    countsChanged(keys: CountKey[]): void {
      if (keys.length === 0) return;
      for (const k of keys) pending.push(k);
      drain();
    },
    /** Evaluates every series on one day (the scheduled daily run). Resolves with the alarms found. */
    runDay(dayNumber: number, trigger = 'schedule'): Promise<number> {
      const p = chain.then(() => run(trigger, planFullDay(deps.allSeries(), dayNumber, deps.detector.historyDays)));
      chain = p.then(() => undefined);
      return p;
    },
    /** Resolves once every queued evaluation has finished. */
    async idle(): Promise<void> {
      while (scheduled || pending.length > 0) await chain;
      await chain;
    },
  };
}

export type DetectService = ReturnType<typeof createDetectService>;

function toRow(s: Signal, at: number) {
  return { ...s, params: JSON.stringify(s.params), detected_at: new Date(at).toISOString() };
}
