import { Readable } from 'node:stream';

/**
 * Exports of API answers as CSV (RFC 4180) or NDJSON: pure row formatting, and a Readable that
 * formats one row at a time as the client reads (Readable.from pulls the generator only when
 * the socket drains: backpressure, no whole body in memory).
 */

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type Cell = string | number | boolean | null | undefined;
export type ExportRow = Readonly<Record<string, Cell>>;

/** Content types of the formats. */
export const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * One CSV field (RFC 4180): empty for null/undefined; quoted, with inner quotes doubled, when
 * it holds a comma, a quote, CR or LF, or starts or ends with a space. A text starting with
 * = + - @ or a tab is prefixed with ' so that a spreadsheet does not run it as a formula
 * (OWASP CSV injection); numbers are written as they are.
 */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]|^ | $/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record of `columns` from `row`, CRLF-terminated (RFC 4180). */
export function csvLine(columns: readonly string[], row: ExportRow): string {
  return `${columns.map((c) => csvField(row[c])).join(',')}\r\n`;
}

/** The CSV header record. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map((c) => csvField(c)).join(',')}\r\n`;
}

/** One NDJSON line of `columns` from `row` (absent cells as null), LF-terminated. */
export function ndjsonLine(columns: readonly string[], row: ExportRow): string {
  return `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`;
}

/** The lines of an export: the header (CSV), then one line per row. */
export function* exportLines(format: ExportFormat, columns: readonly string[], rows: Iterable<ExportRow>): Generator<string> {
  if (format === 'csv') yield csvHeader(columns);
  for (const row of rows) yield format === 'csv' ? csvLine(columns, row) : ndjsonLine(columns, row);
}

/** The lines of an export whose rows arrive asynchronously (a store's result stream), pulled one by one. */
export async function* exportLinesAsync(
  format: ExportFormat,
  columns: readonly string[],
  rows: AsyncIterable<ExportRow>,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader(columns);
  for await (const row of rows) yield format === 'csv' ? csvLine(columns, row) : ndjsonLine(columns, row);
}

/** A stream of the export's lines, formatted as the reader pulls (rows from memory or from a store's stream). */
export function exportStream(
  format: ExportFormat,
  columns: readonly string[],
  rows: Iterable<ExportRow> | AsyncIterable<ExportRow>,
): Readable {
  const lines = Symbol.asyncIterator in rows ? exportLinesAsync(format, columns, rows) : exportLines(format, columns, rows);
  return Readable.from(lines, { objectMode: false });
}

/** What a read answers: JSON, or a streamed export. */
export type AnswerFormat = 'json' | ExportFormat;

/**
 * The format a read answers in: `format=` when given (as GET /v1/trends asks it), else the
 * Accept header (`text/csv`, `application/x-ndjson`), else JSON.
 */
export function answerFormat(format: AnswerFormat | undefined, accept: string | undefined): AnswerFormat {
  if (format !== undefined) return format;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('text/csv')) return 'csv';
  if (a.includes('application/x-ndjson')) return 'ndjson';
  return 'json';
}

/** The export's headers (content type, attachment filename, no caching) on a reply of a streamed body. */
export function exportHeaders(format: ExportFormat, filenameParts: readonly string[]): Record<string, string> {
  return {
    'content-type': CONTENT_TYPE[format],
    'content-disposition': contentDisposition(exportFilename(filenameParts, format)),
    'cache-control': 'no-store',
  };
}

/** `name-part-part.ext`, every part reduced to letters, digits, `.`, `_` and `-` (a safe Content-Disposition filename). */
export function exportFilename(parts: readonly string[], format: ExportFormat): string {
  const clean = parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '')).filter((p) => p.length > 0);
  return `${clean.join('-') || 'export'}.${format === 'csv' ? 'csv' : 'ndjson'}`;
}

/** The Content-Disposition header of an export download. */
export function contentDisposition(filename: string): string {
  return `attachment; filename="${filename}"`;
}

/** The point fields of a trends answer, in column order. */
const POINT_COLUMNS = ['period', 'start', 'end', 'count', 'visits', 'percent_of_visits', 'per_100k', 'value', 'expected'] as const;

interface TrendPoint {
  period: string;
  start: string;
  end: string;
  count: number;
  visits: number;
  percent_of_visits: number | null;
  per_100k: number | null;
  value: number | null;
  expected?: number | null | undefined;
}

interface TrendExportable {
  syndrome: string;
  area: { level: string; code: string };
  interval: string;
  points: readonly TrendPoint[];
  compare_years: readonly { years_back: number; points: readonly TrendPoint[] }[];
  strata?:
    { by: readonly string[]; series: readonly { values: Readonly<Record<string, string>>; points: readonly TrendPoint[] }[] } | undefined;
}

/** The columns of a trends export: what the row is, its strata (when asked), the point fields. */
export function trendColumns(a: TrendExportable): string[] {
  return ['syndrome', 'area_level', 'area', 'interval', 'years_back', ...(a.strata?.by ?? []), ...POINT_COLUMNS];
}

/**
 * The rows of a trends answer, lazily: the range's points (years_back 0), the compare years'
 * (years_back N), then, with strata, each stratum value's points (years_back 0, strata set).
 */
export function* trendRows(a: TrendExportable): Generator<ExportRow> {
  const base = { syndrome: a.syndrome, area_level: a.area.level, area: a.area.code, interval: a.interval };
  for (const p of a.points) yield { ...base, years_back: 0, ...p };
  for (const y of a.compare_years) for (const p of y.points) yield { ...base, years_back: y.years_back, ...p };
  for (const s of a.strata?.series ?? []) for (const p of s.points) yield { ...base, years_back: 0, ...s.values, ...p };
}
