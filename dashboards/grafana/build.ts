// The Grafana dashboards of issue 11, written as data: `node --import tsx dashboards/grafana/build.ts`
// writes dashboards/grafana/*.json (provisioned by dashboards/grafana/provisioning/). The
// province variable lists the provinces of the unit registry (default the bundled
// schemas/units/demo-units.csv; `build.ts path/to/units.csv` for another), each with the set
// of codes it stands for: its own code and its communes' codes, '|'-separated. A province
// alert carries the province code in `commune_code`, a commune's counts and alerts the
// commune code, so one `has(splitByChar('|', ${province:singlequote}), commune_code)` selects
// both. test/integration/grafana-dashboards.test.ts runs every ClickHouse query against the
// real store and checks each answers the columns in its `ewsExpectedColumns`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { BUNDLED_UNITS_CSV, parseUnitsCsv, type Unit } from '../../schemas/units/registry.ts';
import { ALERT_STATUSES } from '../../schemas/alerts.ts';
import { ACTIVE_STATUSES, LIFECYCLE_STATUSES } from '../../schemas/alert-lifecycle.ts';

export const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: 'ews-clickhouse' } as const;
export const PROMETHEUS = { type: 'prometheus', uid: 'ews-prometheus' } as const;
export const POSTGRES = { type: 'grafana-postgresql-datasource', uid: 'ews-postgres' } as const;

type Json = Record<string, unknown>;
type Grid = { h: number; w: number; x: number; y: number };

/** The ClickHouse plugin's query formats (its `Format` enum). */
const FORMAT = { timeseries: 0, table: 1 } as const;

/** A ClickHouse SQL target; `columns` are the columns the panel reads (checked by the test). */
function ch(refId: string, rawSql: string, format: keyof typeof FORMAT, columns: readonly string[]): Json {
  return {
    refId,
    datasource: CLICKHOUSE,
    editorType: 'sql',
    queryType: format === 'timeseries' ? 'timeseries' : 'table',
    format: FORMAT[format],
    rawSql: dedent(rawSql),
    ewsExpectedColumns: [...columns],
  };
}

function prom(refId: string, expr: string, legendFormat: string): Json {
  return { refId, datasource: PROMETHEUS, expr, legendFormat, range: true };
}

function pg(refId: string, rawSql: string, columns: readonly string[]): Json {
  return {
    refId,
    datasource: POSTGRES,
    editorMode: 'code',
    format: 'table',
    rawQuery: true,
    rawSql: dedent(rawSql),
    ewsExpectedColumns: [...columns],
  };
}

