import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { dayString, parseDay } from '../platform/days.ts';
import type { TrendStore } from '../storage/trends.ts';
import { AGE_BANDS, SETTINGS, SEXES, STRATA, type Stratum } from '../storage/daily-counts.ts';
import { principalOf } from './read-guard.ts';
import { CONTENT_TYPE, contentDisposition, exportFilename, exportStream, trendColumns, trendRows } from './export.ts';
import { requireArea, requirePermission, visibleCommunes, type Area } from './scope.ts';
import { unitIndex, type UnitView } from './api-routes.ts';
import { classifyTrend, TREND_WINDOW_DAYS, type TrendResult } from './trend-classify.ts';
import { bucketsOf, bucketYearsBack, INTERVALS, per100k, percentOf, sumOver, type Bucket, type Interval } from './trends-core.ts';

export interface TrendRouteDeps {
  trends: TrendStore;
  units: readonly UnitView[];
  /** Every series id that can be asked for (syndromes, lab series, denominators). */
  seriesIds: readonly string[];
}

/** The denominator series: every encounter, whatever its syndromes. */
export const VISITS = '_visits';
/** One series' points over buckets: count, visits, percent of visits, per 100 000 where the population is known, and the value asked for. */
function pointsOver(
  counts: ReadonlyMap<number, number>,
  visits: ReadonlyMap<number, number>,
  bs: readonly Bucket[],
  per: 'count' | 'visits' | '100k',
  population: number | null,
) {
  const c = sumOver(counts, bs);
  const v = sumOver(visits, bs);
  return bs.map((b, i) => {
    const percent = percentOf(c[i]!, v[i]!);
    const rate = per100k(c[i]!, population);
    return {
      period: b.period,
      start: dayString(b.start),
      end: dayString(b.end),
      count: c[i]!,
      visits: v[i]!,
      percent_of_visits: percent,
      per_100k: rate,
      value: per === 'visits' ? percent : per === '100k' ? rate : c[i]!,
    };
  });
}

const MAX_RANGE_DAYS = 3 * 366;
const MAX_COMPARE_YEARS = 10;
/** expected=true without compare_years: the mean of this many earlier years. */
const DEFAULT_EXPECTED_YEARS = 3;

// One bilingual message per parameter: a 400 names each bad one.
const MESSAGES: Record<string, string> = {
  syndrome: 'must be a known series (GET /v1/syndromes) / phải là một chuỗi số liệu đã biết',
  area: 'must be a 5-digit commune code, a 2-digit province code or "national" / phải là mã xã (5 chữ số), mã tỉnh (2 chữ số) hoặc "national"',
  interval: 'must be day, week or month / phải là day, week hoặc month',
  from: 'must be a date YYYY-MM-DD / phải là ngày dạng YYYY-MM-DD',
  to: 'must be a date YYYY-MM-DD, not before from / phải là ngày dạng YYYY-MM-DD, không trước from',
  expected: 'must be true or false / phải là true hoặc false',
  per: 'must be visits or 100k / phải là visits hoặc 100k',
  compare_years: `must be an integer 0..${MAX_COMPARE_YEARS} / phải là số nguyên 0..${MAX_COMPARE_YEARS}`,
  format: 'must be json, csv or ndjson / phải là json, csv hoặc ndjson',
  strata: `must be one or more of ${STRATA.join(', ')}, comma-separated, each once / phải là một hoặc nhiều giá trị ${STRATA.join(', ')}, cách nhau bởi dấu phẩy, không lặp`,
};

/** The values each stratum is zero-filled over (hospitals: those with counts in the answer). */
const STRATUM_VALUES: Record<Stratum, readonly string[]> = { age_band: AGE_BANDS, sex: SEXES, setting: SETTINGS, hospital: [] };

