/**
 * The query parameters and answers of the routes whose modules declare no schema of their own
 * (the older reads, the access and lifecycle routes), for the OpenAPI document only: openapi.ts
 * merges them into the document as it is generated (swagger's transform), never into the
 * routes, so they change neither validation nor serialisation. A route's own schema wins.
 * test/integration/openapi-coverage.test.ts checks every served route against the document.
 */

type Schema = Record<string, unknown>;

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ ...s, type: [s['type'] as string, 'null'] });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  properties,
  additionalProperties: true,
  ...(description ? { description } : {}),
});
const query = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });
const day = str('YYYY-MM-DD');
const json = (schema: Schema, description = 'OK'): Schema => ({ description, content: { 'application/json': { schema } } });
/** JSON, or a streamed CSV / NDJSON export (format= or Accept). */
const jsonOrExport = (schema: Schema): Schema => ({
  description: 'JSON; with format=csv|ndjson (or Accept: text/csv, application/x-ndjson) a streamed export, one line per row',
  content: {
    'application/json': { schema },
    'text/csv': { schema: { type: 'string' } },
    'application/x-ndjson': { schema: { type: 'string' } },
  },
});
const format = { type: 'string', enum: ['json', 'csv', 'ndjson'], description: 'json (default), or a streamed export' };

const unit = obj({
  code: str(),
  name: str(),
  province_code: str(),
  province_name: str(),
  lat: num,
  lon: num,
  population: int(),
});
const alertRow = obj({
  alert_id: str(),
  status: str(),
  level: str(),
  syndrome: str(),
  area_level: str(),
  commune_code: str(),
  commune_name: nullable(str()),
  province_name: nullable(str()),
  cluster_communes: arr(str()),
  first_day: day,
  last_day: day,
  observed: num,
  expected: nullable(num),
  threshold: nullable(num),
  p_value: nullable(num),
  opened_at: str(),
  updated_at: str(),
});
const lifecycleAlert = obj({
  id: str(),
  family: str(),
  level: str(),
  status: str(),
  version: int(),
  area: obj({ level: str(), code: str(), communes: arr(str()) }),
  evidence: arr(obj({ series: str(), algorithm: str(), observed: num, expected: nullable(num) })),
  opened_at: str(),
  updated_at: str(),
});
const seriesPoint = obj({
  period: str(),
  day: day,
  count: int(),
  expected: nullable(num),
  upperbound: nullable(num),
  alarm: bool,
});
const session = obj({
  user: obj({ username: str(), role: str(), jurisdiction: obj({ level: str() }), lang: str() }),
  csrf_token: nullable(str()),
});
const subscription = obj({ username: str(), channels: arr(obj({ kind: str() })), levels: arr(str()), syndromes: arr(str()) });
const user = obj({ username: str(), role: str(), jurisdiction: obj({ level: str() }), disabled: bool });
const hospital = obj({ id: str(), name: str(), provinceCode: nullable(str()), revokedAt: nullable(str()) });

export interface RouteApiDoc {
  querystring?: Schema;
  params?: Schema;
  body?: Schema;
  /** Responses by status; 200 at least. */
  response: Record<string, Schema>;
}

