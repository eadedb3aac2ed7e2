import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
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
 * Serves the dashboard page and its assets (Chart.js from its npm package), open to
 * everyone: they carry no data (the page signs in, then reads the API). So is
 * GET /v1/session/options, which tells the sign-in page which ways to sign in exist.
 * `/alerts/<id>` (the link in notifications, alerts/messages.ts `alertLink`) is the same
 * page: it opens the inbox on that alert once signed in.
 */
export function registerWebRoutes(app: FastifyInstance, options: WebRouteOptions): void {
  const require = createRequire(import.meta.url);
  // chart.js exports no subpath for its UMD build; find it beside the package's main file.
  const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
  const js = 'text/javascript; charset=utf-8';
  const page = { body: read('./web/index.html'), type: 'text/html; charset=utf-8' };
  const assets: Record<string, { body: Buffer; type: string }> = {
    '/': page,
    '/alerts/:id': page,
    '/assets/app.js': { body: read('./web/app.js'), type: js },
    '/assets/dom.js': { body: read('./web/dom.js'), type: js },
    '/assets/alert-chart.js': { body: read('./web/alert-chart.js'), type: js },
    '/assets/alert-detail.js': { body: read('./web/alert-detail.js'), type: js },
    '/assets/inbox.js': { body: read('./web/inbox.js'), type: js },
    '/assets/lifecycle-terms.js': { body: Buffer.from(lifecycleTermsScript()), type: js },
    '/assets/style.css': { body: read('./web/style.css'), type: 'text/css; charset=utf-8' },
    '/assets/chart.umd.min.js': { body: chartJs, type: js },
  };
  for (const [path, a] of Object.entries(assets)) {
    app.get(path, async (_req, reply) => reply.type(a.type).header('cache-control', 'no-cache').send(a.body));
  }
  app.get('/v1/session/options', async (_req, reply) => reply.header('cache-control', 'no-store').send({ oidc: options.oidc }));
}
