import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { AuditRecord, AuditStore } from '../storage/audit.ts';
import type { Authenticator } from './authenticate.ts';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' });
const querySchema = z.strictObject({
  action: z.string().max(64).optional(),
  actor: z.string().max(200).optional(),
  target: z.string().max(200).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the next_cursor of a previous page')
    .optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1).max(500).default(100),
});

export const wireAudit = (r: AuditRecord) => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  actor_role: r.actorRole,
  via: r.via,
  client_address: r.clientAddress,
  action: r.action,
  target: r.target,
  details: r.details,
});

/**
 * `GET /v1/audit` (permission `read:audit`): newest first, filtered by action, actor, target
 * and time (`from` inclusive, `to` exclusive), paged with `cursor` = the previous page's
 * `next_cursor` (null on the last page); `limit` 1–500, default 100.
 */
export function registerAuditRoutes(app: FastifyInstance, deps: { authenticator: Authenticator; audit: AuditStore }): void {
  app.get('/v1/audit', { onRequest: deps.authenticator.requirePermission('read:audit') }, async (req) => {
    const parsed = querySchema.safeParse(req.query ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      throw new AppError('BAD_QUERY', `bad query parameter ${field}: ${issue.message} / tham số không hợp lệ: ${field}`, {
        details: parsed.error.issues.map((i) => ({
          parameter: i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.'),
          message: i.message,
        })),
      });
    }
    const q = parsed.data;
    const page = await deps.audit.list({
      action: q.action,
      actor: q.actor,
      target: q.target,
      from: q.from === undefined ? undefined : Date.parse(q.from),
      to: q.to === undefined ? undefined : Date.parse(q.to),
      beforeId: q.cursor,
      limit: q.limit,
    });
    return { records: page.records.map(wireAudit), next_cursor: page.nextCursor };
  });
}
