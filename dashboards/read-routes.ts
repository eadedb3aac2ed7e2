import type { FastifyInstance } from 'fastify';
import { registerDashboardRoutes, type DashboardDeps } from './api-routes.ts';
import { registerDataQualityRoutes, type DataQualityRouteDeps } from './data-quality-routes.ts';
import { registerDeadLetterRoutes, type DeadLetterRouteDeps } from './dead-letter-routes.ts';
import { registerReadGuard, type ReadGuardOptions } from './read-guard.ts';
import { registerTrendRoutes, type TrendRouteDeps } from './trends-routes.ts';
import { registerBulletinRoutes, type BulletinRouteDeps } from './bulletin-routes.ts';
import { registerSignalRoutes, type SignalRouteDeps } from './signal-routes.ts';
import { registerLineListRoutes, type LineListRouteDeps } from './line-list-routes.ts';
import { unitIndex } from './api-routes.ts';

export interface ReadRouteDeps {
  guard: ReadGuardOptions;
  dashboard: DashboardDeps;
  deadLetters: DeadLetterRouteDeps;
  /** GET /v1/data-quality (issue 11). */
  dataQuality: DataQualityRouteDeps;
  /** GET /v1/trends (issue 11); its units and series are the dashboard's. */
  trends: Pick<TrendRouteDeps, 'trends'>;
  /** GET /v1/bulletin: the weekly bulletin (HTML, PDF). */
  bulletin?: BulletinRouteDeps;
  /** GET /v1/signals (issue 11); its units and series are the dashboard's. */
  signals?: Pick<SignalRouteDeps, 'reader'>;
  /** GET /v1/line-list (issue 11, read:line_list, audited); its units and series are the dashboard's. */
  lineList?: Pick<LineListRouteDeps, 'reader' | 'audit'>;
}

/**
 * Every read of data (counts, series, alerts, units, dead letters) in one encapsulated scope
 * behind the read guard: authenticated, rate-limited per user, scoped by jurisdiction. The
 * page and its assets (web-routes.ts) and /healthz stay outside: they carry no data.
 */
export function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  void app.register(async (scope) => {
    await registerReadGuard(scope, deps.guard);
    registerDashboardRoutes(scope, deps.dashboard);
    registerDeadLetterRoutes(scope, deps.deadLetters);
    registerDataQualityRoutes(scope, deps.dataQuality);
    registerTrendRoutes(scope, { ...deps.trends, units: deps.dashboard.units, seriesIds: deps.dashboard.seriesIds });
    if (deps.bulletin) registerBulletinRoutes(scope, deps.bulletin);
    const shared = { units: deps.dashboard.units, index: unitIndex(deps.dashboard.units), seriesIds: deps.dashboard.seriesIds };
    if (deps.signals) registerSignalRoutes(scope, { ...deps.signals, ...shared });
    if (deps.lineList) registerLineListRoutes(scope, { ...deps.lineList, ...shared });
  });
}
