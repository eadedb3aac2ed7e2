import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.ts';
import type { Signal, SignalLevel } from '../../schemas/signals.ts';
import type { CountStore } from '../../storage/counts.ts';
import type { SignalStore } from '../../storage/signals.ts';
import type { CountKey } from '../count/count-processor.ts';
import { planEvaluation, planFullPeriod, type ChangedCell, type EvaluationPlan } from './detect-plan.ts';
import { firstDayOf, periodOfDay } from './periods.ts';
import type { SeriesDetector } from './series-detectors.ts';
import type { Scanner } from './scan-service.ts';
import { dayString, localDayNumber, parseDay } from '../count/window.ts';

export type { DetectorOutput, SeriesDetector } from './series-detectors.ts';

/** One planned evaluation of a {@link DetectionPass}: its size (series × periods) and the run itself. */
export interface PassRun {
  readonly series: number;
  evaluate(): Promise<Signal[]>;
}

/**
 * Another evaluation that runs whenever the detectors do (the alert rules of the rules file,
 * wired in by cli/): planned on the same triggers, executed inside the same run, its signals
 * stored and passed on with the detectors'. A failed pass fails the run, which is retried.
 */
export interface DetectionPass {
  /** After counts changed in `cells` (`today`: the current local day number); undefined when they concern it not. */
  planChanged(cells: readonly CountKey[], today: number): PassRun | undefined;
  /** The scheduled run of one whole day (a day number). */
  planDay(day: number): PassRun | undefined;
}

export interface DetectServiceDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  /** The series read (counts' port). */
  counts: Pick<CountStore, 'readSeries'>;
  /** Where signals and detection runs are stored. */
  signals: SignalStore;
  detectors: readonly SeriesDetector[];
  /** Days before today still evaluated when counts change (weekly: whole weeks covering them). */
  horizonDays: number;
  /** Every commune code, and the province of each (province series sum their communes). */
  communes: readonly string[];
  provinceOf: ReadonlyMap<string, string>;
  /** Series ids that are detected (denominators are not). */
  syndromes: readonly string[];
  onSignals: (signals: Signal[]) => Promise<void>;
  /** The daily space-time scan, when enabled. */
  scanner?: Scanner | undefined;
  /** Evaluations run with the detectors on the same triggers (the alert rules). */
  passes?: readonly DetectionPass[] | undefined;
  /** Delay before changed cells whose run failed are evaluated again, ms. Default 10,000. */
  retryDelayMs?: number | undefined;
}

