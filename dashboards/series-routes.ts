import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dayString, parseDay } from '../platform/days.ts';
import type { Principal } from '../schemas/access.ts';
import type { CountStore } from '../storage/counts.ts';
import type { SeriesSignalReader } from '../storage/series-signals.ts';
import { checkRange, day, MAX_RANGE_DAYS, parseQuery } from './query.ts';
import { requireArea, visibleCommunes, type Area, type UnitIndex } from './scope.ts';
import { multipleOf, periodDay, periodOf, seriesPoints, sortMultiples, type Interval, type Thresholds } from './series-core.ts';

/** What the series routes read: a structural part of DashboardDeps (api-routes.ts). */
export interface SeriesRouteDeps {
  counts: Pick<CountStore, 'readSeries'>;
  signals: SeriesSignalReader;
  units: readonly { code: string; name: string; province_code: string; province_name: string }[];
  seriesIds: readonly string[];
  thresholds: (series: readonly number[], firstIndex: number) => Thresholds;
  today: () => string;
}

/** Periods read before the first one shown, so it has a full baseline. */
const HISTORY = 30;
const DEFAULT_DAYS: Record<Interval, number> = { day: 90, week: 52 * 7 };
const DEFAULT_MULTIPLE_DAYS: Record<Interval, number> = { day: 56, week: 26 * 7 };

/**
 * GET /v1/series: one area's series (a commune, a province or the nation; daily or per ISO
 * week) with expected value, threshold and alarm per point. GET /v1/multiples: many compact
 * series in one store query, for small multiples by commune (of a province) or by syndrome
 * (of an area), most recent excess first. Both scoped by the caller's jurisdiction.
 */
