import type { FastifyInstance } from 'fastify';
import { toAppError } from '../platform/http.ts';
import { decodeBody, JSON_TYPES, NDJSON_TYPES } from './decode-body.ts';
import type { IngestService } from './ingest-service.ts';

const SOURCE = 'http:/v1/events';

/**
 * POST /v1/events: a JSON array or NDJSON of encounter and lab events (mixed). Answers
 * `{ accepted, duplicates, rejected: [{ index, event_id, errors: [{ path, message }] }] }`
 * after accepted events are durable. A body refused as a whole (400/413/415) is dead-lettered.
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: IngestService): void {
  void app.register(async (scope) => {
    // This scope reads bodies as text itself: raw bytes are needed for the dead-letter record
    // and NDJSON is decoded line by line.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser([...JSON_TYPES, ...NDJSON_TYPES], { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.setErrorHandler(async (err, req, reply) => {
      const appErr = toAppError(err, req.routeOptions.bodyLimit);
      if (appErr.status < 500) {
        const raw = typeof req.body === 'string' ? req.body : '';
        await ingest.rejectBody({
          source: SOURCE,
          reason_code: appErr.code,
          reason: appErr.message,
          details: { content_type: req.headers['content-type'] ?? null, content_length: req.headers['content-length'] ?? null },
          raw,
        });
      } else {
        req.log.error({ err }, 'ingest failed');
      }
      return reply.code(appErr.status).send(appErr.toBody());
    });

    scope.post('/v1/events', async (req) => {
      const items = decodeBody(typeof req.body === 'string' ? req.body : '', req.headers['content-type'] ?? '');
      return ingest.ingest(items, SOURCE);
    });
  });
}
