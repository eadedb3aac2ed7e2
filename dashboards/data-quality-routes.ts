import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { coversNation, type Jurisdiction } from '../schemas/access.ts';
import type { HospitalQuality } from '../schemas/data-quality.ts';
import {
  dayNumberString,
  isSilent,
  median,
  QUALITY_DAYS,
  qualityWindows,
  SILENCE_RULE,
  usualGapMs,
  vnDayStartMs,
} from '../schemas/data-quality.ts';
import type { DataQualityReader, HospitalDeliveries } from '../storage/data-quality.ts';
import { principalOf } from './read-guard.ts';
import { answerFormat, EXPORT_FORMATS, exportHeaders, exportStream, type AnswerFormat, type ExportRow } from './export.ts';
import { hospitalVisible, requireArea, requirePermission, type UnitIndex } from './scope.ts';

/** The query string of GET /v1/data-quality; an unknown parameter is refused, not ignored. */
const QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    province: { type: 'string', pattern: '^\\d{2}$' },
    days: { type: 'integer', minimum: QUALITY_DAYS.min, maximum: QUALITY_DAYS.max, default: QUALITY_DAYS.default },
    format: { type: 'string', enum: ['json', ...EXPORT_FORMATS] },
  },
} as const;

const PARAM_MESSAGES: Record<string, string> = {
  province: 'must be a 2-digit province code such as 24 / phải là mã tỉnh 2 chữ số, ví dụ 24',
  format: 'must be json, csv or ndjson / phải là json, csv hoặc ndjson',
  days: `must be a whole number of days from ${QUALITY_DAYS.min} to ${QUALITY_DAYS.max} / phải là số ngày nguyên từ ${QUALITY_DAYS.min} đến ${QUALITY_DAYS.max}`,
};

interface Query {
  province?: string;
  days: number;
  format?: AnswerFormat;
}

/** The columns of a data-quality export: one line per hospital (top reasons as `CODE:n` space-separated). */
export const QUALITY_COLUMNS = [
  'hospital_id',
  'name',
  'province_code',
  'last_received_at',
  'hours_since_last_event',
  'usual_gap_hours',
  'silent',
  'events_in_window',
  'median_per_day',
  'usual_per_day',
  'volume_ratio',
  'encounters',
  'informative',
  'informative_share',
  'accepted',
  'rejected',
  'rejected_share',
  'top_reasons',
  'window_from',
  'window_to',
] as const;

/** One hospital's answer as an export line (pure). */
export function qualityRow(h: HospitalQuality, window: { from: string; to: string }): ExportRow {
  return {
    hospital_id: h.hospital_id,
    name: h.name,
    province_code: h.province_code,
    last_received_at: h.last_received_at,
    hours_since_last_event: h.hours_since_last_event,
    usual_gap_hours: h.usual_gap_hours,
    silent: h.silent,
    events_in_window: h.events_in_window,
    median_per_day: h.median_per_day,
    usual_per_day: h.usual_per_day,
    volume_ratio: h.volume_ratio,
    encounters: h.informative.encounters,
    informative: h.informative.informative,
    informative_share: h.informative.share,
    accepted: h.rejected.accepted,
    rejected: h.rejected.rejected,
    rejected_share: h.rejected.share,
    top_reasons: h.rejected.top_reasons.map((r) => `${r.reason_code}:${r.count}`).join(' '),
    window_from: window.from,
    window_to: window.to,
  };
}

/** A registered hospital as this route needs it (storage/hospitals.ts list()). */
export interface QualityHospital {
  id: string;
  name: string;
  provinceCode: string | null;
  revokedAt: string | null;
}

export interface DataQualityRouteDeps {
  reader: DataQualityReader;
  hospitals: () => Promise<readonly QualityHospital[]>;
  units: UnitIndex;
  clock: Clock;
}

export type { HospitalQuality };

/** How many reason codes `top_reasons` lists. */
export const TOP_REASONS = 5;