/** `strata=` as a list of strata; null when malformed (unknown or repeated value). */
export function parseStrata(raw: string | undefined): Stratum[] | null {
  if (raw === undefined) return [];
  const parts = raw.split(',').map((x) => x.trim());
  if (parts.some((x) => !(STRATA as readonly string[]).includes(x)) || new Set(parts).size !== parts.length) return null;
  return STRATA.filter((x) => parts.includes(x));
}
const UNKNOWN = 'unknown parameter / tham số không được hỗ trợ';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export function trendQuerySchema(seriesIds: readonly string[]) {
  return z.strictObject({
    syndrome: z.enum(seriesIds as [string, ...string[]]).describe('The series: a syndrome, a lab series, or a denominator (_visits).'),
    area: z
      .string()
      .regex(/^(\d{5}|\d{2}|national)$/)
      .describe("A commune code (5 digits), a province code (2 digits), or 'national': every commune of the caller's jurisdiction."),
    interval: z.enum(INTERVALS).default('day').describe('day, ISO week (Monday-based, e.g. 2026-W47) or calendar month.'),
    from: date.describe('First day (YYYY-MM-DD), inclusive.'),
    to: date.describe('Last day (YYYY-MM-DD), inclusive; at most 3 × 366 days after from.'),
    expected: z
      .enum(['true', 'false'])
      .default('false')
      .describe(
        `Add each period's expected count: the mean of the same period in the compare years (${DEFAULT_EXPECTED_YEARS} when not given).`,
      ),
    per: z
      .enum(['visits', '100k'])
      .optional()
      .describe('What `value` holds: percent of all visits, or per 100 000 residents; the count when absent.'),
    compare_years: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_COMPARE_YEARS)
      .default(0)
      .describe('Also answer the same days / ISO weeks / months of this many previous years.'),
    strata: z
      .string()
      .optional()
      .describe(
        `Also split the range by ${STRATA.join(', ')} (one, or a comma list): one zero-filled series per stratum value (per combination for several).`,
      ),
    format: z
      .enum(['json', 'csv', 'ndjson'])
      .default('json')
      .describe('json (default), or a streamed export: csv (RFC 4180) or ndjson, one row per period (and stratum).'),
  });
}

const nullableNumber = z.number().nullable();
const point = z.object({
  period: z.string().describe('2026-11-20, 2026-W47 or 2026-11'),
  start: z.string().describe('First day of the period inside the range'),
  end: z.string().describe('Last day of the period inside the range'),
  count: z.number().int(),
  visits: z.number().int().describe('All encounters (_visits) in the same area and days'),
  percent_of_visits: nullableNumber.describe('count / visits × 100; null without visits'),
  per_100k: nullableNumber.describe('count per 100 000 residents; null when the population is unknown'),
  value: nullableNumber.describe('count, percent_of_visits or per_100k as `per` asks'),
  expected: nullableNumber.optional().describe('expected=true: the mean count of the same period in the compare years'),
});
const trend = z.object({
  classification: z
    .enum(['increasing', 'stable', 'decreasing'])
    .nullable()
    .describe('null: insufficient data — 10 counts or fewer in the window (Rnssp)'),
  slope: nullableNumber.describe('log-odds of count/visits per day'),
  p_value: nullableNumber,
  window_from: z.string(),
  window_to: z.string(),
  method: z.string(),
});
const stratumSeries = z.object({
  values: z.record(z.string(), z.string()).describe('The stratum value of each asked stratum'),
  points: z.array(point),
});
export const trendAnswerSchema = z.object({
  syndrome: z.string(),
  area: z.object({
    level: z.enum(['commune', 'province', 'national']),
    code: z.string(),
    name: z.string().nullable(),
    communes: z.number().int().describe('How many communes are summed'),
  }),
  interval: z.enum(INTERVALS),
  from: z.string(),
  to: z.string(),
  per: z.enum(['count', 'visits', '100k']),
  denominator: z.literal(VISITS),
  population: nullableNumber.describe('Residents of the area (unit registry); null when unknown for any of its communes'),
  points: z.array(point),
  trend,
  compare_years: z.array(z.object({ years_back: z.number().int(), from: z.string(), to: z.string(), points: z.array(point), trend })),
  strata: z
    .object({ by: z.array(z.enum(STRATA)), series: z.array(stratumSeries) })
    .optional()
    .describe('strata=…: one series per stratum value over [from, to] (per_100k null: no population by stratum)'),
});
export type TrendAnswer = z.infer<typeof trendAnswerSchema>;

function badQuery(bad: { path: string; message: string }[]): AppError {
  return new AppError('BAD_QUERY', bad.map((d) => `${d.path}: ${d.message}`).join('; '), { details: bad });
}

