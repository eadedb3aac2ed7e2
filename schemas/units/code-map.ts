/**
 * Retired commune codes → current ones: the 2025 reform (Decision 19/2025/QĐ-TTg, in force
 * 1 July 2025) replaced the commune list of Decision 124/2004/QĐ-TTg. Hospitals' EMR systems
 * keep sending the old codes for a while, and the history before July 2025 is coded the old
 * way; both are counted under the new commune by mapping the code at ingest.
 *
 * Pure: parsing and compiling a mapping CSV (`old_code,new_code[,share][,note]`). The file is
 * read by cli/units.ts; see ./README.md, "Retired codes".
 *
 * Rules (tested in test/unit/units/code-map.test.ts):
 * - merge (several old → one new, the common case in 2025): each old code gets one row.
 * - split (one old → several new): rows with a `share` each (the part of the old commune's
 *   population that went to that new commune, 0 < share ≤ 1, summing to at most 1); the old
 *   code maps to the new commune with the LARGEST share. A split without a share on every row,
 *   or whose largest share is tied, is refused with an error naming the candidates: an event
 *   cannot be split, and guessing would move cases silently.
 * - a row whose old code is still a current unit is refused (a current code always stands for
 *   itself), except `old_code == new_code` (a commune that kept its code), which is accepted
 *   and has no effect.
 * - the new code must be a current unit.
 */
import { tokenizeCsv, type UnitRegistry } from './registry.ts';

export const CODE_MAP_REQUIRED = ['old_code', 'new_code'] as const;
export const CODE_MAP_OPTIONAL = ['share', 'note'] as const;

/** One problem of an input file: `line` 1-based (the header is line 1), the column if one is at fault. */
export interface RowError {
  line: number;
  column?: string;
  message: string;
}

export const formatRowError = (file: string, e: RowError): string =>
  `${file} line ${e.line}${e.column === undefined ? '' : `, column "${e.column}"`}: ${e.message}`;

export interface CodeMapRow {
  line: number;
  oldCode: string;
  newCode: string;
  share: number | undefined;
  note: string;
}

const CODE_RE = /^\d{5}$/;
const SHARE_RE = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;

/** Reads a header row: the index of each known column, and errors for unknown, repeated or missing ones. */
export function headerIndex(
  fields: readonly string[],
  required: readonly string[],
  optional: readonly string[],
  line: number,
): { index: Map<string, number>; errors: RowError[] } {
  const index = new Map<string, number>();
  const errors: RowError[] = [];
  const known = new Set([...required, ...optional]);
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!known.has(name)) errors.push({ line, column: raw, message: `unknown column; expected ${[...known].join(', ')}` });
    else if (index.has(name)) errors.push({ line, column: name, message: 'column appears twice' });
    else index.set(name, i);
  });
  for (const name of required) if (!index.has(name)) errors.push({ line, column: name, message: 'required column missing' });
  return { index, errors };
}

/** Parses a mapping CSV: the rows that are well-formed, and every problem found (one per bad field). */
/**
 * The data rows of a parsed CSV, each with a reader of its trimmed cells by column name; a row
 * of the wrong width is an error of its own and is skipped.
 */
export function* dataRows(
  records: readonly { line: number; fields: readonly string[] }[],
  width: number,
  index: ReadonlyMap<string, number>,
  errors: RowError[],
): Generator<{ line: number; get: (column: string) => string }> {
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== width) {
      errors.push({ line, message: `expected ${width} fields, got ${fields.length}` });
      continue;
    }
    yield {
      line,
      get: (c) => {
        const i = index.get(c);
        return i === undefined ? '' : (fields[i] ?? '').trim();
      },
    };
  }
}

