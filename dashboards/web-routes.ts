import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { webBundle } from './web-bundle.ts';
import {
  ACTION_TYPES,
  ACTIVE_STATUSES,
  ALERT_LEVELS,
  CONSEQUENCES,
  LIFECYCLE_STATUSES,
  LIKELIHOODS,
  OUTCOMES,
  RISK_LEVELS,
  RISK_MATRIX,
} from '../schemas/alert-lifecycle.ts';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url));

export interface WebRouteOptions {
  /** Whether OpenID Connect sign-in is configured (GET /v1/session/oidc answers): the page then offers it. */
  oidc: boolean;
}

/**
 * The lifecycle's vocabulary for the page's forms, from the one contract (schemas/alert-lifecycle.ts):
 * the page shows the WHO risk level of a likelihood × consequence pair as the server will
 * compute it, without a second copy of the matrix to drift.
 */
export function lifecycleTermsScript(): string {
  const terms = {
    statuses: LIFECYCLE_STATUSES,
    active_statuses: ACTIVE_STATUSES,
    actions: ACTION_TYPES,
    levels: ALERT_LEVELS,
    likelihoods: LIKELIHOODS,
    consequences: CONSEQUENCES,
    risk_levels: RISK_LEVELS,
    risk_matrix: RISK_MATRIX,
    outcomes: OUTCOMES,
  };
  return `window.EWS_LIFECYCLE = Object.freeze(${JSON.stringify(terms)});\n`;
}

/**
 * The web application's paths (the first segment of each page's route, dashboards/web/src/pages):
 * each answers the same page, whose router shows the page. `/alerts/<id>` is the link in
 * notifications (alerts/messages.ts `alertLink`).
 */
export const APP_ROUTES = ['', 'alerts', 'bulletin'] as const;

/**
 * Serves the web application (built in memory by web-bundle.ts on the first request) and the
 * lifecycle's vocabulary, open to everyone: they carry no data (the application signs in, then
 * reads the API). So is GET /v1/session/options, which tells the sign-in page which ways to
 * sign in exist.
 */
export function registerWebRoutes(app: FastifyInstance, options: WebRouteOptions): void {
  const html = read('./web/app.html');
  const sendPage = async (_req: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  for (const r of APP_ROUTES) {
    app.get(`/${r}`, sendPage);
    if (r !== '') app.get(`/${r}/*`, sendPage);
  }
  app.get('/assets/lifecycle-terms.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(lifecycleTermsScript()),
  );
  app.get('/assets/*', async (req, reply) => {
    const assets = await webBundle();
    const path = req.url.split('?')[0];
    const a = assets.find((x) => x.path === path);
    if (!a) throw new AppError('NOT_FOUND', `no asset ${path} / không có tệp ${path}`);
    return reply.type(a.type).header('cache-control', 'no-cache').send(Buffer.from(a.body));
  });
  app.get('/v1/session/options', async (_req, reply) => reply.header('cache-control', 'no-store').send({ oidc: options.oidc }));
}
