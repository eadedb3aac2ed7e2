import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AppError, isAppError } from './errors.ts';
import { secretsEqual } from './secret-tokens.ts';

/** How long the server waits on a client (all in milliseconds). */
export interface HttpTimeouts {
  /** The whole request, headers and body, must arrive within this. */
  requestMs: number;
  /** The request headers must arrive within this (at most requestMs). */
  headersMs: number;
  /** A connection with no bytes moving either way is closed after this. */
  idleMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

/** Defaults of the EWS_HTTP_*_TIMEOUT_MS settings (cli/config.ts). */
export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  requestMs: 120_000,
  headersMs: 20_000,
  idleMs: 60_000,
  keepAliveMs: 5_000,
});

export interface HttpBaseOptions {
  logger: Logger;
  metrics: Registry;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Client timeouts; default DEFAULT_HTTP_TIMEOUTS. */
  timeouts?: Readonly<HttpTimeouts> | undefined;
  /** Readiness: resolves true when dependencies answer. */
  health: () => Promise<Record<string, boolean>>;
  /** Why failing checks fail, by check name; asked only when one fails, shown as `reasons`. */
  healthReasons?: () => Record<string, string>;
  /**
   * Serve HTTPS with this certificate and key; with `clientCa`, client certificates are
   * requested and verified against it but not required (a route reads `socket.authorized`).
   */
  tls?: { cert: string; key: string; clientCa?: string | undefined } | undefined;
  /**
   * Who may GET /metrics here: `{ tokens }`, a bearer token equal to one of them (an empty
   * list: nobody); `'elsewhere'`, no /metrics on this listener (createMetricsServer serves it).
   */
  metricsAccess: MetricsAccess;
}

export type MetricsAccess = { readonly tokens: readonly string[] } | 'elsewhere';

/**
 * The HTTP base every room mounts its routes on: one error shape
 * `{ error: { code, message, details } }` for every answer (fastify's own 400/404/413/415,
 * Node's 408/431 and malformed requests included), /healthz and /metrics, and timeouts so
 * that a slow or stalled client cannot hold a connection.
 */
