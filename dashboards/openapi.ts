import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { $ZodType } from 'zod/v4/core';
import { API_DOCS } from './openapi-docs.ts';

/**
 * The documented API (issue 11): OpenAPI 3 generated from the routes' schemas (zod ones
 * through fastify-type-provider-zod, JSON ones as they are) at GET /openapi.json, and the
 * interactive docs (Swagger UI, served from its npm package: no network) at /docs. Both are
 * open: they describe the API and carry no data. Register before the routes (it collects
 * them as they are added).
 */

/**
 * Summaries of routes whose modules declare no schema yet (the lifecycle alert routes of
 * alerts/, the older read routes): added to their route options as they are registered, so
 * the document names every route it lists. A route's own summary wins.
 */
export const ROUTE_DOCS: Record<string, { summary: string; description?: string; tags: string[] }> = {
  'GET /v1/alert-inbox': {
    summary: 'Lifecycle alerts in your jurisdiction, red before yellow',
    description: 'Filtered by status (active ones by default), level and syndrome. Needs read:aggregates.',
    tags: ['alerts'],
  },
  'GET /v1/alerts/:id': {
    summary: 'One lifecycle alert: summary, evidence, series, line list (when allowed), steps and allowed actions',
    description: 'The line list needs read:line_list and is audited. 403 outside the jurisdiction, 404 unknown.',
    tags: ['alerts'],
  },
  'POST /v1/alerts/:id/actions': {
    summary: "An action on a lifecycle alert (verify, assess risk, respond, close, …) with the alert's version",
    description:
      'Needs work:alerts and the CSRF header for a session. 409 CONFLICT on a stale version, TRANSITION_FORBIDDEN on a step the lifecycle does not allow.',
    tags: ['alerts'],
  },
  'GET /v1/alerts': { summary: 'Detection alerts (signals grouped) in your jurisdiction', tags: ['alerts'] },
  'GET /v1/counts': { summary: 'Daily counts per commune of one series, zero-filled', tags: ['counts'] },
  'GET /v1/series': {
    summary: "One area's series (commune, province or national; day or ISO week) with expected value, threshold and alarms",
    description:
      'area=CODE|national (commune= still accepted), interval=day|week; alarms from the stored detector signals, else count above threshold.',
    tags: ['counts'],
  },
  'GET /v1/multiples': {
    summary:
      'Many compact series in one call for small multiples: by=commune (of a province) or by=syndrome (of an area), most recent excess first',
    tags: ['counts'],
  },
  'GET /v1/units': { summary: 'The communes of your jurisdiction (unit registry)', tags: ['units'] },
  'GET /v1/syndromes': { summary: 'The series that can be asked for, with their names and definitions in both languages', tags: ['units'] },
  'GET /v1/dead-letters': { summary: 'Refused input, filtered and keyset-paged (data managers)', tags: ['data quality'] },
  'POST /v1/events': { summary: 'Hospital events (JSON or NDJSON), with the hospital key or a client certificate', tags: ['ingest'] },
  'POST /hl7v2': { summary: 'HL7 v2 messages (ADT, ORU) over HTTP, with the hospital key; answered with an ACK', tags: ['ingest'] },
  'POST /v1/session': {
    summary: 'Sign in with a username and password: sets the session cookie, answers the CSRF token',
    tags: ['session'],
  },
  'GET /v1/session': { summary: 'Who you are (the session or API token)', tags: ['session'] },
  'DELETE /v1/session': { summary: 'Sign out: ends the session (and its live streams)', tags: ['session'] },
  'GET /v1/session/options': {
    summary: 'How to sign in here (password, and the province identity provider when configured)',
    tags: ['session'],
  },
  'GET /v1/me/subscription': { summary: 'Your alert notifications: channels, levels, syndromes', tags: ['session'] },
  'PUT /v1/me/subscription': { summary: 'Set your alert notifications', tags: ['session'] },
  'GET /v1/map': {
    summary: 'The communes of your jurisdiction as GeoJSON, with their alert level, open alerts and last 7 days of events',
    tags: ['counts'],
  },
  'GET /v1/today': { summary: "The service's local day (Asia/Ho_Chi_Minh): the web pages' today", tags: ['units'] },
  'GET /v1/live': {
    summary: 'Server-sent events: alert changes and new counts of your jurisdiction',
    description: 'With Accept: text/event-stream. Events: hello, alert {id,status,level}, counts {communes,syndromes,days} (coalesced).',
    tags: ['alerts'],
  },
  'GET /v1/data-quality': {
    summary: 'Data quality per hospital: last event, volume against usual, informative share, rejected share and reasons, silence',
    description: 'format=csv|ndjson (or Accept) streams one line per hospital.',
    tags: ['data quality'],
  },
  'GET /v1/audit': { summary: 'The audit log (read:audit): newest first, filtered, paged', tags: ['admin'] },
  'GET /v1/admin/hospitals': { summary: 'Registered hospitals (admin token)', tags: ['admin'] },
  'POST /v1/admin/hospitals': { summary: 'Register a hospital: answers its key once', tags: ['admin'] },
  'POST /v1/admin/hospitals/:id/rotate': { summary: "Rotate a hospital's key: answers the new key once", tags: ['admin'] },
  'POST /v1/admin/hospitals/:id/revoke': { summary: "Revoke a hospital's key", tags: ['admin'] },
  'GET /v1/admin/users': { summary: 'Users (admin:users)', tags: ['admin'] },
  'POST /v1/admin/users': { summary: 'Add a user with a role and a jurisdiction', tags: ['admin'] },
  'GET /v1/admin/users/:username/subscription': { summary: "A user's alert notifications", tags: ['admin'] },
  'PUT /v1/admin/users/:username/subscription': { summary: "Set a user's alert notifications", tags: ['admin'] },
  'POST /v1/admin/users/:username/token': { summary: 'Issue an API token for a user: answered once', tags: ['admin'] },
  'POST /v1/admin/users/:username/disable': { summary: 'Disable a user: their sessions and tokens stop working', tags: ['admin'] },
  'POST /v1/admin/users/:username/password': { summary: "Set a user's password", tags: ['admin'] },
};

