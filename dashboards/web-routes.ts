import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url));

export interface WebRouteOptions {
  /** Whether OpenID Connect sign-in is configured (GET /v1/session/oidc answers): the page then offers it. */
  oidc: boolean;
}

/**
 * Serves the dashboard page and its assets (Chart.js from its npm package), open to
 * everyone: they carry no data (the page signs in, then reads the API). So is
 * GET /v1/session/options, which tells the sign-in page which ways to sign in exist.
 */
export function registerWebRoutes(app: FastifyInstance, options: WebRouteOptions): void {
  const require = createRequire(import.meta.url);
  // chart.js exports no subpath for its UMD build; find it beside the package's main file.
  const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
  const assets: Record<string, { body: Buffer; type: string }> = {
    '/': { body: read('./web/index.html'), type: 'text/html; charset=utf-8' },
    '/assets/app.js': { body: read('./web/app.js'), type: 'text/javascript; charset=utf-8' },
    '/assets/style.css': { body: read('./web/style.css'), type: 'text/css; charset=utf-8' },
    '/assets/chart.umd.min.js': { body: chartJs, type: 'text/javascript; charset=utf-8' },
  };
  for (const [path, a] of Object.entries(assets)) {
    app.get(path, async (_req, reply) => reply.type(a.type).header('cache-control', 'no-cache').send(a.body));
  }
  app.get('/v1/session/options', async (_req, reply) => reply.header('cache-control', 'no-store').send({ oidc: options.oidc }));
}
