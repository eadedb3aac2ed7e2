import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { webBundle } from './web-bundle.ts';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url));

export interface WebRouteOptions {
  /** Whether OpenID Connect sign-in is configured (GET /v1/session/oidc answers): the page then offers it. */
  oidc: boolean;
}

/**
 * The web application's paths (the first segment of each page's route, dashboards/web/src/pages):
 * each answers the same page, whose router shows the page. `/alerts/<id>` is the link in
 * notifications (alerts/messages.ts `alertLink`).
 */
export const APP_ROUTES = ['', 'alerts', 'series', 'multiples', 'quality', 'syndromes', 'bulletin'] as const;

/**
 * Serves the web application (built in memory by web-bundle.ts on the first request), open to
 * everyone: it carries no data (the application signs in, then reads the API). The pages take
 * the lifecycle's vocabulary from schemas/alert-lifecycle.ts itself, bundled in. So is
 * GET /v1/session/options, which tells the sign-in page which ways to sign in exist.
 */
export function registerWebRoutes(app: FastifyInstance, options: WebRouteOptions): void {
  const html = read('./web/app.html');
  const sendPage = async (_req: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  for (const r of APP_ROUTES) {
    // The pages and their assets are the web application, not the API: left out of /openapi.json.
    app.get(`/${r}`, { schema: { hide: true } }, sendPage);
    if (r !== '') app.get(`/${r}/*`, { schema: { hide: true } }, sendPage);
  }
  app.get('/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const assets = await webBundle();
    const path = req.url.split('?')[0];
    const a = assets.find((x) => x.path === path);
    if (!a) throw new AppError('NOT_FOUND', `no asset ${path} / không có tệp ${path}`);
    return reply.type(a.type).header('cache-control', 'no-cache').send(Buffer.from(a.body));
  });
  app.get('/v1/session/options', async (_req, reply) => reply.header('cache-control', 'no-store').send({ oidc: options.oidc }));
}
