import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { AlertDetailReader } from '../storage/alert-detail-reads.ts';
import type { AuditStore } from '../storage/audit.ts';
import type { UnitView } from '../schemas/units/registry.ts';
import { principalOf } from './read-guard.ts';
import { answerFormat, EXPORT_FORMATS, exportHeaders, exportStream, type ExportRow } from './export.ts';
import { day, parseQuery } from './query.ts';
import { requireArea, requirePermission, type UnitIndex } from './scope.ts';

export interface LineListRouteDeps {
  reader: Pick<AlertDetailReader, 'readLineList' | 'streamLineList'>;
  /** Every read, JSON or export, is recorded as `line_list.read` before any row is read or answered. */
  audit: Pick<AuditStore, 'audit'>;
  units: readonly UnitView[];
  index: UnitIndex;
  /** Every series id that can be asked for. */
  seriesIds: readonly string[];
}

/** The most rows one answer holds: JSON (in memory), and an export (streamed). */
export const LINE_LIST_LIMITS = { json: { default: 1000, max: 10_000 }, export: { default: 100_000, max: 100_000 } } as const;

/** The columns of a line-list export, in order (lists space-separated): the patient only by pseudonym. */
export const LINE_LIST_COLUMNS = [
  'day',
  'occurred_at',
  'commune_code',
  'hospital_id',
  'patient_key',
  'sex',
  'age_years',
  'setting',
  'diagnoses',
  'temperature_c',
  'test_code',
  'result',
  'syndromes',
] as const;

const lineListRow = z.object({
  day: z.string(),
  occurred_at: z.string(),
  commune_code: z.string(),
  hospital_id: z.string(),
  patient_key: z.string().describe('HMAC pseudonym of the patient identifier: never the identifier'),
  sex: z.string(),
  age_years: z.number().nullable(),
  setting: z.string(),
  diagnoses: z.array(z.string()),
  temperature_c: z.number().nullable(),
  test_code: z.string(),
  result: z.string(),
  syndromes: z.array(z.string()),
});

export const lineListAnswerSchema = z.object({
  syndrome: z.string(),
  area: z.object({ level: z.enum(['commune', 'province']), code: z.string() }),
  day: z.string(),
  rows: z.array(lineListRow),
  truncated: z.boolean().describe('More events matched than limit'),
  limit: z.number().int(),
});

function querySchema(seriesIds: readonly string[]) {
  return z.strictObject({
    syndrome: z
      .string()
      .refine((s) => seriesIds.includes(s), 'must be a known series (GET /v1/syndromes) / phải là một chuỗi số liệu đã biết')
      .describe('The series whose events are listed.'),
    area: z
      .string()
      .regex(/^(\d{5}|\d{2})$/, 'must be a 5-digit commune or 2-digit province code / phải là mã xã (5 chữ số) hoặc mã tỉnh (2 chữ số)')
      .describe('A commune, or a province (every commune of it).'),
    day: day.describe('The local day counted (YYYY-MM-DD).'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(LINE_LIST_LIMITS.export.max)
      .optional()
      .describe(
        `At most this many rows (JSON: default ${LINE_LIST_LIMITS.json.default}, max ${LINE_LIST_LIMITS.json.max}; exports: default and max ${LINE_LIST_LIMITS.export.max}).`,
      ),
    format: z
      .enum(['json', ...EXPORT_FORMATS])
      .optional()
      .describe('json (default), or a streamed export: csv (RFC 4180) or ndjson; also chosen by Accept: text/csv or application/x-ndjson.'),
  });
}

/**
 * GET /v1/line-list (issue 11): the pseudonymised events behind one series on one day in a
 * commune or a province (resends merged; no event id, no free text, the patient only by
 * pseudonym), as JSON or a CSV / NDJSON export streamed from the store. Needs
 * `read:line_list` (officers, epidemiologists, admins) and the area inside the jurisdiction
 * (403 naming it). Every read, whatever its format, is recorded in the audit log as
 * `line_list.read` (who, from where, series, communes, day, format, limit) before a row is
 * read: a read the log lacks is never answered.
 */
export function registerLineListRoutes(app: FastifyInstance, deps: LineListRouteDeps): void {
  const schema = querySchema(deps.seriesIds);
  app.get(
    '/v1/line-list',
    {
      schema: {
        summary: 'The pseudonymised events behind a series on a day (read:line_list, audited); JSON, CSV or NDJSON',
        tags: ['alerts'],
        querystring: schema,
        response: { 200: lineListAnswerSchema },
      },
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    },
    async (req, reply) => {
      const p = principalOf(req);
      requirePermission(p, 'read:line_list');
      const q = parseQuery(schema, req.query);
      const format = answerFormat(q.format, req.headers.accept);
      const area = { level: q.area.length === 2 ? ('province' as const) : ('commune' as const), code: q.area };
      const communes =
        area.level === 'commune'
          ? deps.units.filter((u) => u.code === q.area).map((u) => u.code)
          : deps.units.filter((u) => u.province_code === q.area).map((u) => u.code);
      if (communes.length === 0)
        throw new AppError('BAD_QUERY', `area: unknown ${area.level} code / mã địa bàn không tồn tại`, {
          details: [{ path: 'area', message: `unknown ${area.level} code / mã địa bàn không tồn tại` }],
        });
      requireArea(p, area, deps.index);
      const limits = format === 'json' ? LINE_LIST_LIMITS.json : LINE_LIST_LIMITS.export;
      const limit = Math.min(q.limit ?? limits.default, limits.max);
      const read = { syndromes: [q.syndrome], communes, days: [q.day] };
      // Recorded before a row is read, the same for every format.
      await deps.audit.audit({
        actor: p,
        clientAddress: req.ip,
        action: 'line_list.read',
        target: `${q.syndrome}|${area.level}:${q.area}|${q.day}`,
        details: { series: read.syndromes, area, communes, days: read.days, format, limit },
      });
      if (format === 'json') {
        const found = await deps.reader.readLineList({ ...read, limit });
        return { syndrome: q.syndrome, area, day: q.day, rows: found.rows, truncated: found.truncated, limit };
      }
      const rows = (async function* (): AsyncGenerator<ExportRow> {
        for await (const r of deps.reader.streamLineList({ ...read, limit }))
          yield { ...r, diagnoses: r.diagnoses.join(' '), syndromes: r.syndromes.join(' ') };
      })();
      return reply
        .headers(exportHeaders(format, ['line-list', q.syndrome, q.area, q.day]))
        .send(exportStream(format, LINE_LIST_COLUMNS, rows));
    },
  );
}
