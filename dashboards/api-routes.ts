import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UnitView } from '../schemas/units/registry.ts';
import type { AlertStore } from '../storage/alerts.ts';
import type { CountStore } from '../storage/counts.ts';
import { syndromeDefinitions } from '../schemas/code-tables/syndrome-names.ts';
import { definitionSet, LATEST } from '../schemas/code-tables/definitions.ts';
import { checkRange, day, parseQuery } from './query.ts';
import { registerSeriesRoutes } from './series-routes.ts';
import type { SeriesSignalReader } from '../storage/series-signals.ts';
import { principalOf } from './read-guard.ts';
import { answerFormat, EXPORT_FORMATS, exportHeaders, exportStream } from './export.ts';
import { alertAreaCodes, alertVisible, requireArea, requirePermission, visibleCommunes, type UnitIndex } from './scope.ts';

export type { UnitView };

export interface DashboardDeps {
  counts: Pick<CountStore, 'readCounts' | 'readSeries'>;
  /** The detectors' stored signals of a series: the series view's alarm markers. */
  signals: SeriesSignalReader;
  alerts: Pick<AlertStore, 'list'>;
  units: readonly UnitView[];
  /** Every series id that can be queried (syndromes, lab series, denominators). */
  seriesIds: readonly string[];
  /** The syndrome definitions version classifying events (EWS_SYNDROME_DEFINITIONS resolved); default the latest shipped. */
  definitionsVersion?: string;
  /** Computes expected value and threshold over a daily series for the chart. */
  thresholds: (
    series: readonly number[],
    firstIndex: number,
  ) => { expected: (number | null)[]; upperbound: (number | null)[]; algorithm: string };
  today: () => string;
}

/** The columns of an alerts export (GET /v1/alerts?format=csv|ndjson), in order. */
export const ALERT_COLUMNS = [
  'alert_id',
  'status',
  'level',
  'syndrome',
  'area_level',
  'commune_code',
  'commune_name',
  'province_name',
  'cluster_communes',
  'granularity',
  'algorithm',
  'first_day',
  'last_day',
  'observed',
  'expected',
  'threshold',
  'p_value',
  'signal_count',
  'opened_at',
  'updated_at',
] as const;

/** The unit registry as the scope decisions ask it. */
export function unitIndex(units: readonly UnitView[]): UnitIndex {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const provinces = new Map(units.map((u) => [u.province_code, u.province_name]));
  return {
    provinceOf: (c) => byCode.get(c)?.province_code,
    communeName: (c) => byCode.get(c)?.name,
    provinceName: (p) => provinces.get(p),
  };
}

/**
 * Read API for epidemiologists and the web page. Registered inside the read guard
 * (read-routes.ts): every route reads the request's principal, needs `read:aggregates`, and
 * answers only what its jurisdiction covers (dashboards/scope.ts).
 */
export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  const communeCodes = deps.units.map((u) => u.code);
  const known = new Set(communeCodes);
  const index = unitIndex(deps.units);
  const reader = (req: FastifyRequest) => {
    const p = principalOf(req);
    requirePermission(p, 'read:aggregates');
    return p;
  };
  const seriesEnum = z.string().refine((s) => deps.seriesIds.includes(s), `must be one of: ${deps.seriesIds.join(', ')}`);
  const commune = z.string().refine((s) => known.has(s), 'unknown commune code');

  app.get('/v1/counts', async (req) => {
    const p = reader(req);
    const q = parseQuery(z.object({ syndrome: seriesEnum, from: day, to: day, commune: commune.optional() }), req.query);
    checkRange(q.from, q.to);
    if (q.commune) requireArea(p, { level: 'commune', code: q.commune }, index);
    // Without a commune: every commune the caller covers (none covered → no rows, never "all").
    const communes = q.commune ? [q.commune] : visibleCommunes(p.jurisdiction, communeCodes, index);
    if (communes.length === 0) return { rows: [] };
    const rows = await deps.counts.readCounts({ syndromes: [q.syndrome], communes, from: q.from, to: q.to }, communeCodes);
    return { rows };
  });

  // GET /v1/series and GET /v1/multiples (the series view and small multiples).
  registerSeriesRoutes(app, deps, { reader, index });

  app.get('/v1/alerts', async (req, reply) => {
    const p = reader(req);
    const { format: asked, ...q } = parseQuery(
      z.object({
        status: z.enum(['open', 'verified', 'discarded', 'closed', 'all']).default('all'),
        syndrome: z.string().optional(),
        commune: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
        format: z.enum(['json', ...EXPORT_FORMATS]).optional(),
      }),
      req.query,
    );
    const format = answerFormat(asked, req.headers.accept);
    // A commune code has 5 digits, a province's (its alerts' area) 2.
    if (q.commune) requireArea(p, { level: /^\d{2}$/.test(q.commune) ? 'province' : 'commune', code: q.commune }, index);
    const byCode = new Map(deps.units.map((u) => [u.code, u]));
    // Filtered by the store (so `limit` counts visible alerts) and checked again here.
    const found = await deps.alerts.list({ ...q, areas: alertAreaCodes(p.jurisdiction, communeCodes, index) });
    const alerts = found
      .filter((a) => alertVisible(p.jurisdiction, a, index))
      .map((a) => {
        const u = byCode.get(a.commune_code);
        return { ...a, commune_name: u?.name ?? null, province_name: u?.province_name ?? null };
      });
    if (format === 'json') return { alerts };
    // The same alerts as a streamed export, one line per alert (a cluster's communes space-separated).
    const rows = (function* () {
      for (const a of alerts) yield { ...a, cluster_communes: a.cluster_communes.join(' ') };
    })();
    return reply
      .headers(exportHeaders(format, ['alerts', q.status, q.syndrome ?? '', q.commune ?? '']))
      .send(exportStream(format, ALERT_COLUMNS, rows));
  });

  // The service's local day (Asia/Ho_Chi_Minh, by the pipeline's clock): the web pages' "today".
  // The demo runs on a simulated calendar, so the browser's date is not the data's.
  app.get('/v1/today', (req) => {
    reader(req);
    return Promise.resolve({ today: deps.today() });
  });

  app.get('/v1/units', (req) => {
    const p = reader(req);
    const visible = new Set(visibleCommunes(p.jurisdiction, communeCodes, index));
    return Promise.resolve({ units: deps.units.filter((u) => visible.has(u.code)) });
  });

  // The ids, and for each its names and definition in both languages (the web's ctx.syndromeName).
  // `definitions_version`: the syndrome definitions (schemas/code-tables/definitions/vN.json) in force.
  const definitionsSet = definitionSet(deps.definitionsVersion ?? LATEST);
  const definitions = syndromeDefinitions(deps.seriesIds, definitionsSet);
  app.get('/v1/syndromes', (req) => {
    reader(req);
    return Promise.resolve({ series: deps.seriesIds, definitions, definitions_version: definitionsSet.version });
  });
}
