import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import { isAppError, type AppError } from '../platform/errors.ts';
import type { Queryable } from '../platform/operational-store.ts';
import { ACTIVE_STATUSES, type EvidenceItem, type LifecycleAction, type LifecycleAlert } from '../schemas/alert-lifecycle.ts';
import { DATA_QUALITY_SERIES } from '../schemas/code-tables/syndrome-names.ts';
import { dayNumberString, vnDayNumber } from '../schemas/data-quality.ts';
import type { AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import { SYSTEM_ACTOR } from '../storage/audit.ts';
import type { NewNotification } from '../storage/outbox.ts';
import type { AlertChange } from './grouping.ts';

/**
 * Data-quality alerts (issue 11): a hospital silent for longer than its usual gap opens one
 * lifecycle alert, routed like any other (alerts/routing.ts: the officers, and the data managers
 * who subscribed, whose jurisdiction covers the hospital's province).
 *
 * The design, chosen to change no contract:
 * - family `_data_quality` (schemas/code-tables/syndrome-names.ts DATA_QUALITY_SERIES), a
 *   reserved series id no detector emits, so grouping never joins clinical evidence to it;
 * - area: the hospital's province (the registry knows no finer place of a hospital); a hospital
 *   without a province opens nothing (logged);
 * - one alert per hospital and silence: its `criterion` is `_data_quality|province:P|hospital:H`,
 *   and while an active alert has that criterion no second one opens (dedup survives restarts,
 *   since the active alerts are read from the store);
 * - its one piece of evidence, a rule hit `silent_hospital`: day = the local day the silence
 *   began (last event + usual gap), observed = hours without an event when it opened,
 *   threshold = the usual gap in hours; level yellow;
 * - when the hospital sends again the system ends the alert: discarded from open or monitoring,
 *   closed (outcome `other`) once an officer verified it, the notes saying when it was heard.
 */

/** The rule id of the evidence. */
export const SILENT_HOSPITAL_RULE = 'silent_hospital';

/** What the silent-hospital check found about one hospital (alerts/silent-hospitals.ts). */
export interface HospitalSilence {
  id: string;
  provinceCode: string | null;
  silent: boolean;
  /** Epoch ms of its last event, null when it never sent one. */
  lastReceivedMs: number | null;
  usualGapMs: number;
}

export const dataQualityCriterion = (hospitalId: string, province: string): string =>
  `${DATA_QUALITY_SERIES}|province:${province}|hospital:${hospitalId}`;

/** The hospital id of a data-quality alert, from its criterion; undefined for another alert. */
export function dataQualityHospital(alert: Pick<LifecycleAlert, 'family' | 'criterion'>): string | undefined {
  if (alert.family !== DATA_QUALITY_SERIES) return undefined;
  const m = /\|hospital:(.+)$/.exec(alert.criterion);
  return m?.[1];
}

const HOUR_MS = 3_600_000;
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

/** The alert a silent hospital opens (pure). */
export function silentHospitalAlert(
  h: HospitalSilence & { provinceCode: string; lastReceivedMs: number },
  at: string,
  id: string,
): LifecycleAlert {
  const day = dayNumberString(vnDayNumber(h.lastReceivedMs + h.usualGapMs));
  const evidence: EvidenceItem = {
    source: 'rule',
    algorithm: SILENT_HOSPITAL_RULE,
    series: DATA_QUALITY_SERIES,
    area_level: 'province',
    area_code: h.provinceCode,
    cluster_communes: [],
    cluster_days: 1,
    granularity: 'day',
    day,
    observed: hours(Date.parse(at) - h.lastReceivedMs),
    expected: null,
    threshold: hours(h.usualGapMs),
    p_value: null,
    score: null,
    level: 'yellow',
  };
  return {
    id,
    criterion: dataQualityCriterion(h.id, h.provinceCode),
    family: DATA_QUALITY_SERIES,
    area: { level: 'province', code: h.provinceCode, communes: [] },
    first_day: day,
    last_day: day,
    level: 'yellow',
    level_since: at,
    status: 'open',
    evidence: [evidence],
    risk: { assessment: null, characterisation: null },
    outcome: null,
    outbreak_end: null,
    closed_at: null,
    merged_into: null,
    opened_at: at,
    updated_at: at,
    version: 1,
  };
}

/** How the system ends a data-quality alert whose hospital was heard again (see the top). */
export function heardAgainAction(alert: LifecycleAlert, heardAt: string): LifecycleAction {
  const notes = `The hospital sent data again (last event ${heardAt}) / Bệnh viện đã gửi dữ liệu trở lại (sự kiện cuối ${heardAt})`;
  return alert.status === 'open' || alert.status === 'monitoring' ? { type: 'discard', notes } : { type: 'close', outcome: 'other', notes };
}

export interface DataQualityPlan {
  /** Alerts to open: silent hospitals without an active alert. */
  open: LifecycleAlert[];
  /** Active alerts whose hospital sends again, with the action that ends each. */
  end: { alert: LifecycleAlert; action: LifecycleAction }[];
  /** Silent hospitals left without an alert: no province to route it to. */
  unplaced: string[];
}

/**
 * What to do on one check (pure): `active` are the active data-quality alerts of the store.
 * An alert of a hospital the check did not see (revoked, unknown) is left as it is.
 */
export function planDataQualityAlerts(
  check: readonly HospitalSilence[],
  active: readonly LifecycleAlert[],
  ctx: { at: string; newId: () => string },
): DataQualityPlan {
  const byHospital = new Map<string, LifecycleAlert>();
  for (const a of active) {
    const h = dataQualityHospital(a);
    if (h !== undefined && ACTIVE_STATUSES.includes(a.status)) byHospital.set(h, a);
  }
  const plan: DataQualityPlan = { open: [], end: [], unplaced: [] };
  for (const h of [...check].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const current = byHospital.get(h.id);
    if (h.silent && h.lastReceivedMs !== null) {
      if (current !== undefined) continue;
      if (h.provinceCode === null) plan.unplaced.push(h.id);
      else
        plan.open.push(silentHospitalAlert({ ...h, provinceCode: h.provinceCode, lastReceivedMs: h.lastReceivedMs }, ctx.at, ctx.newId()));
    } else if (current !== undefined && h.lastReceivedMs !== null) {
      plan.end.push({ alert: current, action: heardAgainAction(current, new Date(h.lastReceivedMs).toISOString()) });
    }
  }
  return plan;
}

export interface DataQualityAlertDeps {
  store: Pick<AlertLifecycleStore, 'list' | 'applyGrouping' | 'transition'>;
  clock: Clock;
  log: Logger;
  /** The notifications of opened alerts, as the lifecycle feed writes them (alerts/lifecycle-feed.ts `notify`). */
  notify?: {
    notices(changes: readonly AlertChange[]): Promise<readonly NewNotification[]>;
    enqueue(tx: Queryable, notifications: readonly NewNotification[], at: Date): Promise<number>;
    wake(): void;
  };
}

/** The I/O shell: reads the active data-quality alerts, applies the plan, notifies the alerts opened. */
export function createDataQualityAlerts(deps: DataQualityAlertDeps) {
  const log = deps.log.child({ module: 'data-quality-alerts' });
  return {
    async onCheck(check: readonly HospitalSilence[]): Promise<DataQualityPlan> {
      const at = new Date(deps.clock.now()).toISOString();
      const { alerts } = await deps.store.list({
        jurisdiction: { level: 'national' },
        status: ACTIVE_STATUSES,
        syndrome: DATA_QUALITY_SERIES,
        limit: 500,
      });
      const plan = planDataQualityAlerts(check, alerts, { at, newId: randomUUID });
      for (const id of plan.unplaced) log.warn({ hospital_id: id }, 'silent hospital has no province: no data-quality alert opened');
      if (plan.open.length > 0) {
        const changes: AlertChange[] = plan.open.map((alert) => ({ alert, change: 'opened', previous_level: null }));
        const notices = (await deps.notify?.notices(changes)) ?? [];
        const within =
          notices.length > 0 && deps.notify
            ? async (tx: Queryable) => void (await deps.notify!.enqueue(tx, notices, new Date(at)))
            : undefined;
        await deps.store.applyGrouping(
          changes.map((c) => ({ alert: c.alert, change: 'opened' })),
          within,
        );
        if (notices.length > 0) deps.notify?.wake();
        for (const a of plan.open) log.info({ alert_id: a.id, criterion: a.criterion }, 'data-quality alert opened');
      }
      for (const { alert, action } of plan.end) {
        try {
          await deps.store.transition(alert.id, alert.version, action, { actor: SYSTEM_ACTOR });
          log.info({ alert_id: alert.id, action: action.type }, 'data-quality alert ended: the hospital sends again');
        } catch (err) {
          // An officer acted meanwhile (CONFLICT) or took it elsewhere: the next check sees it as it is now.
          if (!isAppError(err) || !isRetryLater(err)) throw err;
          log.info({ alert_id: alert.id, code: err.code }, 'data-quality alert changed meanwhile: left for the next check');
        }
      }
      return plan;
    },
  };
}

const isRetryLater = (err: AppError) => err.code === 'CONFLICT' || err.code === 'TRANSITION_FORBIDDEN';

export type DataQualityAlerts = ReturnType<typeof createDataQualityAlerts>;
