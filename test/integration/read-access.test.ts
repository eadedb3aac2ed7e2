import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { createAlertStore } from '../../storage/alerts.ts';
import { createDeadLetterStore } from '../../storage/dead-letters.ts';
import { permits, ROLES, type Jurisdiction, type Role } from '../../schemas/access.ts';
import type { Alert } from '../../schemas/alerts.ts';
import { APP_ROUTES } from '../../dashboards/web-routes.ts';
import { createSignalStore } from '../../storage/signals.ts';

/**
 * Every read route × role × inside/outside the jurisdiction (issue 9). The routes are listed
 * from the running app: a GET route missing from TABLE fails the test, so a new route cannot
 * skip authorization. The expectations are written out by hand (not computed with
 * dashboards/scope.ts, which is what is under test).
 */

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
const now = Date.parse('2026-11-20T15:00:00+07:00');

// Province 24 (Bắc Ninh): A and B; province 33 (Hưng Yên): C.
const A = '09187';
const B = '09190';
const C = '11953';
const JURISDICTIONS = {
  national: { level: 'national' },
  province24: { level: 'province', province: '24' },
  communesA: { level: 'communes', communes: [A] },
} as const satisfies Record<string, Jurisdiction>;
type JKey = keyof typeof JURISDICTIONS;
type Who = { role: Role; j: JKey } | 'nobody';

// --- How principals are made: the one place that knows. Real users of the operational store
// (access/), each with a real API token `ews_ut_…`, created in beforeAll.
const tokens = new Map<string, string>();
/** A username the store accepts (lower case; `_` is not allowed). */
const usernameOf = (role: Role, j: JKey) => `${role}-${j}`.toLowerCase().replace(/_/g, '.');
async function createCallers(pipeline: P): Promise<void> {
  for (const role of ROLES)
    for (const j of Object.keys(JURISDICTIONS) as JKey[]) {
      const username = usernameOf(role, j);
      await pipeline.access.users.add({ username, role, jurisdiction: JURISDICTIONS[j] });
      tokens.set(username, (await pipeline.access.users.issueToken(username)).token);
    }
}
function credentialsFor(role: Role, jurisdiction: JKey): Record<string, string> {
  const token = tokens.get(usernameOf(role, jurisdiction));
  if (!token) throw new Error(`no caller ${role}-${jurisdiction}: createCallers first`);
  return { authorization: `Bearer ${token}` };
}
// ---

const headersOf = (who: Who) => (who === 'nobody' ? {} : credentialsFor(who.role, who.j));
const WHO: Who[] = ['nobody', ...ROLES.flatMap((role) => (Object.keys(JURISDICTIONS) as JKey[]).map((j) => ({ role, j })))];
const label = (who: Who) => (who === 'nobody' ? 'no credentials' : `${who.role} @ ${who.j}`);

const COMMUNES_OF: Record<JKey, (units: readonly { code: string; provinceCode: string }[]) => string[]> = {
  national: (u) => u.map((x) => x.code),
  province24: (u) => u.filter((x) => x.provinceCode === '24').map((x) => x.code),
  communesA: () => [A],
};
const covers: Record<JKey, (commune: string) => boolean> = {
  national: () => true,
  province24: (c) => c === A || c === B,
  communesA: (c) => c === A,
};
const ALERTS_OF: Record<JKey, string[]> = {
  national: ['a-A', 'a-B', 'a-C', 'a-P24', 'a-P33', 'a-AB', 'a-AC'],
  province24: ['a-A', 'a-B', 'a-P24', 'a-AB'],
  communesA: ['a-A'],
};
const DEAD_LETTERS_OF: Record<JKey, string[]> = {
  national: ['BV-24', 'BV-33', 'BV-NONE', 'BV-UNREGISTERED', ''],
  province24: ['BV-24'],
  communesA: [],
};

