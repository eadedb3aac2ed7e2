import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SignalListRow, SignalReader } from '../storage/signals.ts';
import type { UnitView } from '../schemas/units/registry.ts';
import { principalOf } from './read-guard.ts';
import { answerFormat, EXPORT_FORMATS, exportHeaders, exportStream, type ExportRow } from './export.ts';
import { checkRange, day, parseQuery } from './query.ts';
import { alertAreaCodes, requireArea, requirePermission, type UnitIndex } from './scope.ts';

export interface SignalRouteDeps {
  reader: SignalReader;
  units: readonly UnitView[];
  index: UnitIndex;
  /** Every series id that can be asked for. */
  seriesIds: readonly string[];
}

/** The most signals one answer holds: JSON (in memory), and an export (streamed). */
export const SIGNAL_LIMITS = { json: { default: 1000, max: 10_000 }, export: { default: 100_000, max: 100_000 } } as const;

/** The columns of a signals export, in order (a cluster's communes space-separated). */
export const SIGNAL_COLUMNS = [
  'day',
  'syndrome',
  'area_level',
  'commune_code',
  'cluster_communes',
  'granularity',
  'algorithm',
  'observed',
  'expected',
  'upperbound',
  'p_value',
  'score',
  'alarm',
  'level',
  'detected_at',
] as const;

const signalRow = z.object({
  day: z.string().describe('Day evaluated (a weekly series: the Monday of its ISO week)'),
  syndrome: z.string(),
  area_level: z.enum(['commune', 'province', 'cluster']),
  commune_code: z.string().describe("The area's code: a commune, a province, or a cluster's centre commune"),
  cluster_communes: z.array(z.string()),
  granularity: z.enum(['day', 'week']),
  algorithm: z.string(),
  observed: z.number(),
  expected: z.number().nullable(),
  upperbound: z.number().nullable(),
  p_value: z.number().nullable(),
  score: z.number().nullable(),
  alarm: z.boolean(),
  level: z.string(),
  detected_at: z.string(),
});

export const signalAnswerSchema = z.object({
  signals: z.array(signalRow),
  truncated: z.boolean().describe('More signals matched than limit'),
});

function querySchema(seriesIds: readonly string[]) {
  return z.strictObject({
    syndrome: z
      .string()
      .refine((s) => seriesIds.includes(s), 'must be a known series (GET /v1/syndromes) / phải là một chuỗi số liệu đã biết')
      .optional()
      .describe('One series; every series when absent.'),
    area: z
      .string()
      .regex(/^(\d{5}|\d{2})$/, 'must be a 5-digit commune or 2-digit province code / phải là mã xã (5 chữ số) hoặc mã tỉnh (2 chữ số)')
      .optional()
      .describe("One area: a commune (its commune and cluster signals) or a province (its weekly series); the jurisdiction's when absent."),
    from: day.describe('First day evaluated (YYYY-MM-DD), inclusive.'),
    to: day.describe('Last day evaluated (YYYY-MM-DD), inclusive.'),
    alarm: z.enum(['true', 'false']).default('false').describe('true: alarms only.'),
    granularity: z.enum(['day', 'week']).optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(SIGNAL_LIMITS.export.max)
      .optional()
      .describe(
        `At most this many (JSON: default ${SIGNAL_LIMITS.json.default}, max ${SIGNAL_LIMITS.json.max}; exports: default and max ${SIGNAL_LIMITS.export.max}).`,
      ),
    format: z
      .enum(['json', ...EXPORT_FORMATS])
      .optional()
      .describe('json (default), or a streamed export: csv (RFC 4180) or ndjson; also chosen by Accept: text/csv or application/x-ndjson.'),
  });
}

/**
 * GET /v1/signals (issue 11): the detectors' stored verdicts (one row per series, period and
 * detector: observed, expected, threshold, p-value, alarm), newest day first, filtered by
 * series, area, days and alarm; as JSON or a CSV / NDJSON export streamed from the store.
 * `read:aggregates`; an area outside the jurisdiction is 403, and without one the list holds
 * only signals the jurisdiction sees (a province's series needs the province, a cluster all
 * of its communes), like GET /v1/alerts.
 */
export function registerSignalRoutes(app: FastifyInstance, deps: SignalRouteDeps): void {
  const communeCodes = deps.units.map((u) => u.code);
  const schema = querySchema(deps.seriesIds);
  app.get(
    '/v1/signals',
    {
      schema: {
        summary: "The detectors' stored signals (observed, expected, threshold, p-value, alarm) in your jurisdiction; JSON, CSV or NDJSON",
        tags: ['alerts'],
        querystring: schema,
        response: { 200: signalAnswerSchema },
      },
      // Documented from the zod schema; parsed in the handler (a 400 names each bad parameter); the answer as it is.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    },
    async (req, reply) => {
      const p = principalOf(req);
      requirePermission(p, 'read:aggregates');
      const q = parseQuery(schema, req.query);
      checkRange(q.from, q.to);
      const format = answerFormat(q.format, req.headers.accept);
      if (q.area !== undefined) requireArea(p, { level: q.area.length === 2 ? 'province' : 'commune', code: q.area }, deps.index);
      const limits = format === 'json' ? SIGNAL_LIMITS.json : SIGNAL_LIMITS.export;
      const limit = Math.min(q.limit ?? limits.default, limits.max);
      const filter = {
        syndrome: q.syndrome,
        area: q.area,
        from: q.from,
        to: q.to,
        alarmOnly: q.alarm === 'true',
        granularity: q.granularity,
        areas: alertAreaCodes(p.jurisdiction, communeCodes, deps.index),
      };
      if (format === 'json') {
        const signals: SignalListRow[] = [];
        for await (const s of deps.reader.streamSignals({ ...filter, limit: limit + 1 })) signals.push(s);
        return { signals: signals.slice(0, limit), truncated: signals.length > limit };
      }
      const rows = (async function* (): AsyncGenerator<ExportRow> {
        for await (const s of deps.reader.streamSignals({ ...filter, limit }))
          yield { ...s, cluster_communes: s.cluster_communes.join(' ') };
      })();
      const name = ['signals', q.syndrome ?? '', q.area ?? '', q.from, q.to, q.alarm === 'true' ? 'alarms' : ''];
      return reply.headers(exportHeaders(format, name)).send(exportStream(format, SIGNAL_COLUMNS, rows));
    },
  );
}
