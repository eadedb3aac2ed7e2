import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { LifecycleAlert } from '../schemas/alert-lifecycle.ts';
import type { AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import type { NewNotification, OutboxStore } from '../storage/outbox.ts';
import { escalationDue } from './escalation.ts';

export interface EscalatorDeps {
  lifecycle: Pick<AlertLifecycleStore, 'list'>;
  outbox: Pick<OutboxStore, 'list' | 'enqueue'>;
  /** The escalation rows of an alert due at `at` (alerts/alert-notices.ts escalationNotices, with the subscribers of now). */
  notices: (alert: LifecycleAlert, at: string) => Promise<readonly NewNotification[]>;
  clock: Clock;
  /** How long a red alert may stay unacknowledged (status open), ms. */
  delayMs: number;
  log: Logger;
  /** Wakes the outbox sender after rows were enqueued. */
  wake: () => void;
}

/**
 * Re-notifies red alerts nobody acknowledged within the delay to the province heads, once per
 * time an alert turned red (an escalation row enqueued since `level_since` means done; the
 * outbox key makes a replay of the same version enqueue nothing). `runOnce` is what the
 * schedule calls; its answer is the number of alerts escalated.
 */
export function createEscalator(deps: EscalatorDeps) {
  return {
    async runOnce(): Promise<number> {
      const at = new Date(deps.clock.now()).toISOString();
      let escalated = 0;
      let cursor: string | undefined;
      do {
        const page = await deps.lifecycle.list({
          jurisdiction: { level: 'national' },
          status: ['open'],
          level: ['red'],
          limit: 500,
          ...(cursor ? { cursor } : {}),
        });
        for (const alert of page.alerts) {
          if (!escalationDue(alert, at, deps.delayMs)) continue;
          const before = await deps.outbox.list(alert.id);
          if (before.some((n) => n.event === 'escalated' && Date.parse(n.enqueuedAt) >= Date.parse(alert.level_since))) continue;
          const rows = await deps.notices(alert, at);
          if (rows.length === 0) continue;
          await deps.outbox.enqueue(rows, new Date(at));
          escalated++;
          deps.log.info({ alert_id: alert.id, recipients: rows.length }, 'unacknowledged red alert escalated');
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (escalated > 0) deps.wake();
      return escalated;
    },
  };
}

export type Escalator = ReturnType<typeof createEscalator>;