export function createHttpBase(options: HttpBaseOptions): FastifyInstance {
  const t = options.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const log = options.logger.child({ module: 'http' }, { level: options.logger.levelVal > 40 ? options.logger.level : 'warn' });
  const connectionsCheckingInterval = Math.max(50, Math.min(5000, Math.floor(Math.min(t.headersMs, t.requestMs) / 4)));
  const tls = options.tls;
  const app = Fastify({
    // pino's Logger and fastify's FastifyBaseLogger differ only in optional members.
    // Fastify logs every request at info: its child logger starts at warn, so nothing is
    // logged per request (STYLE.md: nothing per-event above debug).
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    connectionTimeout: t.idleMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    // Node checks the request and headers timeouts on this period (default 30 s): a timeout
    // is enforced within a quarter of its length.
    ...(tls
      ? {
          https: {
            cert: tls.cert,
            key: tls.key,
            connectionsCheckingInterval,
            // Requested, never required: a hospital without a certificate authenticates with its key.
            ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
          },
        }
      : { http: { connectionsCheckingInterval } }),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket),
    frameworkErrors: (err, _req, reply) => {
      const appErr = toAppError(err);
      void (reply as FastifyReply).code(appErr.status).send(appErr.toBody());
    },
  });
  app.server.headersTimeout = Math.min(t.headersMs, t.requestMs);
  // Security headers on every answer, and a content-security policy for the web pages: every
  // script, style and request comes from this service (the assets are bundled), nothing may
  // frame the pages or post their forms elsewhere. HSTS is sent too; browsers honour it only
  // over TLS (the reverse proxy in production).
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = toAppError(err, req.routeOptions.bodyLimit);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(new AppError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`).toBody());
  });

  app.get('/healthz', async (_req, reply) => {
    const checks = await options.health().catch(() => ({ store: false }));
    const ok = Object.values(checks).every(Boolean);
    const reasons = ok ? undefined : options.healthReasons?.();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks, ...(reasons ? { reasons } : {}) });
  });
  const access = options.metricsAccess;
  if (access !== 'elsewhere') {
    app.get('/metrics', async (req, reply) => {
      const refused = metricsRefusal(req.headers.authorization, access.tokens);
      if (refused) throw refused;
      return reply.type(options.metrics.contentType).send(await options.metrics.metrics());
    });
  }
  return app;
}

/** Why a scrape is refused (no or a wrong bearer token), or undefined when it may pass; every token compared in constant time. */
export function metricsRefusal(header: string | undefined, tokens: readonly string[]): AppError | undefined {
  const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  // Every token is compared, so the time does not tell which one (or whether any) is close.
  const matches = token === undefined ? 0 : tokens.filter((t) => secretsEqual(token, t)).length;
  if (matches > 0) return undefined;
  return new AppError(
    'UNAUTHENTICATED',
    tokens.length === 0
      ? '/metrics needs EWS_METRICS_TOKEN (or EWS_ADMIN_TOKEN) set, or its own port EWS_METRICS_PORT / cần EWS_METRICS_TOKEN hoặc EWS_METRICS_PORT'
      : '/metrics needs Authorization: Bearer <EWS_METRICS_TOKEN> / cần mã EWS_METRICS_TOKEN',
  );
}

export interface MetricsServerOptions {
  logger: Logger;
  metrics: Registry;
}

/**
 * The listener of EWS_METRICS_PORT: GET /metrics without a token and nothing else, for a
 * Prometheus on a private interface (EWS_METRICS_HOST, default 127.0.0.1); the main port
 * then has no /metrics. The same error shape as the main listener.
 */
export function createMetricsServer(options: MetricsServerOptions): FastifyInstance {
  const log = options.logger.child({ module: 'metrics-http' }, { level: options.logger.levelVal > 40 ? options.logger.level : 'warn' });
  const app = Fastify({ loggerInstance: log as unknown as FastifyBaseLogger, connectionTimeout: 30_000, requestTimeout: 30_000 });
  app.setErrorHandler((err: FastifyError | AppError, _req, reply) => {
    const appErr = toAppError(err);
    void reply.code(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(new AppError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`).toBody());
  });
  app.get('/metrics', async (_req, reply) => reply.type(options.metrics.contentType).send(await options.metrics.metrics()));
  return app;
}

/**
 * Errors Node's HTTP parser raises before fastify sees a request (headers too large, request
 * timeout, malformed HTTP), answered in the same shape; the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const appErr =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new AppError('REQUEST_TIMEOUT', 'the request did not arrive in time; the connection is closed')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts')
        : new AppError('BAD_REQUEST', 'malformed HTTP request');
  // A response already under way for this socket cannot be followed by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !inFlight) {
    const body = JSON.stringify(appErr.toBody());
    socket.write(
      `HTTP/1.1 ${appErr.status} ${STATUS_CODES[appErr.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
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
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'unsupported Content-Type: send application/json (an array of events) or application/x-ndjson (one event per line)',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'the body received is not as long as its Content-Length header says');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_EMPTY', 'request body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BODY_UNPARSEABLE', 'request body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return new AppError('BAD_REQUEST', 'the URL is not valid (a malformed percent-encoding?)');
    case 'FST_ERR_VALIDATION':
      return new AppError('BAD_QUERY', e.message);
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  switch (status) {
    case 404:
      return new AppError('NOT_FOUND', 'not found');
    case 408:
      return new AppError('REQUEST_TIMEOUT', 'the request did not arrive in time');
    case 413:
      return new AppError('BODY_TOO_LARGE', 'request body is too large');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type');
    case 431:
      return new AppError('HEADERS_TOO_LARGE', 'the request headers are too large');
  }
  if (status < 500) return new AppError('BAD_QUERY', typeof e?.message === 'string' ? e.message.slice(0, 200) : 'bad request');
  return new AppError('INTERNAL', 'internal error', { cause: err });
}