function dedent(sql: string): string {
  const lines = sql.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

let panelId = 0;
function panel(type: string, title: string, gridPos: Grid, targets: Json[], extra: Json = {}): Json {
  panelId += 1;
  const datasource = targets[0]!['datasource'];
  return { id: panelId, type, title, gridPos, datasource, targets, ...extra };
}

function dashboard(uid: string, title: string, variables: Json[], panels: Json[], time = { from: 'now-30d', to: 'now' }): Json {
  return {
    uid,
    title,
    tags: ['ews'],
    timezone: 'Asia/Ho_Chi_Minh',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '5m',
    time,
    templating: { list: variables },
    panels,
  };
}

/** `24|07627|07615|…`: the province code and its communes' codes (see the file comment). */
export function provinceValue(province: string, units: readonly Unit[]): string {
  return [province, ...units.filter((u) => u.provinceCode === province).map((u) => u.code)].join('|');
}

function provinceVariable(units: readonly Unit[]): Json {
  const provinces = [...new Map(units.map((u) => [u.provinceCode, u.provinceName])).entries()].sort(([a], [b]) => a.localeCompare(b));
  const options = provinces.map(([code, name], i) => ({ text: `${name} (${code})`, value: provinceValue(code, units), selected: i === 0 }));
  return {
    name: 'province',
    label: 'Province / Tỉnh',
    type: 'custom',
    // Grafana's custom-variable syntax: `text : value`, comma-separated.
    query: options.map((o) => `${o.text} : ${o.value}`).join(', '),
    options,
    current: { text: options[0]?.text ?? '', value: options[0]?.value ?? '' },
    hide: 0,
  };
}

function chVariable(name: string, label: string, rawSql: string, column: string): Json {
  const query = dedent(rawSql);
  return {
    name,
    label,
    type: 'query',
    datasource: CLICKHOUSE,
    query,
    definition: query,
    refresh: 1,
    sort: 1,
    hide: 0,
    ewsExpectedColumns: [column],
  };
}

function customVariable(name: string, label: string, values: readonly string[]): Json {
  return {
    name,
    label,
    type: 'custom',
    query: values.join(','),
    includeAll: true,
    allValue: 'all',
    current: { text: 'All', value: '$__all' },
    options: [],
    hide: 0,
  };
}

/** A field override showing a unit's name beside its code (a Grafana value mapping; provinces too). */
function unitNames(field: string, units: readonly Unit[]): Json {
  const options: Record<string, { text: string; index: number }> = {};
  let index = 0;
  for (const u of units) options[u.code] = { text: `${u.name} (${u.code})`, index: index++ };
  for (const [code, name] of new Map(units.map((u) => [u.provinceCode, u.provinceName])))
    options[code] = { text: `${name} (${code})`, index: index++ };
  return { matcher: { id: 'byName', options: field }, properties: [{ id: 'mappings', value: [{ type: 'value', options }] }] };
}

const IN_PROVINCE = "has(splitByChar('|', ${province:singlequote}), commune_code)";
const SYNDROMES_ONLY = "NOT startsWith(syndrome, '_')"; // `_visits`, `_tests`: denominators

function provinceOverview(units: readonly Unit[]): Json {
  panelId = 0;
  return dashboard(
    'ews-province-overview',
    'EWS · Province overview',
    [provinceVariable(units)],
    [
      panel(
        'timeseries',
        'Events per syndrome per day',
        { h: 10, w: 16, x: 0, y: 0 },
        [
          ch(
            'A',
            `
            SELECT toDateTime(day) AS time, syndrome, uniqExactMerge(events) AS events
            FROM syndrome_counts
            WHERE ${IN_PROVINCE} AND $__dateFilter(day) AND ${SYNDROMES_ONLY}
            GROUP BY day, syndrome
            ORDER BY time, syndrome`,
            'timeseries',
            ['time', 'syndrome', 'events'],
          ),
        ],
        { fieldConfig: { defaults: { custom: { drawStyle: 'bars', stacking: { mode: 'normal' } } }, overrides: [] } },
      ),
      panel(
        'stat',
        'Open alerts by level',
        { h: 10, w: 8, x: 16, y: 0 },
        [
          pg(
            'A',
            `
            SELECT level, count(*) AS alerts
            FROM lifecycle_alerts
            WHERE provinces && string_to_array(\${province:singlequote}, '|')
              AND status IN (${ACTIVE_STATUSES.map((x) => `'${x}'`).join(', ')})
            GROUP BY level
            ORDER BY level = 'red' DESC`,
            ['level', 'alerts'],
          ),
        ],
        {
          options: {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true },
            colorMode: 'background',
            textMode: 'value_and_name',
          },
          fieldConfig: { defaults: { color: { mode: 'fixed', fixedColor: 'orange' } }, overrides: [] },
        },
      ),
      panel(
        'table',
        'Top communes (syndromic events in the time range)',
        { h: 10, w: 24, x: 0, y: 10 },
        [
          ch(
            'A',
            `
            SELECT commune_code AS commune,
                   uniqExactMergeIf(events, ${SYNDROMES_ONLY}) AS syndromic_events,
                   uniqExactMergeIf(events, syndrome = '_visits') AS visits,
                   round(100 * syndromic_events / nullIf(visits, 0), 1) AS percent_of_visits
            FROM syndrome_counts
            WHERE ${IN_PROVINCE} AND $__dateFilter(day)
            GROUP BY commune_code
            ORDER BY syndromic_events DESC, commune
            LIMIT 20`,
            'table',
            ['commune', 'syndromic_events', 'visits', 'percent_of_visits'],
          ),
        ],
        { fieldConfig: { defaults: {}, overrides: [unitNames('commune', units)] } },
      ),
    ],
  );
}