// Registered hospitals (BV-TEST is every test pipeline's, without a province).
const QUALITY_HOSPITALS_OF: Record<JKey, string[]> = {
  national: ['BV-24', 'BV-33', 'BV-NONE', 'BV-TEST'],
  province24: ['BV-24'],
  communesA: [],
};

interface Case {
  url: string;
  /** The status for a caller (never called for 'nobody': that is 401 for every guarded route). */
  status: (who: Exclude<Who, 'nobody'>) => number;
  check?: (body: unknown, who: Exclude<Who, 'nobody'>) => void;
  /** Open to everyone (no credentials needed). */
  open?: boolean;
  /** The status an open route answers (default 200). */
  openStatus?: number;
}

const aggregates = (inside?: (who: Exclude<Who, 'nobody'>) => boolean) => (who: Exclude<Who, 'nobody'>) =>
  inside === undefined || inside(who) ? 200 : 403;
const deadLetterRoles = (who: Exclude<Who, 'nobody'>) => who.role === 'data_manager' || who.role === 'admin';
const open: Case = { url: '', status: () => 200, open: true };

/** Every GET route of the app; a new one must be added here. */
const TABLE: Record<string, Case[]> = {
  '/healthz': [{ ...open, url: '/healthz' }],
  // The web application (dashboards/web-routes.ts): every page's path and what is below it
  // (an alert's link /alerts/<id>), and the bundle's assets; the data is read by the page, signed in.
  ...Object.fromEntries(
    APP_ROUTES.flatMap((r): [string, Case[]][] =>
      r === ''
        ? [['/', [{ ...open, url: '/' }]]]
        : [
            [`/${r}`, [{ ...open, url: `/${r}` }]],
            [`/${r}/*`, [{ ...open, url: `/${r}/00000000-0000-4000-8000-000000000000` }]],
          ],
    ),
  ),
  '/assets/*': [
    { ...open, url: '/assets/app.js' },
    { ...open, url: '/assets/app.css' },
  ],
  // Live updates (dashboards/live-routes.ts): asked without `Accept: text/event-stream` it answers
  // the stream's description after the same checks; the stream is tested in live-updates.test.ts.
  '/v1/live': [{ url: '/v1/live', status: aggregates(), check: (b) => expect(b).toMatchObject({ stream: 'text/event-stream' }) }],
  '/v1/session/options': [{ ...open, url: '/v1/session/options', check: (b) => expect(b).toEqual({ oidc: false }) }],
  // The documented API (issue 11): the OpenAPI document and Swagger UI describe routes, they carry no data.
  '/openapi.json': [{ ...open, url: '/openapi.json', check: (b) => expect(JSON.parse(b as string)).toMatchObject({ openapi: '3.1.0' }) }],
  '/docs': [{ ...open, url: '/docs' }],
  // FHIR ingest (issue 12): what is accepted, no data.
  '/fhir/metadata': [
    {
      ...open,
      url: '/fhir/metadata',
      check: (b) => expect(JSON.parse(b as string)).toMatchObject({ resourceType: 'CapabilityStatement' }),
    },
  ],
  '/docs/': [{ ...open, url: '/docs/' }],
  // Swagger UI redirects its static index to /docs/.
  '/docs/static/index.html': [{ ...open, url: '/docs/static/index.html', openStatus: 302 }],
  '/docs/static/swagger-initializer.js': [{ ...open, url: '/docs/static/swagger-initializer.js' }],
  '/docs/static/*': [{ ...open, url: '/docs/static/swagger-ui-bundle.js' }],
  '/docs/json': [{ ...open, url: '/docs/json' }],
  '/docs/yaml': [{ ...open, url: '/docs/yaml' }],
  // Users are never scrapers: the metrics token or the admin token (tested in metrics-access.test.ts).
  '/metrics': [{ url: '/metrics', status: () => 401 }],
  '/v1/admin/hospitals': [{ url: '/v1/admin/hospitals', status: (who) => (permits(who.role, 'admin:hospitals') ? 200 : 403) }],
  '/v1/admin/users': [{ url: '/v1/admin/users', status: (who) => (permits(who.role, 'admin:users') ? 200 : 403) }],
  // Subscriptions (issue 10): every user their own; an administrator anyone's (here the national officer's).
  '/v1/me/subscription': [{ url: '/v1/me/subscription', status: () => 200 }],
  '/v1/admin/users/:username/subscription': [
    {
      url: `/v1/admin/users/${usernameOf('officer', 'national')}/subscription`,
      status: (who) => (permits(who.role, 'admin:users') ? 200 : 403),
    },
  ],
  '/v1/audit': [{ url: '/v1/audit', status: (who) => (permits(who.role, 'read:audit') ? 200 : 403) }],
  // Who am I: every signed-in caller, about themselves only.
  '/v1/session': [
    {
      url: '/v1/session',
      status: () => 200,
      check: (b, who) => expect(b).toMatchObject({ user: { username: usernameOf(who.role, who.j), role: who.role }, csrf_token: null }),
    },
  ],
  // Lifecycle alerts (issue 10): none in this test's store; their scoping is tested in test/integration/pg/alert-lifecycle-routes.test.ts.
  '/v1/alert-inbox': [{ url: '/v1/alert-inbox', status: aggregates(), check: (b) => expect(b).toMatchObject({ alerts: [] }) }],
  '/v1/alerts/:id': [{ url: '/v1/alerts/00000000-0000-4000-8000-000000000000', status: () => 404 }],
  '/v1/syndromes': [{ url: '/v1/syndromes', status: aggregates() }],
  '/v1/today': [
    {
      url: '/v1/today',
      status: aggregates(),
      check: (b) => expect(b).toMatchObject({ today: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }),
    },
  ],
  // The overview map: the caller's communes only.
  '/v1/map': [
    {
      url: '/v1/map',
      status: aggregates(),
      check: (b, who) =>
        expect((b as { features: { id: string }[] }).features.map((f) => f.id).sort()).toEqual(COMMUNES_OF[who.j](p.units.all()).sort()),
    },
  ],
  '/v1/units': [
    {
      url: '/v1/units',
      status: aggregates(),
      check: (b, who) =>
        expect((b as { units: { code: string }[] }).units.map((u) => u.code).sort()).toEqual(COMMUNES_OF[who.j](p.units.all()).sort()),
    },
  ],
  '/v1/counts': [
    {
      url: '/v1/counts?syndrome=dengue&from=2026-11-20&to=2026-11-20',
      status: aggregates(),
      check: (b, who) => {
        const rows = (b as { rows: { commune_code: string; count: number }[] }).rows;
        expect(rows.map((r) => r.commune_code).sort()).toEqual(COMMUNES_OF[who.j](p.units.all()).sort());
        expect(rows.find((r) => r.commune_code === A)?.count).toBe(1);
      },
    },
    ...[A, B, C].map((c) => ({
      url: `/v1/counts?syndrome=dengue&from=2026-11-20&to=2026-11-20&commune=${c}`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) =>
        expect((b as { rows: { count: number }[] }).rows).toEqual([expect.objectContaining({ commune_code: c, count: 1 })]),
    })),
  ],
  '/v1/series': [
    ...[A, B, C].map((c) => ({
      url: `/v1/series?syndrome=dengue&commune=${c}&days=7`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) => expect((b as { points: { count: number }[] }).points.at(-1)?.count).toBe(1),
    })),
    // A province's weekly series needs the province, the nation's the nation.
    ...['24', '33'].map((prov) => ({
      url: `/v1/series?syndrome=dengue&area=${prov}&interval=week&days=7`,
      status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
      check: (b: unknown) => expect((b as { points: { count: number }[] }).points.at(-1)?.count).toBe(prov === '24' ? 2 : 1),
    })),
    {
      url: '/v1/series?syndrome=dengue&area=national&days=7',
      status: aggregates((who) => who.j === 'national'),
      check: (b: unknown) => expect((b as { points: { count: number }[] }).points.at(-1)?.count).toBe(3),
    },
  ],
  // Small multiples: the communes of the province the caller covers (none covered → 403).
  '/v1/multiples': [
    ...['24', '33'].map((prov) => ({
      url: `/v1/multiples?province=${prov}&syndrome=dengue&by=commune&days=7`,
      status: aggregates((who) => who.j === 'national' || prov === '24'),
      check: (b: unknown, who: Exclude<Who, 'nobody'>) =>
        expect((b as { multiples: { key: string }[] }).multiples.map((m) => m.key).sort()).toEqual(
          COMMUNES_OF[who.j](p.units.all().filter((u) => u.provinceCode === prov)).sort(),
        ),
    })),
    ...[A, C].map((c) => ({
      url: `/v1/multiples?by=syndrome&area=${c}&days=7`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) =>
        expect((b as { multiples: { key: string; counts: number[] }[] }).multiples.find((m) => m.key === 'dengue')?.counts.at(-1)).toBe(1),
    })),
  ],
  '/v1/alerts': [
    {
      url: '/v1/alerts',
      status: aggregates(),
      check: (b, who) =>
        expect((b as { alerts: { alert_id: string }[] }).alerts.map((a) => a.alert_id).sort()).toEqual([...ALERTS_OF[who.j]].sort()),
    },
    ...[A, C].map((c) => ({
      url: `/v1/alerts?commune=${c}`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) => expect((b as { alerts: { commune_code: string }[] }).alerts.map((a) => a.commune_code)).toContain(c),
    })),
    ...['24', '33'].map((prov) => ({
      url: `/v1/alerts?commune=${prov}`,
      status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
      check: (b: unknown) => expect((b as { alerts: { alert_id: string }[] }).alerts.map((a) => a.alert_id)).toEqual([`a-P${prov}`]),
    })),
  ],
  // Data quality per hospital (issue 11): counts only, every role; hospitals by the registry's province.
  '/v1/data-quality': [
    {
      url: '/v1/data-quality',
      status: aggregates(),
      check: (b, who) =>
        expect((b as { hospitals: { hospital_id: string }[] }).hospitals.map((h) => h.hospital_id)).toEqual(QUALITY_HOSPITALS_OF[who.j]),
    },
    ...['24', '33'].map((prov) => ({
      url: `/v1/data-quality?province=${prov}`,
      status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
      check: (b: unknown) =>
        expect((b as { hospitals: { hospital_id: string }[] }).hospitals.map((h) => h.hospital_id)).toEqual([`BV-${prov}`]),
    })),
  ],
  // Trends (issue 11): `national` sums the caller's communes (each of A, B, C has one dengue event on 2026-11-20).
  '/v1/trends': [
    {
      url: '/v1/trends?syndrome=dengue&area=national&from=2026-11-20&to=2026-11-20',
      status: aggregates(),
      check: (b, who) =>
        expect((b as { points: { count: number }[] }).points[0]?.count).toBe([A, B, C].filter((c) => covers[who.j](c)).length),
    },
    ...[A, B, C].map((c) => ({
      url: `/v1/trends?syndrome=dengue&area=${c}&from=2026-11-20&to=2026-11-20`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) => expect((b as { points: { count: number }[] }).points[0]?.count).toBe(1),
    })),
    ...['24', '33'].map((prov) => ({
      url: `/v1/trends?syndrome=dengue&area=${prov}&interval=week&from=2026-11-20&to=2026-11-20`,
      status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
      check: (b: unknown) => expect((b as { points: { count: number }[] }).points[0]?.count).toBe(prov === '24' ? 2 : 1),
    })),
  ],
  // The weekly bulletin (a province's counts and alert summaries), every role; as HTML here: the PDF
  // is the same document through Chromium (test/integration/cli/bulletin-cli.test.ts).
  // The weekly bulletin page of the web application (it reads /v1/bulletin, signed in).
  '/bulletin': [{ ...open, url: '/bulletin' }],
  '/bulletin/*': [{ ...open, url: '/bulletin/x' }],
  '/v1/bulletin': ['24', '33'].map((prov) => ({
    url: `/v1/bulletin?province=${prov}&week=2026-W47&format=html`,
    status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
  })),
  '/v1/dead-letters': [
    {
      url: '/v1/dead-letters',
      status: (who) => (deadLetterRoles(who) ? 200 : 403),
      check: (b, who) =>
        expect((b as { rows: { hospital_id: string }[] }).rows.map((r) => r.hospital_id).sort()).toEqual(
          [...DEAD_LETTERS_OF[who.j]].sort(),
        ),
    },
    ...['BV-24', 'BV-33', 'BV-NONE'].map((h) => ({
      url: `/v1/dead-letters?hospital_id=${h}`,
      status: (who: Exclude<Who, 'nobody'>) =>
        deadLetterRoles(who) && (who.j === 'national' || (who.j === 'province24' && h === 'BV-24')) ? 200 : 403,
      check: (b: unknown) => expect((b as { rows: { hospital_id: string }[] }).rows.map((r) => r.hospital_id)).toEqual([h]),
    })),
  ],
};

