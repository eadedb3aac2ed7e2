import { Ajv, type ErrorObject } from 'ajv';
import type { AuditStore } from '../storage/audit.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { coversNation } from '../schemas/access.ts';
import { principalOf } from './read-guard.ts';
import { requireHospital, requirePermission, visibleHospitalIds, type ScopedHospital } from './scope.ts';
import { DEAD_LETTER_PAGE, type DeadLetterRead, type DeadLetterReader } from '../storage/dead-letter-reads.ts';

/** RFC 3339 date-time with an offset (the same form events use). */
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$';

/** The query string of GET /v1/dead-letters; an unknown parameter is refused, not ignored. */
const QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    source: { type: 'string', minLength: 1, maxLength: 200 },
    reason_code: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    hospital_id: { type: 'string', minLength: 1, maxLength: 200 },
    from: { type: 'string', pattern: RFC3339 },
    to: { type: 'string', pattern: RFC3339 },
    limit: { type: 'integer', minimum: 1, maximum: DEAD_LETTER_PAGE.max, default: DEAD_LETTER_PAGE.default },
    cursor: { type: 'string', pattern: '^\\d{1,16}_[0-9a-f-]{36}$' },
    format: { type: 'string', enum: ['json', 'ndjson'], default: 'json' },
  },
} as const;

interface Query {
  source?: string;
  reason_code?: string;
  hospital_id?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  format: 'json' | 'ndjson';
}

export interface DeadLetterRouteDeps {
  deadLetters: DeadLetterReader;
  /** The registered hospitals and their provinces (storage/hospitals.ts list()), which scope the letters. */
  hospitals: () => Promise<readonly ScopedHospital[]>;
  /**
   * The audit log: dead letters are event-level rows (pseudonymised, scrubbed, yet one event
   * each), so every read is recorded as `dead_letters.read` — who, from where, which filters,
   * how many rows — before the rows are answered.
   */
  audit: Pick<AuditStore, 'audit'>;
}

/**
 * GET /v1/dead-letters: what the pipeline refused, oldest first, filtered by source, reason
 * code, hospital and receive time, a page at a time (`next` → `cursor`). `format=ndjson`
 * answers the replayable payloads one per line instead (see replayLines), with the cursor of
 * the next page in the `ews-next-cursor` header.
 *
 * Registered inside the read guard: needs `read:dead_letters`; a province sees the letters of
 * its hospitals, the nation every letter (those of unregistered hospitals, or of none, too).
 */
export function registerDeadLetterRoutes(app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  // Its own validator: fastify's default one drops unknown parameters silently, and a typo in
  // a filter must not answer every dead letter.
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false });
  app.get(
    '/v1/dead-letters',
    {
      schema: { querystring: QUERY_SCHEMA },
      validatorCompiler: ({ schema }) => ajv.compile(schema),
      schemaErrorFormatter: (errors) => badQuery(errors as ErrorObject[]),
      // Before the query is validated: a role without the permission learns nothing from a 400.
      onRequest: (req, _reply, done) => {
        // A throw here is answered by the error handler (fastify's hook runner catches it).
        requirePermission(principalOf(req), 'read:dead_letters');
        done();
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const q = req.query as Query;
      let hospitals: string[] | undefined;
      if (!coversNation(principal.jurisdiction)) {
        const registered = await deps.hospitals();
        if (q.hospital_id !== undefined) requireHospital(principal, q.hospital_id, registered);
        hospitals = visibleHospitalIds(principal.jurisdiction, registered);
      }
      const from = parseInstant(q.from, 'from');
      const to = parseInstant(q.to, 'to');
      if (from !== undefined && to !== undefined && to < from) throw badParam('to', 'must not be before from');
      const page = await deps.deadLetters.read({
        source: q.source,
        reason_code: q.reason_code,
        hospital_id: q.hospital_id,
        hospitals,
        from,
        to,
        limit: q.limit,
        after: q.cursor,
      });
      await deps.audit.audit({
        actor: principal,
        clientAddress: req.ip,
        action: 'dead_letters.read',
        details: {
          filters: { source: q.source, reason_code: q.reason_code, hospital_id: q.hospital_id, from: q.from, to: q.to, cursor: q.cursor },
          format: q.format,
          rows: page.rows.length,
        },
      });
      if (q.format === 'json') return page;
      return sendNdjson(reply, page.rows, page.next);
    },
  );
}

function sendNdjson(reply: FastifyReply, rows: readonly DeadLetterRead[], next: string | null): FastifyReply {
  const lines = rows.flatMap(replayLines);
  if (next) void reply.header('ews-next-cursor', next);
  void reply.header('ews-skipped', String(rows.length - rows.filter(replayable).length));
  return reply.type('application/x-ndjson; charset=utf-8').send(lines.map((l) => `${l}\n`).join(''));
}

/** Whether a dead letter's payload can be sent again: complete, and text. */
export const replayable = (r: DeadLetterRead) => !r.raw_truncated && r.raw_encoding === 'utf8' && r.raw.trim() !== '';

/**
 * The lines to POST again (as application/x-ndjson) or to feed to `ews produce` for a dead
 * letter: a refused event or NDJSON line as it was received; a body refused whole (415, or
 * an array answered 400) split into its events when it is a JSON array; line breaks, which
 * in JSON text are only whitespace, turned into spaces. Cut or non-UTF-8 payloads give none.
 */
export function replayLines(r: DeadLetterRead): string[] {
  if (!replayable(r)) return [];
  const text = r.raw.replace(/\r?\n|\r/g, ' ');
  if (text.trimStart().startsWith('[')) {
    try {
      const items = JSON.parse(text) as unknown;
      if (Array.isArray(items)) return items.map((i) => JSON.stringify(i));
    } catch {
      // Not JSON after all: sent as it was.
    }
  }
  return [text];
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an RFC 3339 date-time, checked field by field (Date.parse takes 30 February);
 * undefined when absent. Throws a BAD_QUERY AppError naming `name`.
 */
export function parseInstant(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const m = DATE_TIME.exec(value);
  const bad = () => badParam(name, 'must be an RFC 3339 date-time such as 2026-11-20T00:00:00+07:00');
  if (!m) throw bad();
  const n = (i: number) => Number(m[i] ?? 0);
  const [y, mo, d, h, mi, se, offH, offM] = [n(1), n(2), n(3), n(4), n(5), n(6), n(9), n(10)];
  const daysInMonth = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !isLeap(y) ? 1 : 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || se > 59 || offH > 23 || offM > 59) throw bad();
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, se, Number((m[7] ?? '').slice(0, 3).padEnd(3, '0')));
  return utc.getTime() - (m[8] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function badParam(path: string, message: string): AppError {
  return new AppError('BAD_QUERY', `${path}: ${message}`, { details: [{ path, message }] });
}

function badQuery(errors: readonly ErrorObject[]): AppError {
  const details = errors.map((e) => {
    const extra = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : '';
    const path = extra || e.instancePath.replace(/^\//, '');
    const message =
      e.keyword === 'additionalProperties'
        ? `unknown parameter (known: ${Object.keys(QUERY_SCHEMA.properties).join(', ')})`
        : e.keyword === 'pattern' && (path === 'from' || path === 'to')
          ? 'must be an RFC 3339 date-time such as 2026-11-20T00:00:00+07:00'
          : (e.message ?? 'is not valid');
    return { path, message };
  });
  return new AppError('BAD_QUERY', details.map((d) => `${d.path}: ${d.message}`).join('; '), { details });
}