export function registerSeriesRoutes(
  app: FastifyInstance,
  deps: SeriesRouteDeps,
  shared: { reader: (req: FastifyRequest) => Principal; index: UnitIndex },
): void {
  const communes = new Set(deps.units.map((u) => u.code));
  const provinces = new Map(deps.units.map((u) => [u.province_code, u.province_name]));
  const communeNames = new Map(deps.units.map((u) => [u.code, u.name]));
  const nameOf = (a: Area) =>
    a.level === 'national' ? 'national' : a.level === 'province' ? provinces.get(a.code) : communeNames.get(a.code);
  const seriesEnum = z.string().refine((s) => deps.seriesIds.includes(s), `must be one of: ${deps.seriesIds.join(', ')}`);
  const areaCode = z
    .string()
    .refine(
      (s) => s === 'national' || (/^\d{2}$/.test(s) && provinces.has(s)) || (/^\d{5}$/.test(s) && communes.has(s)),
      'must be a known commune (5 digits), province (2 digits) or national',
    );
  const interval = z.enum(['day', 'week']).default('day');
  const days = z.coerce.number().int().min(1).max(MAX_RANGE_DAYS).optional();

  /** The days [from, to] asked for, as period numbers. */
  const periods = (
    q: { from?: string | undefined; to?: string | undefined; days?: number | undefined; interval: Interval },
    defaults: Record<Interval, number>,
  ) => {
    const to = q.to ?? deps.today();
    const from = q.from ?? dayString(parseDay(to) - (q.days ?? defaults[q.interval]) + 1);
    checkRange(from, to);
    return { first: periodOf(parseDay(from), q.interval), last: periodOf(parseDay(to), q.interval) };
  };
  // National series sum every commune: every commune maps to the one area `national`.
  const provinceOf = new Map(deps.units.map((u) => [u.code, u.province_code]));
  const nationOf = new Map(deps.units.map((u) => [u.code, 'national']));
  const readHow = (a: Area, i: Interval) =>
    a.level === 'commune'
      ? { granularity: i, area: 'commune' as const }
      : { granularity: i, area: 'province' as const, provinceOf: a.level === 'province' ? provinceOf : nationOf };

  app.get('/v1/series', async (req) => {
    const p = shared.reader(req);
    const q = parseQuery(
      z
        .object({
          syndrome: seriesEnum,
          area: areaCode.optional(),
          commune: areaCode.optional(),
          interval,
          from: day.optional(),
          to: day.optional(),
          days,
        })
        .refine((v) => v.area !== undefined || v.commune !== undefined, {
          message: 'required (a commune, province or national)',
          path: ['area'],
        }),
      req.query,
    );
    const area = areaOf((q.area ?? q.commune)!);
    requireArea(p, area, shared.index);
    const { first, last } = periods(q, DEFAULT_DAYS);
    const code = area.level === 'national' ? 'national' : area.code;
    const read = await deps.counts.readSeries([{ syndrome: q.syndrome, area: code }], first - HISTORY, last, readHow(area, q.interval));
    const counts = read.get(`${q.syndrome}|${code}`) ?? [];
    const t = deps.thresholds(counts, HISTORY);
    // The nation has no detector of its own: its alarms are the threshold's.
    const signals =
      area.level === 'national'
        ? []
        : await deps.signals.readSeriesSignals({
            syndrome: q.syndrome,
            areaLevel: area.level,
            areaCode: area.code,
            granularity: q.interval,
            from: periodDay(first, q.interval),
            to: periodDay(last, q.interval),
          });
    return {
      syndrome: q.syndrome,
      area: { level: area.level, code, name: nameOf(area) ?? code },
      ...(area.level === 'commune' ? { commune_code: area.code } : {}),
      interval: q.interval,
      algorithm: t.algorithm,
      points: seriesPoints(first, q.interval, counts.slice(HISTORY), t, signals),
    };
  });

  app.get('/v1/multiples', async (req) => {
    const p = shared.reader(req);
    const q = parseQuery(
      z
        .object({
          by: z.enum(['commune', 'syndrome']).default('commune'),
          province: z
            .string()
            .refine((s) => /^\d{2}$/.test(s) && provinces.has(s), 'must be a known province code (2 digits)')
            .optional(),
          syndrome: seriesEnum.optional(),
          area: areaCode.optional(),
          interval,
          from: day.optional(),
          to: day.optional(),
          days,
        })
        .superRefine((v, ctx) => {
          if (v.by === 'commune' && v.province === undefined)
            ctx.addIssue({ code: 'custom', path: ['province'], message: 'required with by=commune' });
          if (v.by === 'commune' && v.syndrome === undefined)
            ctx.addIssue({ code: 'custom', path: ['syndrome'], message: 'required with by=commune' });
          if (v.by === 'syndrome' && v.area === undefined)
            ctx.addIssue({ code: 'custom', path: ['area'], message: 'required with by=syndrome' });
        }),
      req.query,
    );
    const { first, last } = periods(q, DEFAULT_MULTIPLE_DAYS);
    let items: { key: string; name: string; syndrome: string; area: string }[];
    let how: ReturnType<typeof readHow>;
    if (q.by === 'commune') {
      const province = q.province!;
      const inProvince = deps.units.filter((u) => u.province_code === province).map((u) => u.code);
      const visible = visibleCommunes(p.jurisdiction, inProvince, shared.index);
      // None of it covered: refused as the province, naming it.
      if (visible.length === 0) requireArea(p, { level: 'province', code: province }, shared.index);
      items = visible.map((c) => ({ key: c, name: communeNames.get(c) ?? c, syndrome: q.syndrome!, area: c }));
      how = readHow({ level: 'commune', code: '' }, q.interval);
    } else {
      const area = areaOf(q.area!);
      requireArea(p, area, shared.index);
      const code = area.level === 'national' ? 'national' : area.code;
      // The statistical series; denominators (`_visits`, `_tests`) are not syndromes.
      items = deps.seriesIds.filter((s) => !s.startsWith('_')).map((s) => ({ key: s, name: s, syndrome: s, area: code }));
      how = readHow(area, q.interval);
    }
    // One store query for every series of the grid.
    const read = await deps.counts.readSeries(items, first - HISTORY, last, how);
    const multiples = items.map((it) => {
      const all = read.get(`${it.syndrome}|${it.area}`) ?? [];
      const t = deps.thresholds(all, HISTORY);
      return multipleOf(it.key, it.name, all.slice(HISTORY), t, q.interval);
    });
    const periodList = Array.from({ length: last - first + 1 }, (_, i) => periodDay(first + i, q.interval));
    return { by: q.by, interval: q.interval, periods: periodList, multiples: sortMultiples(multiples) };
  });
}

function areaOf(code: string): Area {
  if (code === 'national') return { level: 'national' };
  return code.length === 2 ? { level: 'province', code } : { level: 'commune', code };
}