const isZod = (s: unknown): boolean => s instanceof $ZodType;

export async function registerOpenApi(app: FastifyInstance, info: { version: string }): Promise<void> {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const doc = methods.map((m) => ROUTE_DOCS[`${m} ${route.url}`]).find((d) => d !== undefined);
    if (!doc) return;
    route.schema = { ...doc, ...(route.schema ?? {}) };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'syndromic-ews API',
        description:
          'Syndromic early warning (Bắc Ninh, Hưng Yên). Reads need a signed-in session or an API token (Authorization: Bearer ews_ut_…) and answer only inside your jurisdiction.',
        version: info.version,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Zod schemas become JSON Schema; a route with JSON schemas (or none) is documented as it is.
    transform: (doc) => {
      const s = doc.schema as Record<string, unknown> | undefined;
      const hasZod = s !== undefined && ['querystring', 'body', 'params', 'headers'].some((k) => isZod(s[k]));
      const responses = s?.['response'] as Record<string, unknown> | undefined;
      const zodResponse = responses !== undefined && Object.values(responses).some(isZod);
      if (hasZod || zodResponse) return jsonSchemaTransform(doc);
      // The document only (openapi-docs.ts): the route's own parts win, the route is not changed.
      const methods = [doc.route.method].flat();
      const api = methods.map((m) => API_DOCS[`${m} ${doc.url}`]).find((d) => d !== undefined);
      if (api === undefined) return { schema: doc.schema, url: doc.url };
      const own = s ?? {};
      const schema = {
        ...(api.querystring ? { querystring: api.querystring } : {}),
        ...(api.body ? { body: api.body } : {}),
        ...own,
        response: { ...api.response, ...((own['response'] as Record<string, unknown> | undefined) ?? {}) },
      };
      return { schema: schema, url: doc.url };
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No call to an online validator: the page works offline.
    uiConfig: { validatorUrl: null, deepLinking: true },
    uiHooks: {
      // Swagger UI sets inline style attributes: allowed on /docs only, everything else as the base CSP.
      onRequest: (_req, reply, done) => {
        void reply.header(
          'content-security-policy',
          "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'",
        );
        done();
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').send(app.swagger()),
  );
}
