import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AppError, isAppError } from './errors.ts';

export interface HttpBaseOptions {
  logger: Logger;
  metrics: Registry;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Readiness: resolves true when dependencies answer. */
  health: () => Promise<Record<string, boolean>>;
}

/**
 * The HTTP base every room mounts its routes on: one error shape
 * `{ error: { code, message, details } }` for every endpoint, /healthz and /metrics.
 */
export function createHttpBase(options: HttpBaseOptions): FastifyInstance {
  const app = Fastify({
    // pino's Logger and fastify's FastifyBaseLogger differ only in optional members.
    // Fastify logs every request at info: its child logger starts at warn, so nothing is
    // logged per request (STYLE.md: nothing per-event above debug).
    loggerInstance: options.logger.child(
      { module: 'http' },
      { level: options.logger.levelVal > 40 ? options.logger.level : 'warn' },
    ) as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = toAppError(err, req.routeOptions.bodyLimit);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(new AppError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`).toBody());
  });

  app.get('/healthz', async (_req, reply) => {
    const checks = await options.health().catch(() => ({ store: false }));
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  return app;
}

/** Maps fastify's own errors onto the error catalogue. */
export function toAppError(err: unknown, bodyLimit?: number): AppError {
  if (isAppError(err)) return err;
  const e = err as FastifyError;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'BODY_TOO_LARGE',
        `request body is larger than the limit of ${bodyLimit ?? "the server's"} bytes; send smaller batches`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'unsupported Content-Type: send application/json (an array of events) or application/x-ndjson (one event per line)',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_EMPTY', 'request body is empty');
    case 'FST_ERR_VALIDATION':
      return new AppError('BAD_QUERY', e.message);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode < 500) return new AppError('BAD_QUERY', e.message);
  return new AppError('INTERNAL', 'internal error', { cause: err });
}
