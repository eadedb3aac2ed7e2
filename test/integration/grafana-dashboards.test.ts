import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLICKHOUSE, POSTGRES, PROMETHEUS, bundledUnits, grafanaDashboards, provinceValue } from '../../dashboards/grafana/build.ts';
import { expandGrafanaQuery, type Dialect, type MacroContext } from '../helpers/grafana-macros.ts';
import { encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { readConfig } from '../../cli/config.ts';

// The Grafana dashboards (issue 11) against the real pipeline: every ClickHouse query of
// dashboards/grafana/*.json, its macros and variables expanded as Grafana would, runs on the
// pipeline's embedded store after real events (twelve quiet days, then a dengue spike that opens
// an alert) and answers rows with the columns its panel declares (`ewsExpectedColumns`); the
// PostgreSQL panel runs on the pipeline's operational store (PGlite); every metric a PromQL
// expression names is in the pipeline's /metrics, and every `by (…)` label one its samples
// carry. Negative controls: a query naming a missing column, one answering other columns or no
// rows, a metric the pipeline does not expose and a label it does not carry all fail.

type Json = Record<string, unknown>;
type P = Awaited<ReturnType<typeof startTestPipeline>>;
const DIR = new URL('../../dashboards/grafana/', import.meta.url);
const METRICS_TOKEN = 'test-metrics-token-0123456789abcdefghij';
const COMMUNE = '09187'; // Kinh Bắc, Bắc Ninh (24)
const now = Date.parse('2026-11-20T12:00:00+07:00');

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const dashboards: [string, Json][] = files.map((f) => [f, JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Json]);
const panelsOf = (d: Json) => d['panels'] as Json[];
const variablesOf = (d: Json) => (d['templating'] as { list: Json[] }).list;
const targetsOf = (d: Json) => panelsOf(d).flatMap((panel) => (panel['targets'] as Json[]).map((target) => ({ panel, target })));
const uidOf = (x: Json) => (x['datasource'] as { uid: string }).uid;

const baseContext = (variables: Record<string, string>): MacroContext => ({
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-11-21T00:00:00Z'),
  intervalSeconds: 3600,
  variables,
});

describe('expandGrafanaQuery', () => {
  const c = baseContext({ commune: '09187', odd: "a'b", province: '24|07627' });
  it.each<[string, Dialect, string]>([
    ['$__timeFilter(opened_at)', 'clickhouse', 'opened_at >= toDateTime(1793491200) AND opened_at <= toDateTime(1795219200)'],
    ['$__timeFilter( updated_at )', 'postgres', "updated_at BETWEEN '2026-11-01T00:00:00Z' AND '2026-11-21T00:00:00Z'"],
    ['$__dateFilter(day)', 'clickhouse', "day >= toDate('2026-11-01') AND day <= toDate('2026-11-21')"],
    ['$__fromTime < $__toTime', 'clickhouse', 'toDateTime(1793491200) < toDateTime(1795219200)'],
    ['$__interval_s', 'clickhouse', '3600'],
    ['rate(x[$__rate_interval]) or rate(x[$__interval])', 'promql', 'rate(x[14400s]) or rate(x[3600s])'],
    ['c = ${commune}', 'clickhouse', 'c = 09187'],
    ['c = $commune', 'clickhouse', 'c = 09187'],
    ['c = [[commune]]', 'clickhouse', 'c = 09187'],
    ['c = ${commune:singlequote}', 'clickhouse', "c = '09187'"],
    ['c = ${odd:singlequote}', 'clickhouse', "c = 'a\\'b'"],
    ["has(splitByChar('|', ${province:singlequote}), x)", 'clickhouse', "has(splitByChar('|', '24|07627'), x)"],
  ])('%s (%s) → %s', (query, dialect, expected) => {
    expect(expandGrafanaQuery(query, c, dialect)).toBe(expected);
  });
  it.each<[string, Dialect, RegExp]>([
    ['$__unknownMacro(x)', 'clickhouse', /unknown Grafana macro \$__unknownMacro\(\)/],
    ['$__unknown', 'clickhouse', /unknown Grafana macro \$__unknown/],
    ['${missing}', 'clickhouse', /no value for the template variable missing/],
    ['${commune:csv}', 'clickhouse', /unknown variable format commune:csv/],
    ['$__dateFilter(day)', 'postgres', /ClickHouse macro/],
  ])('%s (%s) throws', (query, dialect, error) => {
    expect(() => expandGrafanaQuery(query, c, dialect)).toThrow(error);
  });
});

/** docker-compose.yml's interpolation of one value: `${VAR:-default}` (nested), `${VAR:?message}`, `${VAR}`. */
function interpolate(value: string, env: Record<string, string>): string {
  let out = value;
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(/\$\{(\w+)(?::([-?])([^${}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
      if (Object.hasOwn(env, name) && env[name] !== '') return env[name]!;
      if (op === '-') return arg ?? '';
      if (op === '?') throw new Error(`${name}: ${arg ?? ''}`);
      return '';
    });
  }
  return out;
}

describe('the dashboard files', () => {
  it('are the four of issue 11, as dashboards/grafana/build.ts writes them (no hand edits, no drift)', () => {
    expect(files.sort()).toEqual(['alerts.json', 'commune-trends.json', 'pipeline-health.json', 'province-overview.json']);
    const built = grafanaDashboards(bundledUnits());
    for (const [file, d] of dashboards) expect(d, `${file}: run node --import tsx dashboards/grafana/build.ts`).toEqual(built[file]);
  });

  it('offer each province of the unit registry as its code and its communes, as Grafana parses the custom variable', () => {
    const units = bundledUnits();
    for (const [file, d] of dashboards) {
      const v = variablesOf(d).find((x) => x['name'] === 'province');
      if (file === 'pipeline-health.json') {
        expect(v).toBeUndefined();
        continue;
      }
      // Grafana splits a custom variable's query on unescaped commas, then each option on " : ".
      const parsed = (v!['query'] as string).match(/(?:\\,|[^,])+/g)!.map((o) => {
        const m = /^\s*(.+)\s:\s(.+)$/.exec(o)!;
        return { text: m[1]!.trim(), value: m[2]!.trim() };
      });
      expect(parsed, file).toEqual((v!['options'] as Json[]).map((o) => ({ text: o['text'], value: o['value'] })));
      expect(parsed.map((o) => o.text)).toEqual(['Bắc Ninh (24)', 'Hưng Yên (33)']);
      for (const [i, code] of ['24', '33'].entries()) {
        const codes = parsed[i]!.value.split('|');
        expect(codes[0]).toBe(code);
        expect(codes.slice(1).sort()).toEqual(
          units
            .filter((u) => u.provinceCode === code)
            .map((u) => u.code)
            .sort(),
        );
      }
      expect(parsed[0]!.value.split('|')).toContain(COMMUNE);
      expect(parsed[1]!.value.split('|')).not.toContain(COMMUNE);
    }
  });

  it('use only the provisioned datasources, and every panel declares the columns it reads', () => {
    const provisioned = parseYaml(readFileSync(new URL('provisioning/datasources/ews.yaml', DIR), 'utf8')) as { datasources: Json[] };
    const byUid = new Map(provisioned.datasources.map((ds) => [ds['uid'] as string, ds['type'] as string]));
    expect(Object.fromEntries(byUid)).toEqual({
      [CLICKHOUSE.uid]: CLICKHOUSE.type,
      [PROMETHEUS.uid]: PROMETHEUS.type,
      [POSTGRES.uid]: POSTGRES.type,
    });
    for (const [file, d] of dashboards) {
      for (const { panel, target } of targetsOf(d)) {
        const ds = target['datasource'] as { uid: string; type: string };
        expect(byUid.get(ds.uid), `${file} ${String(panel['title'])}`).toBe(ds.type);
        if (ds.uid !== PROMETHEUS.uid) expect((target['ewsExpectedColumns'] as string[]).length).toBeGreaterThan(0);
      }
      for (const v of variablesOf(d).filter((x) => x['type'] === 'query')) expect(uidOf(v)).toBe(CLICKHOUSE.uid);
    }
  });

  it('are mounted into the grafana service of docker-compose.yml, with the ClickHouse plugin and a Prometheus that scrapes ews', () => {
    const compose = parseYaml(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
      services: Record<string, { image?: string; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
    };
    const grafana = compose.services['grafana']!;
    expect(grafana.image).toMatch(/^grafana\/grafana:/);
    expect(grafana.environment!['GF_INSTALL_PLUGINS']).toContain(CLICKHOUSE.type);
    expect(grafana.ports).toContain('3000:3000');
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './dashboards/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro',
        './dashboards/grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro',
        './dashboards/grafana:/var/lib/grafana/dashboards/ews:ro',
      ]),
    );
    const providers = parseYaml(readFileSync(new URL('provisioning/dashboards/ews.yaml', DIR), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    expect(providers.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards/ews');
    // Every variable the provisioned datasources read is set on the grafana service.
    const dsText = readFileSync(new URL('provisioning/datasources/ews.yaml', DIR), 'utf8');
    for (const [, name] of dsText.matchAll(/\$\{(\w+)\}/g)) expect(grafana.environment, name).toHaveProperty(name!);
    // Prometheus scrapes the metrics listener every ews process opens.
    expect(compose.services['prometheus']!.volumes).toContain(
      './dashboards/grafana/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    const prom = parseYaml(readFileSync(new URL('prometheus/prometheus.yml', DIR), 'utf8')) as {
      scrape_configs: { static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const port = compose.services['ews']!.environment!['EWS_METRICS_PORT'];
    expect(String(port)).toBe('9464');
    expect(prom.scrape_configs[0]!.static_configs![0]!.targets).toEqual([`ews:${port}`]);
    expect(prom.scrape_configs[1]!.dns_sd_configs![0]).toMatchObject({ names: ['processor'], port: Number(port) });
  });

  it("docker-compose.yml's ews and processor environments are configurations the pipeline accepts, with the metrics listener Prometheus scrapes", () => {
    const compose = parseYaml(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
      services: Record<string, { environment: Record<string, string | number> }>;
    };
    const given = { EWS_PSEUDONYM_KEY: 'compose-test-key-0123456789abcdef', GRAFANA_ADMIN_PASSWORD: 'x' };
    for (const service of ['ews', 'processor']) {
      const env = Object.fromEntries(
        Object.entries(compose.services[service]!.environment).map(([k, v]) => [k, interpolate(String(v), given)]),
      );
      const config = readConfig({ ...env, EWS_DATA_DIR: '/data' });
      expect(config.EWS_METRICS_PORT, service).toBe(9464);
      expect(config.EWS_METRICS_HOST, service).toBe('0.0.0.0');
      expect(config.DATABASE_URL, service).toBe('postgres://ews:ews@postgres:5432/ews');
      expect(config.CLICKHOUSE_URL, service).toBe('http://clickhouse:8123');
    }
    expect(() => interpolate('${EWS_PSEUDONYM_KEY:?set the key}', {})).toThrow(/set the key/);
    expect(interpolate('${A:-${B:-ews}}', { B: 'b' })).toBe('b');
  });
});

let p: P;
const dengue = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => encounter({ event_id: `d-${date}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }));

beforeAll(async () => {
  p = await startTestPipeline({ clock: { now: () => now }, env: { EWS_METRICS_TOKEN: METRICS_TOKEN } });
  const quiet = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);
  await postAndSettle(
    p,
    quiet.flatMap((d, i) => dengue(d, i % 2)),
  );
  await postAndSettle(p, dengue('2026-11-20', 9));
  // One of each refusal, so the ingest counters the health dashboard breaks down have samples:
  // a duplicate, an event without its commune, a request without a key.
  await postAndSettle(p, [...dengue('2026-11-20', 1), encounter({ event_id: 'no-commune', commune_code: undefined })]);
  const anonymous = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/json' },
    payload: '[]',
  });
  expect(anonymous.statusCode).toBe(401);
}, 120_000);
afterAll(async () => {
  await p?.cleanup();
});

/** Runs one ClickHouse query; its column names (from the answer's metadata) and row count. */
async function runClickHouse(sql: string): Promise<{ columns: string[]; rows: number }> {
  const rs = await p.store.query({ query: sql, format: 'JSON' });
  const body = await rs.json<Json>();
  return { columns: body.meta!.map((m) => m.name), rows: body.data.length };
}

/** The check each panel query must pass: it runs, answers rows, and its columns are the declared ones. */
async function checkClickHouseQuery(sql: string, expected: readonly string[]): Promise<void> {
  const { columns, rows } = await runClickHouse(sql);
  expect(columns, sql).toEqual(expected);
  expect(rows, `no rows: ${sql}`).toBeGreaterThan(0);
}

/** The values Grafana would offer, resolved in order: each query variable's first answer that exists. */
async function resolveVariables(d: Json): Promise<Record<string, string>> {
  const values: Record<string, string> = { province: provinceValue('24', bundledUnits()) };
  for (const v of variablesOf(d)) {
    const name = v['name'] as string;
    if (v['type'] === 'custom' && v['includeAll'] === true) values[name] = v['allValue'] as string;
    if (v['type'] !== 'query') continue;
    const sql = expandGrafanaQuery(v['query'] as string, baseContext(values), 'clickhouse');
    const rs = await p.store.query({ query: sql, format: 'JSONEachRow' });
    const rows = await rs.json<Record<string, string>>();
    expect(rows.length, `variable ${name}: ${sql}`).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(v['ewsExpectedColumns']);
    const column = (v['ewsExpectedColumns'] as string[])[0]!;
    // The series the events made: the commune posted, the syndrome of A90.
    const wanted = { commune: COMMUNE }[name];
    values[name] = wanted ?? rows.map((r) => r[column]!).find((x) => x !== '')!;
    if (wanted !== undefined) expect(rows.map((r) => r[column])).toContain(wanted);
  }
  return values;
}

describe('every ClickHouse query of the dashboards, on the real store', () => {
  const cases = dashboards.flatMap(([file, d]) =>
    targetsOf(d)
      .filter(({ target }) => uidOf(target) === CLICKHOUSE.uid)
      .map(({ panel, target }) => [`${file} · ${String(panel['title'])} · ${String(target['refId'])}`, d, target] as const),
  );
  it('there are queries to run', () => expect(cases.length).toBeGreaterThanOrEqual(8));
  it.each(cases)('%s', async (_, d, target) => {
    const values = await resolveVariables(d);
    const sql = expandGrafanaQuery(target['rawSql'] as string, baseContext(values), 'clickhouse');
    await checkClickHouseQuery(sql, target['ewsExpectedColumns'] as string[]);
  });

  it('the commune-trends variables pick the posted commune, a syndrome (not a denominator) and a detector', async () => {
    const values = await resolveVariables(dashboards.find(([f]) => f === 'commune-trends.json')![1]);
    expect(values['commune']).toBe(COMMUNE);
    expect(values['syndrome']).not.toMatch(/^_/);
    expect(values['algorithm']).toMatch(/\w/);
  });

  it('negative controls: a query naming a missing column, and one answering other columns, fail the check', async () => {
    await expect(
      checkClickHouseQuery('SELECT toDateTime(day) AS time, no_such_column FROM syndrome_counts', ['time', 'no_such_column']),
    ).rejects.toThrow(/no_such_column/);
    await expect(
      checkClickHouseQuery('SELECT toDateTime(day) AS time, uniqExactMerge(events) AS n FROM syndrome_counts GROUP BY day', [
        'time',
        'observed',
      ]),
    ).rejects.toThrow(/expected/);
    await expect(checkClickHouseQuery("SELECT level FROM alerts FINAL WHERE level = 'none'", ['level'])).rejects.toThrow(/no rows/);
  });
});

describe('the alerts dashboard level and status filters', () => {
  it.each([
    ['red', 'open', true],
    ['all', 'open', true],
    ['yellow', 'all', false],
    ['red', 'closed', false],
  ] as const)('level %s, status %s: the spike’s red open alert is %s in both tables', async (level, status, shown) => {
    const d = dashboards.find(([f]) => f === 'alerts.json')![1];
    const values = { ...(await resolveVariables(d)), level, status };
    const [detector, lifecycle] = targetsOf(d)
      .filter(({ panel }) => /^(Detector|Lifecycle) alerts/.test(String(panel['title'])))
      .map(({ target }) => target);
    const ch = await runClickHouse(expandGrafanaQuery(detector!['rawSql'] as string, baseContext(values), 'clickhouse'));
    const pgRows = (await p.operational.query(expandGrafanaQuery(lifecycle!['rawSql'] as string, baseContext(values), 'postgres'))).rows;
    expect(ch.rows > 0).toBe(shown);
    expect(pgRows.length > 0).toBe(shown);
  });
});

describe('the PostgreSQL panels (lifecycle_alerts), on the operational store', () => {
  const cases = dashboards.flatMap(([file, d]) =>
    targetsOf(d)
      .filter(({ target }) => uidOf(target) === POSTGRES.uid)
      .map(({ panel, target }) => [`${file} · ${String(panel['title'])} · ${String(target['refId'])}`, d, target] as const),
  );
  // The alerts dashboard's lifecycle table and the province overview's open alerts (the officers' alerts, not the detectors').
  it('there are queries to run', () =>
    expect(cases.map(([name]) => name.split(' · ')[0]).sort()).toEqual(['alerts.json', 'province-overview.json']));
  it.each(cases)('%s runs and answers the declared columns for the spike’s lifecycle alert', async (_, d, target) => {
    const values = await resolveVariables(d);
    const sql = expandGrafanaQuery(target['rawSql'] as string, baseContext(values), 'postgres');
    const { rows } = await p.operational.query(sql);
    expect(rows.length, sql).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(target['ewsExpectedColumns']);
  });
});

describe('every PromQL expression names metrics the pipeline exposes', () => {
  let exposed: Set<string>;
  beforeAll(async () => {
    const res = await p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    exposed = exposedSeriesNames(res.body);
  });
  let labels: Map<string, Set<string>>;
  beforeAll(async () => {
    const res = await p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    labels = sampleLabels(res.body);
  });
  // Labels Prometheus adds (the scrape target's, prometheus.yml) and a histogram's buckets.
  const TARGET_LABELS = new Set(['instance', 'job', 'role', 'le']);
  /** `by (…)` labels the metrics of an expression do not carry; metrics without samples are returned apart. */
  const labelCheck = (expr: string) => {
    const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
    const metrics = [...new Set([...expr.matchAll(/\bews_\w+/g)].map((m) => m[0]))];
    const missing: string[] = [];
    const unsampled: string[] = [];
    for (const metric of metrics) {
      const seen = labels.get(metric);
      if (seen === undefined) unsampled.push(metric);
      else for (const l of grouped) if (!TARGET_LABELS.has(l) && !seen.has(l)) missing.push(`${metric} has no label ${l}`);
    }
    return { missing, unsampled };
  };
  const promExprs = dashboards.flatMap(([, d]) =>
    targetsOf(d)
      .filter(({ target }) => uidOf(target) === PROMETHEUS.uid)
      .map(({ target }) => target['expr'] as string),
  );

  it('every `by (…)` label is one the metric carries (where the scrape has samples of it)', () => {
    const unsampled = new Set<string>();
    for (const expr of promExprs) {
      const { missing, unsampled: u } = labelCheck(expr);
      expect(missing, expr).toEqual([]);
      for (const m of u) unsampled.add(m);
    }
    // Only the labelled counters of what did not happen here: deliveries (no officer has a
    // channel), processor failures and dead letters (the refused event stopped at ingest).
    expect([...unsampled].sort()).toEqual([
      'ews_alerts_notification_retries_total',
      'ews_alerts_notifications_failed_total',
      'ews_alerts_notifications_sent_total',
      'ews_processors_batch_failures_total',
      'ews_processors_events_deadlettered_total',
      'ews_processors_store_refused_total',
    ]);
    // Negative control.
    expect(labelCheck('sum by (province) (rate(ews_ingest_events_accepted_total[5m]))').missing).toEqual([
      'ews_ingest_events_accepted_total has no label province',
    ]);
  });

  const unknownMetrics = (expr: string) => [...expr.matchAll(/\bews_\w+/g)].map((m) => m[0]).filter((name) => !exposed.has(name));

  it('the pipeline-health dashboard covers ingest, processors, detection and notifications', () => {
    const exprs = dashboards.flatMap(([, d]) =>
      targetsOf(d)
        .filter(({ target }) => uidOf(target) === PROMETHEUS.uid)
        .map(({ target }) => target['expr'] as string),
    );
    for (const metric of [
      'ews_ingest_events_accepted_total',
      'ews_ingest_events_rejected_total',
      'ews_processors_lag',
      'ews_processors_detection_run_seconds_bucket',
      'ews_alerts_notifications_sent_total',
      'ews_alerts_notifications_failed_total',
      'ews_alerts_notifications_pending',
    ])
      expect(
        exprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
  });

  it.each(
    dashboards.flatMap(([file, d]) =>
      targetsOf(d)
        .filter(({ target }) => uidOf(target) === PROMETHEUS.uid)
        .map(
          ({ panel, target }) => [`${file} · ${String(panel['title'])} · ${String(target['refId'])}`, target['expr'] as string] as const,
        ),
    ),
  )('%s', (_, expr) => {
    expect(expr).toMatch(/\bews_\w+/);
    expect(unknownMetrics(expr)).toEqual([]);
    // The macros it uses are ones Grafana expands.
    expandGrafanaQuery(expr, baseContext({}), 'promql');
  });

  it('negative control: a metric the pipeline does not expose is reported', () => {
    expect(unknownMetrics('sum(rate(ews_ingest_events_accepted_total[5m])) / sum(rate(ews_no_such_metric_total[5m]))')).toEqual([
      'ews_no_such_metric_total',
    ]);
  });
});

/** The label names of each series name that has samples in a scrape. */
function sampleLabels(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})? /.exec(line);
    if (!m) continue;
    const set = out.get(m[1]!) ?? new Set<string>();
    for (const [, name] of (m[2] ?? '').matchAll(/(\w+)="/g)) set.add(name!);
    out.set(m[1]!, set);
  }
  return out;
}

/** Series names a scrape offers: those with samples, and for a histogram or summary declared by # TYPE, its _bucket/_sum/_count. */
function exposedSeriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\w+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(type[1]! + s);
      if (type[2] === 'summary') for (const s of ['_sum', '_count']) names.add(type[1]! + s);
    } else if (/^\w/.test(line)) names.add(/^\w+/.exec(line)![0]);
  }
  return names;
}
