import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { dayString, parseDay } from '../platform/days.ts';
import { ACTIVE_STATUSES, type LifecycleAlert } from '../schemas/alert-lifecycle.ts';
import type { AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import type { CountStore } from '../storage/counts.ts';
import type { CommuneShape } from './geo/geometry.ts';
import { unitIndex, type UnitView } from './api-routes.ts';
import { mapFeatures, totals } from './map-core.ts';
import { principalOf, registerReadGuard, type ReadGuardOptions } from './read-guard.ts';
import { requirePermission, visibleCommunes } from './scope.ts';

export interface MapRouteDeps {
  guard: ReadGuardOptions;
  /** One shape per registry commune, computed once at start (cli/map-shapes.ts). */
  shapes: readonly CommuneShape[];
  units: readonly UnitView[];
  counts: Pick<CountStore, 'readCounts'>;
  alerts: Pick<AlertLifecycleStore, 'list'>;
  /** Every series `syndrome` may name (syndromes, lab series). */
  seriesIds: readonly string[];
  /** The clinical syndromes `top_syndrome` is chosen from. */
  syndromeIds: readonly string[];
  /** A series' syndrome family (lab_dengue → dengue): lifecycle alerts are per family. */
  familyOf: (series: string) => string | undefined;
  /** Today, YYYY-MM-DD local: the last 7 closed days end yesterday. */
  today: () => string;
}

const WINDOW_DAYS = 7;
const PAGE = 500;
/** Every active alert is read for the map; more than this many pages is a programming error, not a page size. */
const MAX_PAGES = 40;

/**
 * `GET /v1/map[?syndrome=S]`: the communes the caller may see as a GeoJSON FeatureCollection,
 * each with its current alert level (the highest among active lifecycle alerts naming it),
 * open alerts, events of the last 7 closed days and top syndrome; with `syndrome`, levels,
 * alerts and events of that syndrome only. Needs `read:aggregates`; its own read-guarded scope.
 */
export function registerMapRoutes(app: FastifyInstance, deps: MapRouteDeps): void {
  const communeCodes = deps.units.map((u) => u.code);
  const index = unitIndex(deps.units);
  const shapes = new Map(deps.shapes.map((s) => [s.code, s]));
  const query = z.strictObject({
    syndrome: z
      .string()
      .refine((s) => deps.seriesIds.includes(s), `must be one of: ${deps.seriesIds.join(', ')}`)
      .optional(),
  });

  void app.register(async (scope) => {
    await registerReadGuard(scope, deps.guard);
    scope.get('/v1/map', async (req) => {
      const p = principalOf(req);
      requirePermission(p, 'read:aggregates');
      const q = query.safeParse(req.query);
      if (!q.success) {
        const issue = q.error.issues[0]!;
        const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
        throw new AppError('BAD_QUERY', `${field}: ${issue.message} / tham số ${field} không hợp lệ: ${issue.message}`, {
          details: q.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const syndrome = q.data.syndrome;
      const visible = new Set(visibleCommunes(p.jurisdiction, communeCodes, index));
      const communes = deps.units.filter((u) => visible.has(u.code));
      const to = dayString(parseDay(deps.today()) - 1);
      const from = dayString(parseDay(to) - WINDOW_DAYS + 1);
      const eventsSeries = syndrome ?? '_visits';
      const [alerts, rows] = await Promise.all([
        activeAlerts(deps.alerts, p.jurisdiction, syndrome === undefined ? undefined : (deps.familyOf(syndrome) ?? syndrome)),
        communes.length === 0
          ? Promise.resolve([])
          : deps.counts.readCounts(
              { syndromes: [...new Set([eventsSeries, ...deps.syndromeIds])], communes: communes.map((c) => c.code), from, to },
              communeCodes,
            ),
      ]);
      const features = mapFeatures({ communes, shapes, alerts, sums: totals(rows), eventsSeries, syndromes: deps.syndromeIds });
      return {
        type: 'FeatureCollection',
        syndrome: syndrome ?? null,
        window: { from, to },
        approximate: features.some((f) => f.properties.approximate),
        features,
      };
    });
  });
}

/** Every active lifecycle alert the jurisdiction sees (of a family when given), all pages. */
async function activeAlerts(
  store: Pick<AlertLifecycleStore, 'list'>,
  jurisdiction: Parameters<AlertLifecycleStore['list']>[0]['jurisdiction'],
  family: string | undefined,
): Promise<LifecycleAlert[]> {
  const out: LifecycleAlert[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await store.list({ jurisdiction, status: ACTIVE_STATUSES, syndrome: family, limit: PAGE, cursor });
    out.push(...r.alerts);
    if (r.nextCursor === null) return out;
    cursor = r.nextCursor;
  }
  throw new Error(`more than ${MAX_PAGES * PAGE} active alerts: the map reads them all`);
}