/** The query's issues as one entry per bad parameter, with its bilingual message. */
function parseTrendQuery(schema: ReturnType<typeof trendQuerySchema>, query: unknown) {
  const r = schema.safeParse(query);
  const bad = new Map<string, string>();
  if (!r.success) {
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const k of issue.keys) bad.set(k, UNKNOWN);
      else {
        const path = String(issue.path[0] ?? '');
        bad.set(path, MESSAGES[path] ?? UNKNOWN);
      }
    }
  } else {
    const from = parseDay(r.data.from);
    const to = parseDay(r.data.to);
    if (Number.isNaN(from)) bad.set('from', MESSAGES['from']!);
    if (Number.isNaN(to) || to < from) bad.set('to', MESSAGES['to']!);
    else if (to - from > MAX_RANGE_DAYS)
      bad.set('to', `range is limited to ${MAX_RANGE_DAYS} days / khoảng thời gian tối đa ${MAX_RANGE_DAYS} ngày`);
  }
  // strata is checked whatever else is wrong, so that a 400 names it too.
  const rawStrata = (query as Record<string, unknown> | null)?.['strata'];
  if (rawStrata !== undefined && (typeof rawStrata !== 'string' || parseStrata(rawStrata) === null)) bad.set('strata', MESSAGES['strata']!);
  if (bad.size > 0 || !r.success) throw badQuery([...bad].map(([path, message]) => ({ path, message })));
  return r.data;
}

const METHOD = `binomial GLM (logit) of count/visits on the day over the last ${TREND_WINDOW_DAYS} days; slope p < 0.01 → increasing/decreasing (Rnssp classify_trend)`;

/**
 * GET /v1/trends (issue 11): a series by area and interval, zero-filled, with its share of
 * visits, its rate per 100 000, the same periods of earlier years and a trend class. Inside
 * the read guard: `read:aggregates`, and the area must be inside the caller's jurisdiction
 * (403 naming it); `national` sums only the caller's communes.
 */