export function parseCodeMapCsv(text: string): { rows: CodeMapRow[]; errors: RowError[] } {
  let records;
  try {
    records = tokenizeCsv(text);
  } catch (err) {
    const e = err as Error & { line?: number };
    return { rows: [], errors: [{ line: e.line ?? 1, message: e.message.replace(/^units CSV line \d+: /, '') }] };
  }
  const header = records[0];
  if (header === undefined)
    return { rows: [], errors: [{ line: 1, message: 'empty file, expected a header row old_code,new_code[,share][,note]' }] };
  const { index, errors } = headerIndex(header.fields, CODE_MAP_REQUIRED, CODE_MAP_OPTIONAL, header.line);
  if (errors.length > 0) return { rows: [], errors };
  const rows: CodeMapRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, get } of dataRows(records, header.fields.length, index, errors)) {
    const before = errors.length;
    const oldCode = get('old_code');
    const newCode = get('new_code');
    if (!CODE_RE.test(oldCode))
      errors.push({ line, column: 'old_code', message: `expected a 5-digit code, got ${JSON.stringify(oldCode)}` });
    if (!CODE_RE.test(newCode))
      errors.push({ line, column: 'new_code', message: `expected a 5-digit code, got ${JSON.stringify(newCode)}` });
    const rawShare = get('share');
    let share: number | undefined;
    if (rawShare !== '') {
      share = SHARE_RE.test(rawShare) ? Number(rawShare) : Number.NaN;
      if (!(share > 0 && share <= 1)) {
        errors.push({ line, column: 'share', message: `expected a number greater than 0 and at most 1, got ${JSON.stringify(rawShare)}` });
      }
    }
    const pair = `${oldCode}→${newCode}`;
    const first = seen.get(pair);
    if (first !== undefined) errors.push({ line, column: 'new_code', message: `${oldCode} → ${newCode} already given on line ${first}` });
    if (errors.length > before) continue;
    seen.set(pair, line);
    rows.push({ line, oldCode, newCode, share, note: get('note') });
  }
  return { rows, errors };
}

/** A split resolved to its largest share, for the import summary. */
export interface SplitChoice {
  oldCode: string;
  chosen: string;
  candidates: { code: string; share: number }[];
}

export interface CompiledCodeMap {
  /** old → new, identity rows left out. */
  map: Map<string, string>;
  errors: RowError[];
  splits: SplitChoice[];
  /** Rows with old_code == new_code (a commune that kept its code). */
  unchanged: number;
}

/** Checks the rows against the current registry and resolves splits (see the rules at the top). */
export function compileCodeMap(rows: readonly CodeMapRow[], units: Pick<UnitRegistry, 'has'>): CompiledCodeMap {
  const errors: RowError[] = [];
  const byOld = new Map<string, CodeMapRow[]>();
  let unchanged = 0;
  for (const row of rows) {
    if (!units.has(row.newCode)) {
      errors.push({ line: row.line, column: 'new_code', message: `${row.newCode} is not a commune of the registry` });
      continue;
    }
    if (row.oldCode === row.newCode) {
      unchanged++;
      continue;
    }
    if (units.has(row.oldCode)) {
      errors.push({
        line: row.line,
        column: 'old_code',
        message: `${row.oldCode} is a current commune of the registry: an event coded ${row.oldCode} is counted under it, it cannot map to ${row.newCode}`,
      });
      continue;
    }
    const list = byOld.get(row.oldCode) ?? [];
    list.push(row);
    byOld.set(row.oldCode, list);
  }
  const map = new Map<string, string>();
  const splits: SplitChoice[] = [];
  for (const [oldCode, list] of byOld) {
    const only = list[0] as CodeMapRow;
    if (list.length === 1) {
      map.set(oldCode, only.newCode);
      continue;
    }
    const names = list.map((r) => r.newCode).join(', ');
    const lines = list.map((r) => r.line).join(', ');
    const missing = list.find((r) => r.share === undefined);
    if (missing !== undefined) {
      errors.push({
        line: missing.line,
        column: 'share',
        message: `${oldCode} is split into ${names} (lines ${lines}): give a share on every row, the largest decides where its events are counted`,
      });
      continue;
    }
    const candidates = list.map((r) => ({ code: r.newCode, share: r.share as number })).sort((a, b) => b.share - a.share);
    const total = candidates.reduce((s, c) => s + c.share, 0);
    if (total > 1 + 1e-9) {
      errors.push({
        line: only.line,
        column: 'share',
        message: `the shares of ${oldCode} (lines ${lines}) add up to ${round(total)}, more than 1`,
      });
      continue;
    }
    const [top, second] = candidates as [{ code: string; share: number }, { code: string; share: number }];
    if (Math.abs(top.share - second.share) < 1e-9) {
      const tied = candidates.filter((c) => Math.abs(c.share - top.share) < 1e-9).map((c) => c.code);
      errors.push({
        line: only.line,
        column: 'share',
        message: `${oldCode} is split with equal largest shares between ${tied.join(', ')} (lines ${lines}): make one share larger`,
      });
      continue;
    }
    map.set(oldCode, top.code);
    splits.push({ oldCode, chosen: top.code, candidates });
  }
  errors.sort((a, b) => a.line - b.line);
  return { map, errors, splits, unchanged };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The canonical mapping file the import writes (one row per retired code, sorted): `old_code,new_code`. */
export function formatCodeMapCsv(map: ReadonlyMap<string, string>): string {
  const rows = [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([o, n]) => `${o},${n}`);
  return ['old_code,new_code', ...rows].join('\n') + '\n';
}
