import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../schemas/access.ts';
import type { Authenticate } from './read-guard.ts';
import { seesAlert, type AlertChangePoller } from './live-feed.ts';
import { requirePermission } from './scope.ts';
import { scopeCounts, type CountFeed } from './live-counts.ts';

export interface LiveRoutesDeps {
  /** The caller or a 401: the session cookie, like every read. */
  authenticate: Authenticate;
  poller: AlertChangePoller;
  /** New counts (dashboards/live-counts.ts), told as `counts` events; none without it. */
  counts?: { feed: CountFeed; provinceOf: (commune: string) => string | undefined } | undefined;
  /** Between heartbeats (a comment line), ms. Default 15 000. */
  heartbeatMs?: number;
  /**
   * A stream is ended after this long, ms (default 30 min); the browser's EventSource connects
   * again, authenticated afresh: a session that expired or was revoked elsewhere stops there.
   */
  maxStreamMs?: number;
}

/** The session cookie's value in a Cookie header (access/authenticate.ts SESSION_COOKIE), or undefined. */
function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'ews_session') return value.join('=');
  }
  return undefined;
}

/** What GET /v1/live sends, as a client without `Accept: text/event-stream` is told. */
export const LIVE_EVENTS = {
  stream: 'text/event-stream',
  events: {
    hello: 'once, on connecting',
    alert: '{id, status, level} when an alert of your jurisdiction opens or changes',
    counts:
      '{communes, syndromes, days} when new counts are stored for communes of your jurisdiction (coalesced: at most one every few seconds)',
  },
  heartbeat_seconds: 15,
} as const;

const frame = (type: string, data?: unknown) => `data: ${JSON.stringify(data === undefined ? { type } : { type, data })}\n\n`;

/**
 * GET /v1/live: server-sent events for the web application (issue 12). Authenticated and
 * permitted as a read (`read:aggregates`), then scoped: a caller hears only of the alerts its
 * jurisdiction sees (the lifecycle store's list filter). `{type:'hello'}` on connecting,
 * `{type:'alert', data:{id,status,level}}` per change, `{type:'counts', data:{communes,
 * syndromes, days}}` when counts of its communes are stored (coalesced by the count feed, and
 * only the caller's communes: another province's counts are never told), a heartbeat comment
 * every 15 s.
 * Signing out (DELETE /v1/session answered 204) ends the streams of that session at once;
 * any stream ends after `maxStreamMs` (the client reconnects, authenticated again), so a
 * stream never keeps a session alive nor outlives it for long; every stream is ended before
 * the server closes (preClose), so closing never waits on a client.
 * Asked without `Accept: text/event-stream` (a plain GET, as the read-access table does), it
 * answers the description of the stream after the same checks.
 */
export function registerLiveRoutes(app: FastifyInstance, deps: LiveRoutesDeps): void {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const maxStreamMs = deps.maxStreamMs ?? 30 * 60_000;
  /** Each open stream, with the session cookie it was opened with. */
  const streams = new Map<PassThrough, string | undefined>();
  app.addHook('preClose', async () => {
    for (const s of streams.keys()) s.end();
    streams.clear();
    await deps.poller.close();
    deps.counts?.feed.close();
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'DELETE' || req.url.split('?')[0] !== '/v1/session' || reply.statusCode !== 204) return;
    const ended = sessionCookie(req.headers.cookie);
    if (ended === undefined) return;
    for (const [s, cookie] of streams) if (cookie === ended) s.end();
  });

  app.get('/v1/live', async (req, reply) => {
    const principal: Principal = await deps.authenticate(req);
    requirePermission(principal, 'read:aggregates');
    if (!(req.headers.accept ?? '').includes('text/event-stream')) return reply.header('cache-control', 'no-store').send(LIVE_EVENTS);

    const stream = new PassThrough();
    streams.set(stream, sessionCookie(req.headers.cookie));
    const unsubscribe = deps.poller.subscribe((rows) => {
      for (const r of rows)
        if (seesAlert(principal.jurisdiction, r)) stream.write(frame('alert', { id: r.id, status: r.status, level: r.level }));
    });
    const counts = deps.counts;
    const unsubscribeCounts = counts?.feed.subscribe((keys) => {
      const event = scopeCounts(principal.jurisdiction, keys, counts.provinceOf);
      if (event !== null) stream.write(frame('counts', event));
    });
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const lifetime = setTimeout(() => stream.end(), maxStreamMs);
    lifetime.unref();
    const done = () => {
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unsubscribe();
      unsubscribeCounts?.();
      streams.delete(stream);
    };
    stream.on('close', done);
    stream.on('finish', done);
    req.raw.on('close', () => stream.destroy());
    stream.write(`retry: 5000\n${frame('hello')}`);
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
  });
}
