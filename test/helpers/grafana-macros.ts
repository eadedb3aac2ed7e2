// What Grafana does to a dashboard query before its datasource runs it, for the macros and
// variable forms dashboards/grafana/*.json use: the ClickHouse plugin's $__timeFilter,
// $__dateFilter, $__fromTime, $__toTime, $__interval_s; the PostgreSQL datasource's
// $__timeFilter; Grafana's $__interval, $__rate_interval and template variables ($var,
// ${var}, ${var:singlequote}, [[var]]). Pure, so tests can run the queries on a real store.
// Anything it does not know throws, so a query using a new macro fails the test instead of
// running half-substituted.

export type Dialect = 'clickhouse' | 'postgres' | 'promql';

export interface MacroContext {
  from: Date;
  to: Date;
  /** Seconds; $__interval is this, $__rate_interval four times it (Grafana's default scrape 15 s → at least 60 s). */
  intervalSeconds: number;
  variables: Readonly<Record<string, string>>;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const isoTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function timeFilter(col: string, c: MacroContext, dialect: Dialect): string {
  if (dialect === 'clickhouse') return `${col} >= toDateTime(${seconds(c.from)}) AND ${col} <= toDateTime(${seconds(c.to)})`;
  if (dialect === 'postgres') return `${col} BETWEEN '${isoTime(c.from)}' AND '${isoTime(c.to)}'`;
  throw new Error('$__timeFilter is not a PromQL macro');
}

const FUNCTION_MACROS: Record<string, (col: string, c: MacroContext, d: Dialect) => string> = {
  timeFilter,
  dateFilter: (col, c, d) => {
    if (d !== 'clickhouse') throw new Error('$__dateFilter is a ClickHouse macro');
    return `${col} >= toDate('${isoDay(c.from)}') AND ${col} <= toDate('${isoDay(c.to)}')`;
  },
};

function plainMacro(name: string, c: MacroContext, d: Dialect): string {
  switch (name) {
    case 'fromTime':
      if (d === 'clickhouse') return `toDateTime(${seconds(c.from)})`;
      break;
    case 'toTime':
      if (d === 'clickhouse') return `toDateTime(${seconds(c.to)})`;
      break;
    case 'interval_s':
      return String(c.intervalSeconds);
    case 'interval':
      return `${c.intervalSeconds}s`;
    case 'rate_interval':
      return `${Math.max(4 * c.intervalSeconds, 60)}s`;
  }
  throw new Error(`unknown Grafana macro $__${name} (${d})`);
}

function variable(name: string, format: string | undefined, c: MacroContext): string {
  if (!Object.hasOwn(c.variables, name)) throw new Error(`no value for the template variable ${name}`);
  const value = c.variables[name]!;
  if (format === undefined || format === 'raw') return value;
  if (format === 'singlequote') return `'${value.replace(/'/g, "\\'")}'`;
  if (format === 'doublequote') return `"${value.replace(/"/g, '\\"')}"`;
  throw new Error(`unknown variable format ${name}:${format}`);
}

/** The query as the datasource receives it. */
export function expandGrafanaQuery(query: string, c: MacroContext, dialect: Dialect): string {
  return (
    query
      // $__name(argument): the argument is a column expression without parentheses of its own.
      .replace(/\$__(\w+)\(([^()]*)\)/g, (_, name: string, arg: string) => {
        const macro = Object.hasOwn(FUNCTION_MACROS, name) ? FUNCTION_MACROS[name] : undefined;
        if (macro === undefined) throw new Error(`unknown Grafana macro $__${name}() (${dialect})`);
        return macro(arg.trim(), c, dialect);
      })
      .replace(/\$__(\w+)/g, (_, name: string) => plainMacro(name, c, dialect))
      .replace(/\$\{(\w+)(?::(\w+))?\}/g, (_, name: string, format: string | undefined) => variable(name, format, c))
      .replace(/\[\[(\w+)(?::(\w+))?\]\]/g, (_, name: string, format: string | undefined) => variable(name, format, c))
      .replace(/\$([A-Za-z]\w*)/g, (_, name: string) => variable(name, undefined, c))
  );
}