/** By `METHOD /url` as fastify registers it. */
export const API_DOCS: Record<string, RouteApiDoc> = {
  'GET /v1/counts': {
    querystring: query({
      syndrome: str('A series id (GET /v1/syndromes)'),
      from: day,
      to: day,
      commune: str('One commune; all of yours when absent'),
    }),
    response: { 200: json(obj({ rows: arr(obj({ commune_code: str(), date: day, syndrome: str(), count: int() })) })) },
  },
  'GET /v1/series': {
    querystring: query({
      syndrome: str(),
      area: str('A commune (5 digits), a province (2 digits) or national'),
      commune: str('Older name of area'),
      interval: { type: 'string', enum: ['day', 'week'] },
      from: day,
      to: day,
      days: int('Days back from to (default 90 days, 52 weeks)'),
    }),
    response: {
      200: json(
        obj({
          syndrome: str(),
          area: obj({ level: str(), code: str(), name: str() }),
          interval: str(),
          algorithm: str(),
          points: arr(seriesPoint),
        }),
      ),
    },
  },
  'GET /v1/multiples': {
    querystring: query({
      by: { type: 'string', enum: ['commune', 'syndrome'] },
      province: str('by=commune: the province'),
      syndrome: str('by=commune: the series'),
      area: str('by=syndrome: the area'),
      interval: { type: 'string', enum: ['day', 'week'] },
      from: day,
      to: day,
      days: int(),
    }),
    response: {
      200: json(
        obj({
          by: str(),
          interval: str(),
          periods: arr(str()),
          multiples: arr(obj({ key: str(), counts: arr(int()), expected: arr(nullable(num)) })),
        }),
      ),
    },
  },
  'GET /v1/alerts': {
    querystring: query({
      status: { type: 'string', enum: ['open', 'verified', 'discarded', 'closed', 'all'] },
      syndrome: str(),
      commune: str('A commune or province code'),
      limit: int('1–1000, default 200'),
      format,
    }),
    response: { 200: jsonOrExport(obj({ alerts: arr(alertRow) })) },
  },
  'GET /v1/today': { response: { 200: json(obj({ today: day })) } },
  'GET /v1/units': { response: { 200: json(obj({ units: arr(unit) })) } },
  'GET /v1/syndromes': {
    response: {
      200: json(
        obj({
          series: arr(str()),
          definitions: arr(obj({ id: str(), name: obj({ vi: str(), en: str() }), icd10: arr(str()), keywords: arr(str()) })),
        }),
      ),
    },
  },
  'GET /v1/map': {
    querystring: query({ syndrome: str('Counts and alerts of one series; all when absent') }),
    response: {
      200: json(
        obj(
          {
            type: str('FeatureCollection'),
            approximate: bool,
            features: arr(
              obj({
                type: str(),
                id: str(),
                geometry: obj({ type: str() }),
                properties: obj({
                  code: str(),
                  name: str(),
                  level: nullable(str()),
                  open_alerts: int(),
                  events_7d: int(),
                  approximate: bool,
                }),
              }),
            ),
          },
          'GeoJSON of your communes',
        ),
      ),
    },
  },
  'GET /v1/bulletin': {
    querystring: query({
      province: str('2 digits; default your province'),
      week: str('YYYY-Www; default the last complete week'),
      format: { type: 'string', enum: ['html', 'pdf'] },
      lang: { type: 'string', enum: ['vi', 'en'] },
    }),
    response: {
      200: {
        description: 'The bulletin as a download',
        content: { 'text/html': { schema: { type: 'string' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      },
    },
  },
  'GET /v1/live': {
    response: {
      200: {
        description: 'With Accept: text/event-stream, server-sent events (hello, alert, counts); otherwise the description of the stream',
        content: {
          'text/event-stream': { schema: { type: 'string' } },
          'application/json': { schema: obj({ stream: str(), events: obj({}), heartbeat_seconds: int() }) },
        },
      },
    },
  },
  'GET /v1/data-quality': {
    response: {
      200: jsonOrExport(
        obj({
          generated_at: str(),
          province: nullable(str()),
          days: int(),
          hospitals: arr(
            obj({
              hospital_id: str(),
              name: str(),
              province_code: nullable(str()),
              last_received_at: nullable(str()),
              silent: bool,
              events_in_window: int(),
              volume_ratio: nullable(num),
            }),
          ),
        }),
      ),
    },
  },
  'GET /v1/dead-letters': {
    response: {
      200: {
        description: 'A page of refused input; format=ndjson: the payloads to replay, one per line',
        content: {
          'application/json': {
            schema: obj({
              rows: arr(obj({ id: str(), source: str(), reason_code: str(), reason: str(), hospital_id: str(), received_at: str() })),
              next: nullable(str()),
            }),
          },
          'application/x-ndjson': { schema: { type: 'string' } },
        },
      },
    },
  },
  'GET /v1/session/options': { response: { 200: json(obj({ oidc: bool })) } },
  'POST /v1/session': {
    body: obj({ username: str(), password: str() }),
    response: { 200: json(session, 'Signed in: the session cookie is set') },
  },
  'GET /v1/session': { response: { 200: json(session) } },
  'DELETE /v1/session': { response: { 204: { description: 'Signed out' } } },
  'GET /v1/me/subscription': { response: { 200: json(subscription) } },
  'PUT /v1/me/subscription': { body: subscription, response: { 200: json(subscription) } },
  'GET /v1/admin/users/:username/subscription': { response: { 200: json(subscription) } },
  'PUT /v1/admin/users/:username/subscription': { body: subscription, response: { 200: json(subscription) } },
  'GET /v1/audit': {
    querystring: query({
      action: str(),
      actor: str(),
      target: str(),
      from: str('ISO time'),
      to: str('ISO time'),
      cursor: str(),
      limit: int('1–500, default 100'),
    }),
    response: {
      200: json(
        obj({
          records: arr(
            obj({
              id: str(),
              at: str(),
              actor: str(),
              actor_role: nullable(str()),
              action: str(),
              target: nullable(str()),
              details: obj({}),
            }),
          ),
          next_cursor: nullable(str()),
        }),
      ),
    },
  },
  'GET /v1/alert-inbox': {
    querystring: query({
      status: str('Comma-separated lifecycle statuses (active ones by default)'),
      level: str('Comma-separated: red, yellow'),
      syndrome: str(),
      area: str('Comma-separated province or commune codes'),
      from: day,
      to: day,
      limit: int('1–500, default 50'),
      cursor: str(),
    }),
    response: { 200: json(obj({ alerts: arr(lifecycleAlert), next_cursor: nullable(str()) })) },
  },
  'GET /v1/alerts/:id': {
    response: {
      200: json(
        obj({
          alert: lifecycleAlert,
          allowed_actions: arr(str()),
          steps: arr(obj({ action: str(), actor: str(), at: str(), notes: str() })),
          series: nullable(obj({})),
          line_list: nullable(obj({ rows: arr(obj({})), truncated: bool, limit: int() })),
          line_list_withheld: nullable(obj({ permission: str(), message: str() })),
        }),
      ),
    },
  },
  'POST /v1/alerts/:id/actions': {
    body: obj({ type: str('verify, discard, assess_risk, respond, close, …'), version: int('The version you read'), notes: str() }),
    response: { 200: json(obj({ alert: lifecycleAlert, allowed_actions: arr(str()) })) },
  },
  'GET /v1/admin/hospitals': { response: { 200: json(obj({ hospitals: arr(hospital) })) } },
  'POST /v1/admin/hospitals': {
    body: obj({ id: str(), name: str(), provinceCode: str() }),
    response: { 201: json(obj({ hospital, key: str('Shown once') }), 'Registered') },
  },
  'POST /v1/admin/hospitals/:id/rotate': { response: { 200: json(obj({ hospital, key: str('Shown once') })) } },
  'POST /v1/admin/hospitals/:id/revoke': { response: { 200: json(obj({ hospital })) } },
  'GET /v1/admin/users': { response: { 200: json(obj({ users: arr(user) })) } },
  'POST /v1/admin/users': {
    body: obj({ username: str(), role: str(), jurisdiction: obj({ level: str() }), password: str() }),
    response: { 201: json(obj({ user }), 'Created') },
  },
  'POST /v1/admin/users/:username/token': { response: { 200: json(obj({ token: str('Shown once') })) } },
  'POST /v1/admin/users/:username/disable': { response: { 200: json(obj({ user })) } },
  'POST /v1/admin/users/:username/password': { body: obj({ password: str() }), response: { 200: json(obj({ user })) } },
  'POST /v1/events': {
    response: {
      200: json(
        obj({ accepted: int(), duplicates: int(), rejected: int(), errors: arr(obj({ index: int(), code: str(), message: str() })) }),
      ),
    },
  },
  'POST /hl7v2': {
    response: { 200: { description: 'An HL7 v2 ACK message', content: { 'x-application/hl7-v2+er7': { schema: { type: 'string' } } } } },
  },
};
