import type { FastifyInstance } from 'fastify';
import type { IngestAuthenticator } from '../ingest-auth.ts';
import { verifiedCertificate } from '../request-peer.ts';
import type { Hl7Ingest } from './hl7-ingest.ts';
import { rateLimitedReason, type Hl7RateLimiter } from './hl7-rate-limit.ts';

/** The content types POST /hl7v2 takes: ER7 (pipe-delimited) HL7 v2 text. */
export const HL7_TYPES = ['x-application/hl7-v2+er7', 'application/hl7-v2', 'text/plain'] as const;
const ACK_TYPE = 'x-application/hl7-v2+er7; charset=utf-8';

/**
 * POST /hl7v2: one HL7 v2 message (ER7) as the body, authenticated like POST /v1/events (the
 * hospital's bearer key, or a verified client certificate). The answer's body is always the
 * ACK: 200 with AA/AE/AR once durable, 401 with an AR when not authenticated, 415 with an AR
 * for another content type, 429 with an AR and Retry-After over the hospital's limit (shared
 * with MLLP), 503 with an AR when the store could not take it.
 */
export function registerHl7Routes(app: FastifyInstance, hl7: Hl7Ingest, auth: IngestAuthenticator, limiter?: Hl7RateLimiter): void {
  void app.register((scope, _opts, next) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/hl7v2', async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const text = body.toString('utf8');
      const send = (status: number, ack: string) => reply.code(status).type(ACK_TYPE).send(ack);
      const result = await auth.authenticate({
        authorization: req.headers.authorization,
        certificate: verifiedCertificate(req.raw.socket),
        ip: req.ip,
      });
      if (!result.ok) return send(401, hl7.refuse('http', text, result.error.message).ack);
      const allowed = limiter?.take(result.identity.hospitalId) ?? { ok: true };
      if (!allowed.ok) {
        void reply.header('retry-after', allowed.retryAfterSeconds);
        return send(429, hl7.refuse('http', text, rateLimitedReason(allowed.limit, allowed.retryAfterSeconds)).ack);
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(HL7_TYPES as readonly string[]).includes(type))
        return send(
          415,
          hl7.refuse(
            'http',
            text,
            `Content-Type must be one of ${HL7_TYPES.join(', ')} / Content-Type phải là một trong ${HL7_TYPES.join(', ')}`,
          ).ack,
        );
      const answer = await hl7.handle(text, 'http', result.identity.hospitalId);
      return send(answer.unavailable === true ? 503 : 200, answer.ack);
    });
    next();
  });
}
