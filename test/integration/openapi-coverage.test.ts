import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

/**
 * Every route the app serves is in /openapi.json with a summary, its query parameters and a
 * 200 (or 201 / 204) answer with a schema (issue 11). The routes are listed from fastify's
 * route tree, so a new route that is not documented fails here; the query parameters each
 * route takes are written out below by hand (not read from the document under test).
 */

let p: TestPipeline;
let doc: {
  paths: Record<
    string,
    Record<string, { summary?: string; parameters?: { name: string; in: string }[]; responses?: Record<string, Operation> }>
  >;
};
type Operation = { description?: string; content?: Record<string, { schema?: unknown }> };

/** Served but not in the document, each for a reason. */
const NOT_DOCUMENTED: Record<string, string> = {
  'GET /healthz': 'operations: registered before the document (platform/http.ts)',
  'GET /metrics': 'operations: Prometheus text, for scrapers',
  'GET /openapi.json': 'the document itself',
  'GET /fhir/metadata': 'FHIR describes itself: its CapabilityStatement',
  'POST /fhir': 'FHIR transaction bundles: documented by /fhir/metadata',
  'POST /fhir/Encounter': 'FHIR: documented by /fhir/metadata',
  'POST /fhir/Observation': 'FHIR: documented by /fhir/metadata',
};
const isWeb = (route: string) =>
  /^GET \/(assets\/\*|docs(\/.*)?|(alerts|series|multiples|quality|syndromes|bulletin)(\/\*)?|\*)?$/.test(route);

/** The query parameters of each route that takes any (routes absent here take none). */
const QUERY: Record<string, string[]> = {
  'GET /v1/counts': ['commune', 'from', 'syndrome', 'to'],
  'GET /v1/series': ['area', 'commune', 'days', 'from', 'interval', 'syndrome', 'to'],
  'GET /v1/multiples': ['area', 'by', 'days', 'from', 'interval', 'province', 'syndrome', 'to'],
  'GET /v1/alerts': ['commune', 'format', 'limit', 'status', 'syndrome'],
  'GET /v1/map': ['syndrome'],
  'GET /v1/bulletin': ['format', 'lang', 'province', 'week'],
  'GET /v1/audit': ['action', 'actor', 'cursor', 'from', 'limit', 'target', 'to'],
  'GET /v1/alert-inbox': ['area', 'cursor', 'from', 'level', 'limit', 'status', 'syndrome', 'to'],
  'GET /v1/dead-letters': ['cursor', 'format', 'from', 'hospital_id', 'limit', 'reason_code', 'source', 'to'],
  'GET /v1/data-quality': ['days', 'format', 'province'],
  'GET /v1/trends': ['area', 'compare_years', 'expected', 'format', 'from', 'interval', 'per', 'strata', 'syndrome', 'to'],
  'GET /v1/signals': ['alarm', 'area', 'format', 'from', 'granularity', 'limit', 'syndrome', 'to'],
  'GET /v1/line-list': ['area', 'day', 'format', 'limit', 'syndrome'],
};

/** `METHOD /path` of every route fastify serves (HEAD left out: it follows GET). */
function servedRoutes(): string[] {
  const tree = p.app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \((.+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const parent = stack[depth - 1];
    const seg = m[2]!;
    const path = parent === undefined ? seg : parent.endsWith('/') || seg.startsWith('/') ? `${parent}${seg}` : `${parent}/${seg}`;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  // The web application's and Swagger UI's wildcard routes print their shared prefixes oddly: not API, not checked.
  for (const r of out.filter((x) => !isWeb(x))) {
    const [method, url] = r.split(' ') as [string, string];
    expect(p.app.hasRoute({ method: method, url }), `parsed route ${r}`).toBe(true);
  }
  return out;
}
const docPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

/** What is missing from `d` for the served `routes`. */
function problemsOf(d: typeof doc, routes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    if (r in NOT_DOCUMENTED || isWeb(r)) continue;
    const [method, path] = r.split(' ') as [string, string];
    const op = d.paths[docPath(path)]?.[method.toLowerCase()];
    if (!op) {
      problems.push(`${r}: not in the document`);
      continue;
    }
    if (!op.summary) problems.push(`${r}: no summary`);
    const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^20[014]$/.test(code));
    if (ok.length === 0) problems.push(`${r}: no 2xx answer`);
    else if (!ok.some(([code, res]) => code === '204' || Object.values(res.content ?? {}).some((c) => c.schema !== undefined)))
      problems.push(`${r}: its answer has no schema`);
  }
  return problems;
}

beforeAll(async () => {
  p = await startTestPipeline();
  doc = (await p.app.inject({ url: '/openapi.json' })).json();
}, 60_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('/openapi.json covers every served route', () => {
  it('lists every API route (and no web page), each with a summary and an answer with a schema', () => {
    const routes = servedRoutes();
    expect(routes).toEqual(expect.arrayContaining(['GET /v1/counts', 'POST /v1/alerts/:id/actions', 'GET /v1/line-list']));
    expect(problemsOf(doc, routes)).toEqual([]);
  });

  it('the web pages and assets are not in it (they are the application, not the API)', () => {
    for (const path of ['/', '/alerts', '/series/{*}', '/assets/{*}']) expect(doc.paths[path], path).toBeUndefined();
  });

  it.each(Object.entries(QUERY))('%s: its query parameters', (route, want) => {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[docPath(path)]![method.toLowerCase()]!;
    expect(
      (op.parameters ?? [])
        .filter((x) => x.in === 'query')
        .map((x) => x.name)
        .sort(),
    ).toEqual([...want].sort());
  });

  it('a route not in QUERY takes no query parameter in the document either (the table is complete)', () => {
    const extra: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const route = `${method.toUpperCase()} ${path.replace(/\{([A-Za-z_]+)\}/g, ':$1')}`;
        if (!(route in QUERY) && (op.parameters ?? []).some((x) => x.in === 'query')) extra.push(route);
      }
    expect(extra).toEqual([]);
  });

  it('negative control: a route missing from the document, or an answer without a schema, is caught', () => {
    const routes = servedRoutes();
    const copy = JSON.parse(JSON.stringify(doc)) as typeof doc;
    delete copy.paths['/v1/counts'];
    delete copy.paths['/v1/units']!['get']!.responses!['200']!.content;
    expect(problemsOf(copy, routes).sort()).toEqual(['GET /v1/counts: not in the document', 'GET /v1/units: its answer has no schema']);
  });
});
