import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { toAppError } from '../platform/http.ts';
import { decodeBody, JSON_TYPES, NDJSON_TYPES } from './decode-body.ts';
import { capHeader, readBodiesAsBytes, unreadBody, verifiedCertificate, type Received } from './request-peer.ts';
import type { IngestService, IngestResult } from './ingest-service.ts';
import type { IngestAuthenticator } from './ingest-auth.ts';

/** How the ingest routes authenticate and limit hospitals. */
export interface IngestRouteOptions {
  auth: IngestAuthenticator;
  /** Requests per minute per authenticated hospital (EWS_INGEST_RATE_LIMIT_PER_MINUTE); 0: no limit. */
  rateLimitPerMinute: number;
}

const SOURCE = 'http:/v1/events';

/**
 * POST /v1/events: a JSON array or NDJSON of encounter and lab events (mixed). Answers
 * `{ accepted, duplicates, rejected: [{ index, event_id, errors: [{ path, message }] }] }`
 * after accepted events are durable. A body refused as a whole (400/413/415) is dead-lettered
 * with the bytes received (the first 64 KiB).
 *
 * The hospital authenticates first (a bearer key, or a verified client certificate): without
 * it 401, before the body is read and without a dead letter (anyone could fill the store).
 * Events naming another hospital are refused one by one; 403 when all of them do. Then a
 * per-hospital rate limit (429 with Retry-After).
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: IngestService, options: IngestRouteOptions): void {
  const limit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  void app.register(async (scope) => {
    const hospitalOf = new WeakMap<FastifyRequest, string>();
    scope.addHook('onRequest', async (req, reply) => {
      const result = await options.auth.authenticate({
        authorization: req.headers.authorization,
        certificate: verifiedCertificate(req.raw.socket),
        ip: req.ip,
      });
      if (!result.ok) return reply.code(401).send(result.error.toBody());
      hospitalOf.set(req, result.identity.hospitalId);
    });
    if (options.rateLimitPerMinute > 0) {
      // In this scope only (reads have their own limits), after authentication: keyed by the hospital.
      await scope.register(rateLimit, {
        max: options.rateLimitPerMinute,
        timeWindow: 60_000,
        hook: 'preParsing',
        keyGenerator: (req) => `hospital:${hospitalOf.get(req) ?? req.ip}`,
        errorResponseBuilder: (_req, ctx) =>
          new AppError(
            'RATE_LIMITED',
            `more than ${ctx.max} requests a minute from this hospital: retry in ${ctx.after} / ` +
              `quá ${ctx.max} yêu cầu mỗi phút từ bệnh viện này: thử lại sau ${ctx.after}`,
            { details: { limit_per_minute: ctx.max, retry_after_seconds: Math.ceil(ctx.ttl / 1000) } },
          ),
      });
    }

    // This scope reads bodies as bytes itself: the dead letter keeps the bytes received (also
    // the beginning of a body over the limit), and decodeBody checks they are UTF-8.
    const refused = readBodiesAsBytes(scope, [...JSON_TYPES, ...NDJSON_TYPES], limit, 'batches');

    scope.setErrorHandler(async (err, req, reply) => {
      const appErr = toAppError(err, limit);
      // Answered before the body is read: nothing received to record.
      if (appErr.code === 'RATE_LIMITED') return reply.code(appErr.status).send(appErr.toBody());
      if (appErr.status < 500) {
        const received = await receivedOf(req, refused.get(req), limit);
        const recorded = ingest.rejectBody({
          source: SOURCE,
          reason_code: appErr.code,
          reason: appErr.message,
          details: {
            content_type: capHeader(req.headers['content-type']),
            content_length: capHeader(req.headers['content-length']),
          },
          raw: received.head,
          raw_bytes: received.bytes,
        });
        // A refusal that cannot be recorded is not answered as one: the client retries later.
        const failed = await recorded.then(
          () => undefined,
          (e: unknown) => e,
        );
        if (failed !== undefined) {
          req.log.error({ err: failed }, 'dead letter of a refused body not recorded');
          const unavailable = toAppError(failed);
          const answer =
            unavailable.status >= 500 && unavailable.code !== 'INTERNAL'
              ? unavailable
              : new AppError('STORE_UNAVAILABLE', 'the refused body could not be recorded; retry later');
          return reply.code(answer.status).send(answer.toBody());
        }
      } else {
        req.log.error({ err }, 'ingest failed');
      }
      return reply.code(appErr.status).send(appErr.toBody());
    });

    scope.post('/v1/events', async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const hospital = hospitalOf.get(req);
      // The onRequest hook answered 401 otherwise; a route without it would be a programmer error.
      if (hospital === undefined) throw new Error('POST /v1/events reached without an authenticated hospital');
      const result = await ingest.ingest(decodeBody(body, req.headers['content-type'] ?? ''), SOURCE, hospital);
      if (!allMismatched(result)) return result;
      // Sent here, not thrown: the events are already dead-lettered one by one.
      const refused = new AppError(
        'HOSPITAL_MISMATCH',
        `every event of the batch names another hospital than the authenticated one, ${hospital} / ` +
          `mọi sự kiện trong lô đều mang mã bệnh viện khác với bệnh viện đã xác thực, ${hospital}`,
        { details: result },
      );
      return reply.code(refused.status).send(refused.toBody());
    });
  });
}

/** True when the batch had events and every one was refused for naming another hospital. */
export const allMismatched = (r: IngestResult) =>
  r.accepted === 0 && r.duplicates === 0 && r.rejected.length > 0 && r.rejected.every((x) => x.code === 'HOSPITAL_MISMATCH');

/**
 * The bytes received of a refused request: the body read, the beginning kept by the reader,
 * or, when no parser read it (a Content-Type this route does not take), its first 64 KiB read now.
 */
async function receivedOf(req: FastifyRequest, refused: Received | undefined, limit: number): Promise<Received> {
  if (Buffer.isBuffer(req.body)) return { head: req.body, bytes: req.body.length };
  if (refused) return refused;
  return unreadBody(req, limit);
}
