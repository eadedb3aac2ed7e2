import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Resource } from '@medplum/fhirtypes';
import { AppError } from '../../platform/errors.ts';
import { toAppError } from '../../platform/http.ts';
import type { IngestAuthenticator } from '../ingest-auth.ts';
import type { IngestService } from '../ingest-service.ts';
import { capHeader, readBodiesAsBytes, unreadBody, verifiedCertificate } from '../request-peer.ts';
import { capabilityStatement } from './capability.ts';
import { createFhirIngest, type FhirIngestDeps } from './fhir-ingest.ts';
import { errorOutcome } from './fhir-outcome.ts';
import { redactFhirBytes } from './fhir-redact.ts';

export const FHIR_TYPES = ['application/fhir+json', 'application/json'];
const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

export interface FhirRouteOptions extends Omit<FhirIngestDeps, 'ingest'> {
  auth: IngestAuthenticator;
  /** Requests per minute per authenticated hospital (EWS_INGEST_RATE_LIMIT_PER_MINUTE, counted apart from /v1/events); 0: no limit. */
  rateLimitPerMinute: number;
  /** The software version the CapabilityStatement names. */
  version: string;
}

/**
 * FHIR R4 ingest (issue 12): `POST /fhir` (a transaction, batch or collection Bundle),
 * `POST /fhir/Encounter`, `POST /fhir/Observation`, and `GET /fhir/metadata` (open: it says
 * what is accepted, no data). Authentication, rate limit, body limit and dead letters as
 * `POST /v1/events`; every answer is a FHIR resource (OperationOutcome or a response Bundle).
 */
export function registerFhirRoutes(app: FastifyInstance, ingest: IngestService, options: FhirRouteOptions): void {
  const limit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  const capability = capabilityStatement({
    version: options.version,
    date: new Date(options.now()).toISOString(),
    communeFrom: options.communeFrom,
  });
  app.get('/fhir/metadata', { schema: { hide: true } }, async (_req, reply) => reply.type(FHIR_CONTENT_TYPE).send(capability));

  const handle = createFhirIngest({ ...options, ingest });
  void app.register(async (scope) => {
    const hospitalOf = new WeakMap<FastifyRequest, string>();
    const send = (reply: FastifyReply, status: number, body: Resource) => reply.code(status).type(FHIR_CONTENT_TYPE).send(body);
    scope.addHook('onRequest', async (req, reply) => {
      const result = await options.auth.authenticate({
        authorization: req.headers.authorization,
        certificate: verifiedCertificate(req.raw.socket),
        ip: req.ip,
      });
      if (!result.ok) return send(reply, 401, errorOutcome(result.error));
      hospitalOf.set(req, result.identity.hospitalId);
    });
    if (options.rateLimitPerMinute > 0) {
      await scope.register(rateLimit, {
        max: options.rateLimitPerMinute,
        timeWindow: 60_000,
        hook: 'preParsing',
        keyGenerator: (req) => `fhir-hospital:${hospitalOf.get(req) ?? req.ip}`,
        errorResponseBuilder: (_req, ctx) =>
          new AppError(
            'RATE_LIMITED',
            `more than ${ctx.max} requests a minute from this hospital: retry in ${ctx.after} / quá ${ctx.max} yêu cầu mỗi phút: thử lại sau ${ctx.after}`,
          ),
      });
    }

    // Bodies are read as bytes: a refused one is dead-lettered with what was received (redacted).
    const refused = readBodiesAsBytes(scope, [...FHIR_TYPES], limit, 'Bundles');

    scope.setErrorHandler(async (err, req, reply) => {
      let appErr = toAppError(err, limit);
      if (appErr.code === 'UNSUPPORTED_MEDIA_TYPE')
        appErr = new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'unsupported Content-Type: send application/fhir+json / chỉ nhận application/fhir+json',
        );
      if (appErr.code === 'RATE_LIMITED') {
        const ttl = (err as { ttl?: unknown }).ttl;
        if (typeof ttl === 'number') void reply.header('retry-after', Math.ceil(ttl / 1000));
        return send(reply, 429, errorOutcome(appErr));
      }
      if (appErr.status >= 500) {
        req.log.error({ err }, 'FHIR ingest failed');
        return send(reply, appErr.status, errorOutcome(appErr));
      }
      const received = Buffer.isBuffer(req.body)
        ? { head: req.body, bytes: req.body.length }
        : (refused.get(req) ?? (await unreadBody(req, limit)));
      const recorded = await ingest
        .rejectBody({
          source: sourceOf(req),
          reason_code: appErr.code,
          reason: appErr.message,
          details: { format: 'fhir-r4', content_type: capHeader(req.headers['content-type']) },
          raw: options.redact === false ? received.head : redactFhirBytes(received.head),
          raw_bytes: received.bytes,
        })
        .then(
          () => true,
          (e: unknown) => (req.log.error({ err: e }, 'dead letter of a refused FHIR body not recorded'), false),
        );
      // A refusal that cannot be recorded is not answered as one: the client retries later.
      if (!recorded)
        return send(reply, 503, errorOutcome(new AppError('STORE_UNAVAILABLE', 'the refused body could not be recorded; retry later')));
      return send(reply, appErr.status, errorOutcome(appErr));
    });

    const route = (url: string, expected: 'Bundle' | 'Encounter' | 'Observation') =>
      scope.post(url, { schema: { hide: true } }, async (req, reply) => {
        const hospital = hospitalOf.get(req);
        if (hospital === undefined) throw new Error(`POST ${url} reached without an authenticated hospital`);
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const answer = await handle(body, expected, hospital, sourceOf(req));
        return send(reply, answer.status, answer.body);
      });
    route('/fhir', 'Bundle');
    route('/fhir/Encounter', 'Encounter');
    route('/fhir/Observation', 'Observation');
  });
}

const sourceOf = (req: FastifyRequest) => `http:${req.routeOptions.url ?? '/fhir'}`;