/**
 * Runs the configured detectors when counts change (coalesced: changes that arrive while a
 * run is busy are evaluated together in the next one) and on schedule (daily and weekly),
 * stores the signals and passes them to the alert service. Each run is recorded in
 * `detection_runs`.
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
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [deps.metrics],
  });
  const signalsTotal = new Counter({
    name: 'ews_processors_signals_total',
    help: 'Signals produced, by level',
    labelNames: ['level'],
    registers: [deps.metrics],
  });

  const detectable = new Set(deps.syndromes);
  const provinces = [...new Set(deps.provinceOf.values())].sort();
  const areasOf = (d: SeriesDetector) => (d.area === 'province' ? provinces : deps.communes);
  const syndromesOf = (d: SeriesDetector) => d.syndromes ?? deps.syndromes;
  const seriesOf = (d: SeriesDetector) => areasOf(d).flatMap((a) => syndromesOf(d).map((s) => `${s}|${a}`));

  // Changed cells not yet evaluated: they leave this list only once a run has stored their
  // signals and alerts, so a failed run (store down, table detached) loses none of them.
  let pending: CountKey[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const evaluate = async (d: SeriesDetector, plan: EvaluationPlan): Promise<Signal[]> => {
    const pairs = [...plan.targets.keys()].map((k) => {
      const [syndrome, area] = k.split('|') as [string, string];
      return { syndrome, area };
    });
    const series = await deps.counts.readSeries(pairs, plan.readFrom, plan.readTo, {
      granularity: d.granularity,
      area: d.area,
      provinceOf: deps.provinceOf,
    });
    const out: Signal[] = [];
    let sinceYield = 0;
    for (const [key, periods] of plan.targets) {
      const values = series.get(key);
      if (!values) continue;
      const [syndrome, area] = key.split('|') as [string, string];
      // A period without cases cannot alarm under any of the detectors, and most commune ×
      // syndrome periods are empty: skip them rather than fit models to them.
      const evaluated = periods.filter((p) => values[p - plan.readFrom]! > 0);
      if (evaluated.length === 0) continue;
      // Model fits take milliseconds each: give the event loop (ingest, API) a turn regularly.
      if (++sinceYield % 25 === 0) await new Promise((r) => setImmediate(r));
      const indices = evaluated.map((p) => p - plan.readFrom);
      const periodsOut = evaluated;
      d.evaluate(values, indices, plan.readFrom).forEach((p, i) => {
        if (p.alarm === null) return;
        const level: SignalLevel = p.alarm ? 'red' : p.pValue !== null && p.pValue < d.yellowP ? 'yellow' : 'none';
        out.push({
          syndrome,
          commune_code: area,
          area_level: d.area,
          granularity: d.granularity,
          day: dayString(firstDayOf(periodsOut[i]!, d.granularity)),
          algorithm: d.algorithm,
          params: d.params,
          observed: values[indices[i]!]!,
          expected: p.expected,
          upperbound: p.upperbound,
          p_value: p.pValue,
          score: p.score,
          alarm: p.alarm,
          level,
        });
      });
    }
    return out;
  };

  /** One run: its alarms, or `undefined` when it failed (the failure is logged and recorded). */
  const run = async (
    trigger: string,
    plans: [SeriesDetector, EvaluationPlan | undefined][],
    scanDay?: number,
    passRuns: readonly (PassRun | undefined)[] = [],
  ): Promise<number | undefined> => {
    const todo = plans.filter((p): p is [SeriesDetector, EvaluationPlan] => p[1] !== undefined);
    const passes = passRuns.filter((p) => p !== undefined);
    if (todo.length === 0 && scanDay === undefined && passes.length === 0) return 0;
    const startedAt = deps.clock.now();
    const end = duration.startTimer({ trigger });
    let signals: Signal[] = [];
    let error: string | null = null;
    try {
      for (const [d, plan] of todo) signals.push(...(await evaluate(d, plan)));
      if (scanDay !== undefined && deps.scanner) signals.push(...(await deps.scanner.scanDay(scanDay, deps.syndromes)));
      for (const p of passes) signals.push(...(await p.evaluate()));
      if (signals.length > 0) {
        await deps.signals.insertSignals(signals, startedAt);
        for (const s of signals) signalsTotal.inc({ level: s.level });
        await deps.onSignals(signals);
      }
      runs.inc({ trigger, outcome: 'ok' });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      signals = [];
      runs.inc({ trigger, outcome: 'error' });
      deps.log.error({ err, trigger }, 'detection run failed');
    } finally {
      end();
    }
    await deps.signals
      .recordRun({
        runId: randomUUID(),
        trigger,
        startedAt,
        finishedAt: deps.clock.now(),
        seriesEvaluated:
          todo.reduce((n, [, p]) => n + p.targets.size, 0) +
          (scanDay !== undefined && deps.scanner ? deps.syndromes.length : 0) +
          passes.reduce((n, p) => n + p.series, 0),
        signals: signals.length,
        alarms: signals.filter((s) => s.alarm).length,
        error,
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'could not record detection run'));
    return error === null ? signals.filter((s) => s.alarm).length : undefined;
  };

  const planChanged = (keys: readonly CountKey[]): [SeriesDetector, EvaluationPlan | undefined][] => {
    const today = localDayNumber(deps.clock.now());
    // Weekly series are evaluated when their week is complete (the Monday run): a partial week
    // always looks low.
    return deps.detectors
      .filter((d) => d.granularity === 'day')
      .map((d) => {
        const cells: ChangedCell[] = keys.map((k) => ({
          syndrome: k.syndrome,
          area: d.area === 'province' ? (deps.provinceOf.get(k.commune_code) ?? '') : k.commune_code,
          period: periodOfDay(parseDay(k.day), d.granularity),
        }));
        const current = periodOfDay(today, d.granularity);
        const horizon = current - periodOfDay(today - deps.horizonDays, d.granularity);
        const mine = d.syndromes ? new Set(d.syndromes) : detectable;
        return [
          d,
          planEvaluation(cells, { current, horizon, influence: d.influence, history: d.history, isDetectable: (s) => mine.has(s) }),
        ];
      });
  };

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const p = chain.then(job);
    chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  };

  const idle = async (): Promise<void> => {
    while (scheduled) await chain;
    await chain;
  };

  const schedule = (): void => {
    if (scheduled || closed) return;
    scheduled = true;
    void enqueue(async () => {
      scheduled = false;
      // Cells that arrive during the run are appended after these and wait for the next one.
      const batch = pending.slice();
      const today = localDayNumber(deps.clock.now());
      const passRuns = (deps.passes ?? []).map((p) => p.planChanged(batch, today));
      const ok = (await run('counts_changed', planChanged(batch), undefined, passRuns)) !== undefined;
      if (ok) {
        pending.splice(0, batch.length);
        return;
      }
      pending = uniqueCells(pending);
      if (!retry && !closed) {
        retry = setTimeout(() => {
          retry = undefined;
          schedule();
        }, deps.retryDelayMs ?? 10_000);
        retry.unref();
      }
    });
  };

  return {
    /** Queue changed cells for evaluation; returns at once. */
    countsChanged(keys: CountKey[]): void {
      if (keys.length === 0) return;
      for (const k of keys) pending.push(k);
      schedule();
    },
    /**
     * Evaluates every daily series on one day and runs the space-time scan on it (the
     * scheduled daily run). Resolves with the alarms found (0 when the run failed: it is
     * logged and recorded in `detection_runs`).
     */
    async runDay(dayNumber: number, trigger = 'schedule_daily'): Promise<number> {
      const plans = deps.detectors
        .filter((d) => d.granularity === 'day')
        .map((d): [SeriesDetector, EvaluationPlan] => [d, planFullPeriod(seriesOf(d), dayNumber, d.history)]);
      const passRuns = (deps.passes ?? []).map((p) => p.planDay(dayNumber));
      return (await enqueue(() => run(trigger, plans, dayNumber, passRuns))) ?? 0;
    },
    /** Evaluates every weekly series on the ISO week holding `dayNumber` (the scheduled weekly run). */
    async runWeek(dayNumber: number, trigger = 'schedule_weekly'): Promise<number> {
      const week = periodOfDay(dayNumber, 'week');
      const plans = deps.detectors
        .filter((d) => d.granularity === 'week')
        .map((d): [SeriesDetector, EvaluationPlan] => [d, planFullPeriod(seriesOf(d), week, d.history)]);
      return (await enqueue(() => run(trigger, plans))) ?? 0;
    },
    /**
     * Resolves once every queued evaluation has finished. Cells of a failed run wait for
     * their retry, which this does not wait for.
     */
    idle,
    /** Stops retrying failed cells; resolves once the queued runs have finished. */
    close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      retry = undefined;
      return idle();
    },
  };
}

/** One entry per (syndrome, commune, day), so cells that keep failing do not pile up. */
function uniqueCells(cells: readonly CountKey[]): CountKey[] {
  const byKey = new Map<string, CountKey>();
  for (const c of cells) byKey.set(`${c.syndrome}|${c.commune_code}|${c.day}`, c);
  return [...byKey.values()];
}

export type DetectService = ReturnType<typeof createDetectService>;