// Lists and exports (issue 11). An export's body is CSV / NDJSON: its status is checked here,
// its content and scope in test/integration/exports-pipeline.test.ts.
Object.assign(TABLE, {
  '/v1/signals': [
    {
      url: '/v1/signals?from=2026-11-20&to=2026-11-20',
      status: aggregates(),
      check: (b, who) =>
        expect(
          (b as { signals: { algorithm: string }[] }).signals
            .map((s) => s.algorithm)
            .filter((a) => a.startsWith('s-'))
            .sort(),
        ).toEqual(ALERTS_OF[who.j].map((id) => id.replace('a-', 's-')).sort()),
    },
    ...[A, C].map((c) => ({
      url: `/v1/signals?from=2026-11-20&to=2026-11-20&area=${c}`,
      status: aggregates((who) => covers[who.j](c)),
      check: (b: unknown) => expect((b as { signals: { commune_code: string }[] }).signals.map((s) => s.commune_code)).toContain(c),
    })),
    ...['24', '33'].map((prov) => ({
      url: `/v1/signals?from=2026-11-20&to=2026-11-20&area=${prov}&format=csv`,
      status: aggregates((who) => who.j === 'national' || (who.j === 'province24' && prov === '24')),
    })),
    { url: '/v1/signals?from=2026-11-20&to=2026-11-20&format=ndjson', status: aggregates() },
  ],
  '/v1/line-list': [
    ...[A, C].flatMap((c) =>
      ['json', 'csv', 'ndjson'].map((format) => ({
        url: `/v1/line-list?syndrome=dengue&area=${c}&day=2026-11-20&format=${format}`,
        status: (who: Exclude<Who, 'nobody'>) => (permits(who.role, 'read:line_list') && covers[who.j](c) ? 200 : 403),
        ...(format === 'json'
          ? {
              check: (b: unknown) => expect((b as { rows: { commune_code: string }[] }).rows.map((r) => r.commune_code)).toEqual([c]),
            }
          : {}),
      })),
    ),
    ...['24', '33'].map((prov) => ({
      url: `/v1/line-list?syndrome=dengue&area=${prov}&day=2026-11-20`,
      status: (who: Exclude<Who, 'nobody'>) =>
        permits(who.role, 'read:line_list') && (who.j === 'national' || (who.j === 'province24' && prov === '24')) ? 200 : 403,
      check: (b: unknown) => expect((b as { rows: unknown[] }).rows).toHaveLength(prov === '24' ? 2 : 1),
    })),
  ],
} satisfies Record<string, Case[]>);
const insideProvince = (prov: string) => (who: Exclude<Who, 'nobody'>) => who.j === 'national' || (who.j === 'province24' && prov === '24');
TABLE['/v1/alerts']!.push(
  ...(['csv', 'ndjson'] as const).map((format) => ({ url: `/v1/alerts?format=${format}`, status: aggregates() })),
  ...['24', '33'].map((prov) => ({ url: `/v1/alerts?commune=${prov}&format=csv`, status: aggregates(insideProvince(prov)) })),
);
TABLE['/v1/data-quality']!.push(
  ...(['csv', 'ndjson'] as const).map((format) => ({ url: `/v1/data-quality?format=${format}`, status: aggregates() })),
  ...['24', '33'].map((prov) => ({ url: `/v1/data-quality?province=${prov}&format=ndjson`, status: aggregates(insideProvince(prov)) })),
);