const HOUR_MS = 3_600_000;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The answer of one hospital from what the store read: pure. */
export function hospitalQuality(
  h: QualityHospital,
  d: HospitalDeliveries,
  windows: { window: number[]; baseline: number[] },
  nowMs: number,
): HospitalQuality {
  const perDay = windows.window.map((day) => ({ day: dayNumberString(day), events: d.perDay.get(day) ?? 0 }));
  const recent = median(perDay.map((p) => p.events)) ?? 0;
  const usual = median(windows.baseline.map((day) => d.perDay.get(day) ?? 0)) ?? 0;
  const gap = usualGapMs(d.activeHours);
  const rejected = [...d.rejectedByReason.values()].reduce((a, b) => a + b, 0);
  return {
    hospital_id: h.id,
    name: h.name,
    province_code: h.provinceCode,
    last_received_at: d.lastReceivedMs === null ? null : new Date(d.lastReceivedMs).toISOString(),
    hours_since_last_event: d.lastReceivedMs === null ? null : round((nowMs - d.lastReceivedMs) / HOUR_MS, 2),
    usual_gap_hours: round(gap / HOUR_MS, 2),
    silent: isSilent(d.lastReceivedMs, nowMs, gap),
    events_per_day: perDay,
    events_in_window: perDay.reduce((a, p) => a + p.events, 0),
    median_per_day: recent,
    usual_per_day: usual,
    volume_ratio: usual === 0 ? null : round(recent / usual),
    informative: {
      encounters: d.encounters,
      informative: d.informative,
      share: d.encounters === 0 ? null : round(d.informative / d.encounters),
    },
    rejected: {
      accepted: d.accepted,
      rejected,
      share: d.accepted + rejected === 0 ? null : round(rejected / (d.accepted + rejected)),
      top_reasons: [...d.rejectedByReason]
        .map(([reason_code, count]) => ({ reason_code, count }))
        .sort((a, b) => b.count - a.count || a.reason_code.localeCompare(b.reason_code))
        .slice(0, TOP_REASONS),
    },
  };
}

/** The registered, not revoked hospitals the jurisdiction sees, of `province` when given. */
export function qualityHospitals(j: Jurisdiction, all: readonly QualityHospital[], province: string | undefined): QualityHospital[] {
  return all.filter(
    (h) => h.revokedAt === null && (province === undefined ? hospitalVisible(j, h) : h.provinceCode === province && hospitalVisible(j, h)),
  );
}

/**
 * GET /v1/data-quality[?province=CODE][&days=N] (issue 11): per registered hospital of the
 * caller's jurisdiction (its province from the registry), the last event received, events per
 * day over the last N days (default 28) against its usual volume (the median of the N days
 * before), the share of informative encounters, the share rejected and why, and whether it
 * fell silent (schemas/data-quality.ts). Counts only, no event: `read:aggregates`.
 */
export function registerDataQualityRoutes(app: FastifyInstance, deps: DataQualityRouteDeps): void {
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false });
  app.get(
    '/v1/data-quality',
    {
      schema: { querystring: QUERY_SCHEMA },
      validatorCompiler: ({ schema }) => ajv.compile(schema),
      schemaErrorFormatter: (errors) => badQuery(errors as ErrorObject[]),
      onRequest: (req, _reply, done) => {
        requirePermission(principalOf(req), 'read:aggregates');
        done();
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const q = req.query as Query;
      const format = answerFormat(q.format, req.headers.accept);
      if (q.province !== undefined) requireArea(principal, { level: 'province', code: q.province }, deps.units);
      const hospitals = qualityHospitals(principal.jurisdiction, await deps.hospitals(), q.province);
      const nowMs = deps.clock.now();
      const windows = qualityWindows(nowMs, q.days);
      const read = await deps.reader.read({
        hospitals: hospitals.map((h) => h.id),
        since: vnDayStartMs(windows.baseline[0]!),
        windowStart: vnDayStartMs(windows.window[0]!),
      });
      const window = { from: dayNumberString(windows.window[0]!), to: dayNumberString(windows.window.at(-1)!) };
      if (format !== 'json') {
        // One line per hospital, each computed as the client reads.
        const rows = (function* () {
          for (const h of hospitals) yield qualityRow(hospitalQuality(h, read.get(h.id)!, windows, nowMs), window);
        })();
        return reply
          .headers(exportHeaders(format, ['data-quality', q.province ?? '', window.from, window.to]))
          .send(exportStream(format, QUALITY_COLUMNS, rows));
      }
      return {
        generated_at: new Date(nowMs).toISOString(),
        province: q.province ?? null,
        scope: coversNation(principal.jurisdiction) ? 'national' : principal.jurisdiction.level,
        days: q.days,
        window,
        baseline: { from: dayNumberString(windows.baseline[0]!), to: dayNumberString(windows.baseline.at(-1)!) },
        silence_rule: { quantile: SILENCE_RULE.quantile, floor_hours: SILENCE_RULE.floorMs / HOUR_MS },
        hospitals: hospitals.map((h) => hospitalQuality(h, read.get(h.id)!, windows, nowMs)),
      };
    },
  );
}

function badQuery(errors: readonly ErrorObject[]): AppError {
  const details = errors.map((e) => {
    const unknown = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : '';
    const path = unknown || e.instancePath.replace(/^\//, '');
    const message = unknown
      ? `unknown parameter (known: ${Object.keys(QUERY_SCHEMA.properties).join(', ')}) / tham số không hợp lệ`
      : (PARAM_MESSAGES[path] ?? e.message ?? 'is not valid');
    return { path, message };
  });
  return new AppError('BAD_QUERY', details.map((d) => `${d.path}: ${d.message}`).join('; '), { details });
}