const SERIES = 'commune_code = ${commune:singlequote} AND syndrome = ${syndrome:singlequote}';
const SIGNAL_SERIES = `${SERIES} AND algorithm = \${algorithm:singlequote} AND granularity = 'day' AND area_level = 'commune'`;

function communeTrends(units: readonly Unit[]): Json {
  panelId = 0;
  return dashboard(
    'ews-commune-trends',
    'EWS · Commune trends',
    [
      provinceVariable(units),
      chVariable(
        'commune',
        'Commune / Xã',
        `
        SELECT DISTINCT commune_code FROM syndrome_counts
        WHERE ${IN_PROVINCE}
        ORDER BY commune_code`,
        'commune_code',
      ),
      chVariable(
        'syndrome',
        'Syndrome',
        `
        SELECT DISTINCT syndrome FROM syndrome_counts
        WHERE ${SYNDROMES_ONLY}
        ORDER BY syndrome`,
        'syndrome',
      ),
      chVariable(
        'algorithm',
        'Detector',
        `
        SELECT DISTINCT algorithm FROM signals
        WHERE ${SERIES} AND granularity = 'day' AND area_level = 'commune'
        ORDER BY algorithm`,
        'algorithm',
      ),
    ],
    [
      panel(
        'timeseries',
        'Daily count, expected and threshold · ${commune} · ${syndrome} · ${algorithm}',
        { h: 12, w: 24, x: 0, y: 0 },
        [
          ch(
            'A',
            `
            SELECT toDateTime(day) AS time, uniqExactMerge(events) AS observed
            FROM syndrome_counts
            WHERE ${SERIES} AND $__dateFilter(day)
            GROUP BY day
            ORDER BY time`,
            'timeseries',
            ['time', 'observed'],
          ),
          ch(
            'B',
            `
            SELECT toDateTime(day) AS time, expected, upperbound AS threshold
            FROM signals FINAL
            WHERE ${SIGNAL_SERIES} AND $__dateFilter(day)
            ORDER BY time`,
            'timeseries',
            ['time', 'expected', 'threshold'],
          ),
          ch(
            'C',
            `
            SELECT toDateTime(day) AS time, observed AS alarm
            FROM signals FINAL
            WHERE ${SIGNAL_SERIES} AND alarm AND $__dateFilter(day)
            ORDER BY time`,
            'timeseries',
            ['time', 'alarm'],
          ),
        ],
        {
          fieldConfig: {
            defaults: {},
            overrides: [
              { matcher: { id: 'byName', options: 'observed' }, properties: [{ id: 'custom.drawStyle', value: 'bars' }] },
              {
                matcher: { id: 'byName', options: 'threshold' },
                properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
              },
              {
                matcher: { id: 'byName', options: 'alarm' },
                properties: [
                  { id: 'custom.drawStyle', value: 'points' },
                  { id: 'custom.pointSize', value: 10 },
                  { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
                ],
              },
            ],
          },
        },
      ),
      panel('table', 'Detector output per day', { h: 10, w: 24, x: 0, y: 12 }, [
        ch(
          'A',
          `
            SELECT day, observed, expected, upperbound AS threshold, p_value, score, alarm, level
            FROM signals FINAL
            WHERE ${SIGNAL_SERIES} AND $__dateFilter(day)
            ORDER BY day DESC`,
          'table',
          ['day', 'observed', 'expected', 'threshold', 'p_value', 'score', 'alarm', 'level'],
        ),
      ]),
    ],
  );
}

const LEVEL_FILTER = "(${level:singlequote} = 'all' OR level = ${level:singlequote})";
const STATUS_FILTER = "(${status:singlequote} = 'all' OR status = ${status:singlequote})";

function alertsDashboard(units: readonly Unit[]): Json {
  panelId = 0;
  return dashboard(
    'ews-alerts',
    'EWS · Alerts',
    [
      provinceVariable(units),
      customVariable('level', 'Level', ['red', 'yellow']),
      // The detector alerts' statuses, then the lifecycle's others (one variable filters both tables).
      customVariable('status', 'Status', [...new Set<string>([...ALERT_STATUSES, ...LIFECYCLE_STATUSES])]),
    ],
    [
      panel('table', 'Alerts by level and status (detector alerts, ClickHouse)', { h: 6, w: 24, x: 0, y: 0 }, [
        ch(
          'A',
          `
            SELECT status, countIf(level = 'red') AS red, countIf(level = 'yellow') AS yellow, count() AS total
            FROM alerts FINAL
            WHERE (${IN_PROVINCE} OR hasAny(cluster_communes, splitByChar('|', \${province:singlequote})))
              AND (status = 'open' OR $__timeFilter(updated_at))
            GROUP BY status
            ORDER BY status`,
          'table',
          ['status', 'red', 'yellow', 'total'],
        ),
      ]),
      panel(
        'table',
        'Detector alerts (latest version of each)',
        { h: 12, w: 24, x: 0, y: 6 },
        [
          ch(
            'A',
            `
            SELECT alert_id, level, status, syndrome, area_level, commune_code AS area, algorithm,
                   first_day, last_day, observed, expected, threshold, p_value, signal_count, opened_at, updated_at
            FROM alerts FINAL
            WHERE (${IN_PROVINCE} OR hasAny(cluster_communes, splitByChar('|', \${province:singlequote})))
              AND ${LEVEL_FILTER} AND ${STATUS_FILTER}
              AND (status = 'open' OR $__timeFilter(updated_at))
            ORDER BY level = 'red' DESC, opened_at DESC
            LIMIT 500`,
            'table',
            [
              'alert_id',
              'level',
              'status',
              'syndrome',
              'area_level',
              'area',
              'algorithm',
              'first_day',
              'last_day',
              'observed',
              'expected',
              'threshold',
              'p_value',
              'signal_count',
              'opened_at',
              'updated_at',
            ],
          ),
        ],
        {
          fieldConfig: {
            defaults: {},
            overrides: [
              unitNames('area', units),
              {
                matcher: { id: 'byName', options: 'level' },
                properties: [
                  { id: 'custom.cellOptions', value: { type: 'color-background' } },
                  {
                    id: 'mappings',
                    value: [{ type: 'value', options: { red: { color: 'red', index: 0 }, yellow: { color: 'yellow', index: 1 } } }],
                  },
                ],
              },
            ],
          },
        },
      ),
      panel('table', 'Lifecycle alerts (officers’ workflow, PostgreSQL)', { h: 12, w: 24, x: 0, y: 18 }, [
        pg(
          'A',
          `
            SELECT id, level, status, risk_level, family, area_level, area_code, first_day, last_day,
                   opened_at, updated_at, closed_at, version
            FROM lifecycle_alerts
            WHERE provinces && string_to_array(\${province:singlequote}, '|')
              AND ${LEVEL_FILTER} AND ${STATUS_FILTER}
              AND (closed_at IS NULL OR $__timeFilter(updated_at))
            ORDER BY level = 'red' DESC, opened_at DESC
            LIMIT 500`,
          [
            'id',
            'level',
            'status',
            'risk_level',
            'family',
            'area_level',
            'area_code',
            'first_day',
            'last_day',
            'opened_at',
            'updated_at',
            'closed_at',
            'version',
          ],
        ),
      ]),
    ],
  );
}

const RATE = '[$__rate_interval]';

function pipelineHealth(): Json {
  panelId = 0;
  const ts = (title: string, gridPos: Grid, targets: Json[], unit = 'short') =>
    panel('timeseries', title, gridPos, targets, { fieldConfig: { defaults: { unit }, overrides: [] } });
  return dashboard(
    'ews-pipeline-health',
    'EWS · Pipeline health',
    [],
    [
      ts('Ingest: events per second', { h: 8, w: 12, x: 0, y: 0 }, [
        prom('A', `sum by (schema) (rate(ews_ingest_events_accepted_total${RATE}))`, 'accepted {{schema}}'),
        prom('B', `sum by (schema) (rate(ews_ingest_events_duplicate_total${RATE}))`, 'duplicate {{schema}}'),
      ]),
      ts('Ingest: rejected and unauthenticated per second', { h: 8, w: 12, x: 12, y: 0 }, [
        prom('A', `sum by (reason) (rate(ews_ingest_events_rejected_total${RATE}))`, 'rejected {{reason}}'),
        prom('B', `sum(rate(ews_ingest_unauthenticated_total${RATE}))`, 'unauthenticated'),
      ]),
      ts('Processors: backlog not yet counted (bytes or records)', { h: 8, w: 12, x: 0, y: 8 }, [
        prom('A', 'max by (instance) (ews_processors_lag)', '{{instance}}'),
      ]),
      ts(
        'Processors: stalled for',
        { h: 8, w: 12, x: 12, y: 8 },
        [prom('A', 'max by (instance) (ews_processors_stalled_seconds)', '{{instance}}')],
        's',
      ),
      ts('Processors: events counted and dead-lettered per second', { h: 8, w: 12, x: 0, y: 16 }, [
        prom('A', `sum(rate(ews_processors_events_processed_total${RATE}))`, 'processed'),
        prom('B', `sum(rate(ews_processors_events_deadlettered_total${RATE}))`, 'dead-lettered'),
        prom('C', `sum(rate(ews_processors_store_refused_total${RATE}))`, 'store refused'),
        prom('D', `sum(rate(ews_processors_batch_failures_total${RATE}))`, 'batch failures'),
      ]),
      ts(
        'Detection run duration',
        { h: 8, w: 12, x: 12, y: 16 },
        [
          prom('A', `histogram_quantile(0.5, sum by (le) (rate(ews_processors_detection_run_seconds_bucket${RATE})))`, 'p50'),
          prom('B', `histogram_quantile(0.95, sum by (le) (rate(ews_processors_detection_run_seconds_bucket${RATE})))`, 'p95'),
          prom(
            'C',
            `sum(rate(ews_processors_detection_run_seconds_sum${RATE})) / sum(rate(ews_processors_detection_run_seconds_count${RATE}))`,
            'mean',
          ),
        ],
        's',
      ),
      ts('Detection runs and signals per hour', { h: 8, w: 12, x: 0, y: 24 }, [
        prom('A', 'sum by (trigger, outcome) (increase(ews_processors_detection_runs_total[1h]))', 'runs {{trigger}} {{outcome}}'),
        prom('B', 'sum by (level) (increase(ews_processors_signals_total[1h]))', 'signals {{level}}'),
      ]),
      ts('Alerts raised per hour; lifecycle alerts now', { h: 8, w: 12, x: 12, y: 24 }, [
        prom('A', 'sum by (level) (increase(ews_alerts_raised_total[1h]))', 'raised {{level}}'),
        prom('B', 'sum by (level, status) (ews_alerts)', '{{level}} {{status}}'),
      ]),
      ts('Notifications sent and failed per second', { h: 8, w: 12, x: 0, y: 32 }, [
        prom('A', `sum by (channel) (rate(ews_alerts_notifications_sent_total${RATE}))`, 'sent {{channel}}'),
        prom('B', `sum by (channel) (rate(ews_alerts_notifications_failed_total${RATE}))`, 'failed {{channel}}'),
        prom('C', `sum by (channel) (rate(ews_alerts_notification_retries_total${RATE}))`, 'retries {{channel}}'),
      ]),
      ts('Notifications pending', { h: 8, w: 12, x: 12, y: 32 }, [
        prom('A', 'sum by (channel) (ews_alerts_notifications_pending)', 'pending {{channel}}'),
      ]),
    ],
    { from: 'now-6h', to: 'now' },
  );
}

/** Every dashboard, by its file name under dashboards/grafana/. */
export function grafanaDashboards(units: readonly Unit[]): Record<string, Json> {
  return {
    'province-overview.json': provinceOverview(units),
    'commune-trends.json': communeTrends(units),
    'alerts.json': alertsDashboard(units),
    'pipeline-health.json': pipelineHealth(),
  };
}

export function bundledUnits(): Unit[] {
  return parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8'));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const csv = process.argv[2];
  const units = csv === undefined ? bundledUnits() : parseUnitsCsv(readFileSync(csv, 'utf8'));
  for (const [file, d] of Object.entries(grafanaDashboards(units))) {
    // Written as Prettier formats it, so `npm run format:check` passes on a fresh build.
    const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
    const options = { ...(await resolveConfig(path)), filepath: path };
    writeFileSync(path, await format(JSON.stringify(d), options));
  }
}