/**
 * The GET routes of the app, from fastify's route tree (each checked with hasRoute, so a misparse fails).
 * The radix tree with its shared prefixes: without them a wildcard under a prefix (Swagger UI's
 * `/docs/static/*`) prints as `/docs/*`.
 */
function getRoutes(): string[] {
  const tree = p.app.printRoutes({ method: 'GET' });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \((.+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const parent = stack[depth - 1];
    const path = parent === undefined ? m[2]! : parent === '/' ? `/${m[2]!}` : `${parent}${m[2]!}`;
    stack[depth] = path;
    stack.length = depth + 1;
    if (m[3]?.split(', ').includes('GET')) routes.push(path);
  }
  for (const r of routes) expect(p.app.hasRoute({ method: 'GET', url: r }), `parsed route ${r}`).toBe(true);
  return routes;
}

const alert = (id: string, area_level: Alert['area_level'], code: string, cluster: string[] = []): Alert => ({
  alert_id: id,
  commune_code: code,
  area_level,
  cluster_communes: cluster,
  granularity: area_level === 'province' ? 'week' : 'day',
  syndrome: 'dengue',
  status: 'open',
  level: 'red',
  algorithm: 'test',
  first_day: '2026-11-20',
  last_day: '2026-11-20',
  observed: 9,
  expected: 1,
  threshold: 4,
  p_value: null,
  signal_count: 1,
  opened_at: '2026-11-20T08:00:00.000Z',
  updated_at: '2026-11-20T08:00:00.000Z',
});

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now } });
  await createCallers(p);
  await postAndSettle(
    p,
    [A, B, C].map((c) => encounter({ event_id: `e-${c}`, commune_code: c, occurred_at: '2026-11-20T09:00:00+07:00' })),
  );
  await createAlertStore(p.store, { now: () => now }).insert([
    alert('a-A', 'commune', A),
    alert('a-B', 'commune', B),
    alert('a-C', 'commune', C),
    alert('a-P24', 'province', '24'),
    alert('a-P33', 'province', '33'),
    alert('a-AB', 'cluster', A, [A, B]),
    alert('a-AC', 'cluster', A, [A, C]),
  ]);
  // One signal per alert area, named after it (s-A … s-AC), for GET /v1/signals.
  await createSignalStore(p.store).insertSignals(
    [
      ['s-A', 'commune', A, []],
      ['s-B', 'commune', B, []],
      ['s-C', 'commune', C, []],
      ['s-P24', 'province', '24', []],
      ['s-P33', 'province', '33', []],
      ['s-AB', 'cluster', A, [A, B]],
      ['s-AC', 'cluster', A, [A, C]],
    ].map(([algorithm, area_level, code, cluster]) => ({
      syndrome: 'dengue',
      commune_code: code as string,
      area_level: area_level as 'commune' | 'province' | 'cluster',
      cluster_communes: cluster as string[],
      granularity: area_level === 'province' ? ('week' as const) : ('day' as const),
      day: '2026-11-20',
      algorithm: algorithm as string,
      params: {},
      observed: 9,
      expected: 1,
      upperbound: 4,
      p_value: 0.001,
      score: null,
      alarm: true,
      level: 'red' as const,
    })),
    now,
  );
  await p.hospitals.add({ id: 'BV-24', name: 'Bắc Ninh hospital', provinceCode: '24' });
  await p.hospitals.add({ id: 'BV-33', name: 'Hưng Yên hospital', provinceCode: '33' });
  await p.hospitals.add({ id: 'BV-NONE', name: 'No province' });
  await createDeadLetterStore(p.store).record(
    ['BV-24', 'BV-33', 'BV-NONE', 'BV-UNREGISTERED', ''].map((h) => ({
      source: 'http:/v1/events',
      reason_code: 'VALIDATION_FAILED',
      reason: 'test',
      hospital_id: h,
      event_id: `d-${h}`,
      raw: '{}',
    })),
    now,
  );
});
afterAll(async () => {
  await p?.cleanup();
});

