import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url));

/** Serves the dashboard page and its assets (Chart.js from its npm package). */
export function registerWebRoutes(app: FastifyInstance): void {
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
}
