/**
 * The lifecycle alerts as a gauge (issue 10): `ews_alerts{level,status}`, counted in the
 * operational store on each /metrics scrape (storage/alert-lifecycle.ts
 * countAlertsByLevelAndStatus), every level × status present (0 when none), so a series never
 * vanishes when its last alert moves on. The notification metrics (sent, failed, pending by
 * channel; enqueue → delivery seconds) are the outbox sender's (alerts/outbox-sender.ts).
 */
import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../platform/operational-store.ts';
import { ALERT_LEVELS, LIFECYCLE_STATUSES } from '../schemas/alert-lifecycle.ts';
import { countAlertsByLevelAndStatus } from '../storage/alert-lifecycle.ts';

export function registerAlertMetrics(registry: Registry, db: Queryable): void {
  new Gauge({
    name: 'ews_alerts',
    help: 'Lifecycle alerts by level and status (merged ones left out), counted on each scrape',
    labelNames: ['level', 'status'],
    registers: [registry],
    async collect() {
      // The store unavailable: the gauge keeps its last values rather than failing the scrape.
      const counts = await countAlertsByLevelAndStatus(db).catch(() => undefined);
      if (counts === undefined) return;
      for (const level of ALERT_LEVELS)
        for (const status of LIFECYCLE_STATUSES)
          this.set({ level, status }, counts.find((c) => c.level === level && c.status === status)?.count ?? 0);
    },
  });
}