describe('read access: route × role × jurisdiction', () => {
  it('every GET route of the app is in the table, and every row of the table is a route', () => {
    const routes = getRoutes();
    expect(routes).toEqual(expect.arrayContaining(['/healthz', '/v1/counts', '/v1/dead-letters', '/']));
    expect(
      routes.filter((r) => !(r in TABLE)),
      'routes missing from TABLE',
    ).toEqual([]);
    expect(
      Object.keys(TABLE).filter((r) => !routes.includes(r)),
      'TABLE rows that are no route',
    ).toEqual([]);
  });

  const cases = Object.values(TABLE).flat();
  it.each(cases.map((c) => [c.url, c] as const))('%s', async (_url, c) => {
    const problems: string[] = [];
    for (const who of WHO) {
      const res = await p.app.inject({ url: c.url, headers: headersOf(who) });
      const want = c.open ? (c.openStatus ?? 200) : who === 'nobody' ? 401 : c.status(who);
      if (res.statusCode !== want) {
        problems.push(`${label(who)}: ${res.statusCode}, expected ${want}: ${res.body.slice(0, 200)}`);
        continue;
      }
      if (want === 401) expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      if (want === 403) {
        expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/ \/ /) } });
      }
      if (want === 200 && c.check && who !== 'nobody') {
        try {
          c.check(c.url.startsWith('/v1/') ? res.json() : res.body, who);
        } catch (err) {
          problems.push(`${label(who)}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a refusal names the commune and the province in both languages', async () => {
    const officer = credentialsFor('officer', 'province24');
    const commune = await p.app.inject({ url: `/v1/series?syndrome=dengue&commune=${C}`, headers: officer });
    expect(commune.json<{ error: { message: string } }>().error.message).toMatch(
      new RegExp(`commune ${C} \\(Phố Hiến\\) is outside your jurisdiction / xã/phường ${C} \\(Phố Hiến\\) nằm ngoài`),
    );
    const province = await p.app.inject({ url: '/v1/alerts?commune=33', headers: officer });
    expect(province.json<{ error: { message: string } }>().error.message).toMatch(/province 33 \(Hưng Yên\).*tỉnh 33 \(Hưng Yên\)/);
  });

  it('negative control: the checks catch an answer that is not scoped (the national one shown to province 24)', async () => {
    const lists = [
      '/v1/units',
      '/v1/map',
      '/v1/counts?syndrome=dengue&from=2026-11-20&to=2026-11-20',
      '/v1/alerts',
      '/v1/dead-letters',
      '/v1/data-quality',
    ];
    for (const url of lists) {
      const c = Object.values(TABLE)
        .flat()
        .find((x) => x.url === url)!;
      const unscoped = (await p.app.inject({ url, headers: credentialsFor('admin', 'national') })).json<unknown>();
      expect(() => c.check!(unscoped, { role: 'admin', j: 'national' }), url).not.toThrow();
      expect(() => c.check!(unscoped, { role: 'admin', j: 'province24' }), url).toThrow();
    }
  });
});
