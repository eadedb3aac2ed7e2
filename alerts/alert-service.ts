import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { Signal } from '../schemas/signals.ts';
import type { AlertStore } from '../storage/alerts.ts';
import { decide, type AlertRules } from './rules.ts';
import { createWebhookNotifier } from './webhook.ts';

export type AlertChange = { type: 'alert.opened' | 'alert.updated'; alert: Alert };

export interface AlertServiceDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  store: Pick<AlertStore, 'openAlerts' | 'insert'>;
  rules: AlertRules;
  webhookUrl?: string | undefined;
}

/**
 * Signals in, alerts out: applies the rules, keeps one open alert per commune × syndrome,
 * stores every change as a new version row in `alerts`, logs it, notifies listeners and the
 * webhook. Open alerts are reloaded from the store at start, so a restart does not reopen them.
 */
export async function createAlertService(deps: AlertServiceDeps) {
  const log = deps.log.child({ module: 'alerts' });
  const raised = new Counter({
    name: 'ews_alerts_raised_total',
    help: 'Alerts opened',
    labelNames: ['level', 'syndrome'],
    registers: [deps.metrics],
  });
  const updated = new Counter({
    name: 'ews_alerts_updated_total',
    help: 'Open alerts updated by further alarms',
    registers: [deps.metrics],
  });
  const deliveries = new Counter({
    name: 'ews_alerts_webhook_deliveries_total',
    help: 'Webhook notification outcomes',
    labelNames: ['outcome'],
    registers: [deps.metrics],
  });
  const webhook = deps.webhookUrl ? createWebhookNotifier({ url: deps.webhookUrl, log, deliveries }) : undefined;
  const listeners = new Set<(c: AlertChange) => void>();

  const open = new Map<string, Alert>();
  for (const a of await deps.store.openAlerts()) open.set(keyOf(a), a);

  return {
    async onSignals(signals: readonly Signal[]): Promise<void> {
      const changes: AlertChange[] = [];
      const now = new Date(deps.clock.now()).toISOString();
      // Decisions see the changes made earlier in this batch, but the open-alert map changes
      // only once the store has them: a failed insert leaves it as it was, so the signals
      // evaluated again later open (and notify) the alert instead of finding it already open.
      const staged = new Map<string, Alert>();
      for (const s of signals) {
        const current =
          s.area_level === 'cluster' ? overlappingCluster(withStaged(open, staged), s) : (staged.get(keyOf(s)) ?? open.get(keyOf(s)));
        const d = decide(s, current, deps.rules, { now, newId: randomUUID() });
        if (d.action === 'none') continue;
        staged.set(keyOf(d.alert), d.alert);
        changes.push({ type: d.action === 'open' ? 'alert.opened' : 'alert.updated', alert: d.alert });
      }
      if (changes.length === 0) return;
      await deps.store.insert(changes.map((c) => c.alert));
      for (const [k, a] of staged) open.set(k, a);
      for (const c of changes) {
        if (c.type === 'alert.opened') {
          raised.inc({ level: c.alert.level, syndrome: c.alert.syndrome });
          log.info(
            { alert_id: c.alert.alert_id, commune_code: c.alert.commune_code, syndrome: c.alert.syndrome, day: c.alert.last_day },
            'alert opened',
          );
        } else updated.inc();
        for (const l of listeners) l(c);
        webhook?.notify(c);
      }
    },
    onChange(listener: (c: AlertChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openAlerts(): Alert[] {
      return [...open.values()];
    },
    async close(): Promise<void> {
      await webhook?.close();
    },
  };
}

export type AlertService = Awaited<ReturnType<typeof createAlertService>>;

/** One open alert per area × syndrome; clusters are told apart by their alert id. */
function keyOf(a: { area_level: string; commune_code: string; syndrome: string; alert_id?: string }): string {
  return a.area_level === 'cluster' ? `cluster:${a.alert_id ?? ''}` : `${a.area_level}:${a.commune_code}|${a.syndrome}`;
}

/** The open alerts as they will be once `staged` is stored. */
function* withStaged(open: ReadonlyMap<string, Alert>, staged: ReadonlyMap<string, Alert>): Iterable<Alert> {
  for (const [k, a] of open) yield staged.get(k) ?? a;
  for (const [k, a] of staged) if (!open.has(k)) yield a;
}

/** The open cluster alert of the same syndrome that shares a commune with the signal's cluster. */
function overlappingCluster(alerts: Iterable<Alert>, s: Signal): Alert | undefined {
  const communes = new Set(s.cluster_communes ?? [s.commune_code]);
  for (const a of alerts) {
    if (a.area_level === 'cluster' && a.syndrome === s.syndrome && a.cluster_communes.some((c) => communes.has(c))) return a;
  }
  return undefined;
}