export function registerTrendRoutes(app: FastifyInstance, deps: TrendRouteDeps): void {
  const index = unitIndex(deps.units);
  const communeCodes = deps.units.map((u) => u.code);
  const byCode = new Map(deps.units.map((u) => [u.code, u]));
  const querySchema = trendQuerySchema(deps.seriesIds);

  app.get(
    '/v1/trends',
    {
      schema: {
        summary: 'A series by area and interval, with percent of visits, rate per 100 000, earlier years and trend',
        description:
          'Counts of a syndrome in a commune, a province or the whole jurisdiction, per day, ISO week or month, zero-filled over [from, to]. ' +
          'Each period carries its share of all visits (_visits) and its rate per 100 000 residents (null when the population is unknown). ' +
          'compare_years=N adds the same days / ISO weeks / months of the N previous years; expected=true their mean. ' +
          `trend classifies each series as Rnssp's classify_trend does: ${METHOD}. ` +
          '400 names each bad parameter; 403 when the area is outside the jurisdiction.',
        tags: ['trends'],
        querystring: querySchema,
        response: { 200: trendAnswerSchema },
      },
      // Documented from the zod schema; parsed in the handler so a 400 names each bad parameter in both languages.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      // The answer is checked against its zod schema as it is sent (the route's schema mixes summary and zod parts, hence the cast).
      serializerCompiler: serializerCompiler as never,
    },
    async (req, reply) => {
      const p = principalOf(req);
      requirePermission(p, 'read:aggregates');
      const q = parseTrendQuery(querySchema, req.query);
      let area: Area;
      let communes: string[];
      let name: string | null;
      if (q.area === 'national') {
        area = { level: 'national' };
        communes = visibleCommunes(p.jurisdiction, communeCodes, index);
        name = null;
      } else if (q.area.length === 5) {
        if (!byCode.has(q.area)) throw badQuery([{ path: 'area', message: 'unknown commune code / mã xã không tồn tại' }]);
        area = { level: 'commune', code: q.area };
        requireArea(p, area, index);
        communes = [q.area];
        name = byCode.get(q.area)?.name ?? null;
      } else {
        const inProvince = deps.units.filter((u) => u.province_code === q.area);
        if (inProvince.length === 0) throw badQuery([{ path: 'area', message: 'unknown province code / mã tỉnh không tồn tại' }]);
        area = { level: 'province', code: q.area };
        requireArea(p, area, index);
        communes = inProvince.map((u) => u.code);
        name = inProvince[0]?.province_name ?? null;
      }
      const pops = communes.map((c) => byCode.get(c)?.population ?? 0);
      const population = pops.length > 0 && pops.every((x) => x > 0) ? pops.reduce((s, x) => s + x, 0) : null;

      const from = parseDay(q.from);
      const to = parseDay(q.to);
      const interval: Interval = q.interval;
      const buckets = bucketsOf(from, to, interval);
      const years = q.compare_years > 0 ? q.compare_years : q.expected === 'true' ? DEFAULT_EXPECTED_YEARS : 0;
      const earlier = Array.from({ length: years }, (_, i) => buckets.map((b) => bucketYearsBack(b, interval, i + 1)));
      // Each series' range, and the trailing trend window ending on its last day.
      const spanOf = (bs: readonly Bucket[]) => ({
        from: Math.min(bs[0]!.start, bs.at(-1)!.end - TREND_WINDOW_DAYS + 1),
        to: bs.at(-1)!.end,
      });
      const ranges = [spanOf(buckets), ...earlier.map(spanOf)];
      const daily = await deps.trends.readDaily([...new Set([q.syndrome, VISITS])], communes, ranges);
      const counts = daily.get(q.syndrome) ?? new Map<number, number>();
      const visits = daily.get(VISITS) ?? new Map<number, number>();

      const per = q.per ?? 'count';
      const pointsOf = (bs: readonly Bucket[]) => pointsOver(counts, visits, bs, per, population);
      const trendOf = (lastDay: number) => {
        const first = lastDay - TREND_WINDOW_DAYS + 1;
        const days = Array.from({ length: TREND_WINDOW_DAYS }, (_, i) => first + i);
        const r: TrendResult = classifyTrend(
          days.map((d) => counts.get(d) ?? 0),
          days.map((d) => visits.get(d) ?? 0),
        );
        return { ...r, window_from: dayString(first), window_to: dayString(lastDay), method: METHOD };
      };

      const compare = earlier.map((bs, i) => ({
        years_back: i + 1,
        from: dayString(bs[0]!.start),
        to: dayString(bs.at(-1)!.end),
        points: pointsOf(bs),
        trend: trendOf(bs.at(-1)!.end),
      }));
      const points = pointsOf(buckets).map((pt, i) =>
        q.expected === 'true'
          ? {
              ...pt,
              expected:
                compare.length > 0 ? Math.round((compare.reduce((s, y) => s + y.points[i]!.count, 0) / compare.length) * 100) / 100 : null,
            }
          : pt,
      );
      const strata = parseStrata(q.strata) ?? [];
      let stratified: TrendAnswer['strata'];
      if (strata.length > 0) {
        const split = await deps.trends.readStrata([...new Set([q.syndrome, VISITS])], communes, [{ from, to }], strata);
        const sc = split.get(q.syndrome) ?? new Map<string, Map<number, number>>();
        const sv = split.get(VISITS) ?? new Map<string, Map<number, number>>();
        const found = [...new Set([...sc.keys(), ...sv.keys()])].map((k) => k.split('\t'));
        // Each stratum's values: its fixed list, then any other value found (hospitals: only found).
        const domains = strata.map((st, i) => {
          const fixed = STRATUM_VALUES[st];
          const extra = [...new Set(found.map((f) => f[i]!))].filter((v) => !fixed.includes(v)).sort();
          return [...fixed, ...extra];
        });
        const combos = domains.reduce<string[][]>((acc, dom) => acc.flatMap((c) => dom.map((v) => [...c, v])), [[]]);
        const none = new Map<number, number>();
        stratified = {
          by: strata,
          series: combos.map((combo) => {
            const k = combo.join('\t');
            return {
              values: Object.fromEntries(strata.map((st, i) => [st, combo[i]!])),
              // A stratum has no population of its own: no rate per 100 000.
              points: pointsOver(sc.get(k) ?? none, sv.get(k) ?? none, buckets, per, null),
            };
          }),
        };
      }
      const answer: TrendAnswer = {
        ...(stratified ? { strata: stratified } : {}),
        syndrome: q.syndrome,
        area: { level: area.level, code: q.area, name, communes: communes.length },
        interval,
        from: q.from,
        to: q.to,
        per,
        denominator: VISITS,
        population,
        points,
        trend: trendOf(to),
        compare_years: compare,
      };
      if (q.format === 'json') return answer;
      // A streamed export: one line per period (and stratum), formatted as the client reads.
      const filename = exportFilename(['trends', q.syndrome, q.area, q.interval, q.from, q.to, ...strata], q.format);
      void reply
        .header('content-type', CONTENT_TYPE[q.format])
        .header('content-disposition', contentDisposition(filename))
        .send(exportStream(q.format, trendColumns(answer), trendRows(answer)));
      return reply;
    },
  );
}
