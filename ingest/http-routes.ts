import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { toAppError } from '../platform/http.ts';
import { capText, DEAD_LETTER_RAW_CAP } from '../schemas/dead-letter.ts';
import { decodeBody, JSON_TYPES, NDJSON_TYPES } from './decode-body.ts';
import { readBody } from './read-body.ts';
import type { IngestService } from './ingest-service.ts';

const SOURCE = 'http:/v1/events';

/** What was received of a body refused while it was read: its beginning and its size. */
interface Received {
  head: Buffer;
  bytes: number;
}

/**
 * POST /v1/events: a JSON array or NDJSON of encounter and lab events (mixed). Answers
 * `{ accepted, duplicates, rejected: [{ index, event_id, errors: [{ path, message }] }] }`
 * after accepted events are durable. A body refused as a whole (400/413/415) is dead-lettered
 * with the bytes received (the first 64 KiB).
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: IngestService): void {
  const limit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  void app.register((scope, _options, done) => {
    // This scope reads bodies as bytes itself: the dead letter keeps the bytes received (also
    // the beginning of a body over the limit), and decodeBody checks they are UTF-8.
    const refused = new WeakMap<FastifyRequest, Received>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser([...JSON_TYPES, ...NDJSON_TYPES], async (req: FastifyRequest, payload: IncomingMessage) => {
      const read = await readBody(payload, { limit, keep: DEAD_LETTER_RAW_CAP, declaredLength: declaredLength(req) });
      if (read.ok) return read.body;
      refused.set(req, { head: read.head, bytes: read.bytes });
      throw read.reason === 'too_large'
        ? new AppError('BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes; send smaller batches`)
        : new AppError('BAD_REQUEST', 'the body received is not as long as its Content-Length header says');
    });

    scope.setErrorHandler(async (err, req, reply) => {
      const appErr = toAppError(err, limit);
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

    scope.post('/v1/events', async (req) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return ingest.ingest(decodeBody(body, req.headers['content-type'] ?? ''), SOURCE);
    });
    done();
  });
}

/**
 * The bytes received of a refused request: the body read, the beginning kept by the reader,
 * or, when no parser read it (a Content-Type this route does not take), its first 64 KiB read now.
 */
async function receivedOf(req: FastifyRequest, refused: Received | undefined, limit: number): Promise<Received> {
  if (Buffer.isBuffer(req.body)) return { head: req.body, bytes: req.body.length };
  if (refused) return refused;
  if (req.raw.readableEnded || req.raw.readableDidRead) return { head: Buffer.alloc(0), bytes: 0 };
  const read = await readBody(req.raw, { limit, keep: DEAD_LETTER_RAW_CAP, declaredLength: declaredLength(req) }).catch(() => undefined);
  if (!read) return { head: Buffer.alloc(0), bytes: 0 };
  return read.ok ? { head: read.body, bytes: read.body.length } : { head: read.head, bytes: read.bytes };
}

function declaredLength(req: FastifyRequest): number | undefined {
  const v = req.headers['content-length'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

const capHeader = (v: string | undefined) => (v === undefined ? null : capText(v, 200));
