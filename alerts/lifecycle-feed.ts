import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import { isAppError } from '../platform/errors.ts';
import type { Signal } from '../schemas/signals.ts';
import type { AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import type { NewNotification } from '../storage/outbox.ts';
import type { Queryable } from '../platform/operational-store.ts';
import { evidenceFromSignal } from './evidence.ts';
import { groupEvidence, type AlertChange } from './grouping.ts';
import { enoughCases, isRuleSignal, type AlertRules } from './rules.ts';

export interface LifecycleFeedDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  store: Pick<AlertLifecycleStore, 'relevant' | 'applyGrouping'>;
  /** The same minimum level and count as the alert rules (EWS_ALERT_MIN_LEVEL, EWS_ALERT_MIN_COUNT; the count not for rule hits). */
  rules: AlertRules;
  provinceOf: (commune: string) => string | undefined;
  /** Told of each stored change (notifications hang here). */
  onChange?: (change: AlertChange) => void;
  /** Attempts when an officer's action raced the grouping (the store answers CONFLICT). Default 5. */
  attempts?: number;
  /**
   * Notifications: the outbox rows of a batch's changes (alerts/alert-notices.ts), written in
   * the transaction that stores the changes (storage/outbox.ts `enqueue`), then the sender woken.
   */
  notify?: {
    notices(changes: readonly AlertChange[]): Promise<readonly NewNotification[]>;
    enqueue(tx: Queryable, notifications: readonly NewNotification[], at: Date): Promise<number>;
    wake(): void;
  };
}

const rank = { none: 0, yellow: 1, red: 2 } as const;

/**
 * Signals in, lifecycle alerts out (issue 10): each alarm becomes a piece of evidence, grouped
 * with the alerts still open or recently closed (alerts/grouping.ts) so one event makes one
 * alert, and the grouping's changes are stored in one transaction. The store refuses a change
 * to an alert an officer moved meanwhile (CONFLICT): the grouping is then done again on what
 * the store holds now.
 */
export function createLifecycleFeed(deps: LifecycleFeedDeps) {
  const log = deps.log.child({ module: 'alert-lifecycle' });
  const changed = new Counter({
    name: 'ews_alerts_lifecycle_changes_total',
    help: 'Lifecycle alerts opened, updated or merged by new evidence',
    labelNames: ['change'],
    registers: [deps.metrics],
  });
  const attempts = deps.attempts ?? 5;
  return {
    async onSignals(signals: readonly Signal[]): Promise<AlertChange[]> {
      const evidence = signals
        .filter((s) => rank[s.level] >= rank[deps.rules.minLevel] || (s.alarm && deps.rules.minLevel === 'yellow'))
        // Rule hits pass the case floor meant for statistical noise (one cholera case alerts).
        .filter((s) => enoughCases(s, deps.rules))
        .map((s) => {
          const e = evidenceFromSignal(s);
          return e && isRuleSignal(s) ? { ...e, source: 'rule' as const } : e;
        })
        .filter((e) => e !== null);
      if (evidence.length === 0) return [];
      for (let attempt = 1; ; attempt++) {
        const at = new Date(deps.clock.now()).toISOString();
        const relevant = await deps.store.relevant(at);
        const { changes } = groupEvidence(evidence, relevant, { provinceOf: deps.provinceOf }, { at, newId: randomUUID });
        if (changes.length === 0) return [];
        const notices = (await deps.notify?.notices(changes)) ?? [];
        const within =
          notices.length > 0 && deps.notify
            ? async (tx: Queryable) => {
                await deps.notify!.enqueue(tx, notices, new Date(at));
              }
            : undefined;
        try {
          await deps.store.applyGrouping(changes, within);
        } catch (err) {
          if (isAppError(err) && err.code === 'CONFLICT' && attempt < attempts) {
            log.info({ attempt }, 'an alert changed while evidence was grouped: grouping again');
            continue;
          }
          throw err;
        }
        if (notices.length > 0) deps.notify?.wake();
        for (const c of changes) {
          changed.inc({ change: c.change });
          deps.onChange?.(c);
        }
        return changes;
      }
    },
  };
}

export type LifecycleFeed = ReturnType<typeof createLifecycleFeed>;
