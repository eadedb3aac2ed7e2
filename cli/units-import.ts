import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compileCodeMap, formatCodeMapCsv, formatRowError, parseCodeMapCsv, type RowError } from '../schemas/units/code-map.ts';
import { boundariesGeoJson, formatUnitsCsv, parseUnitsImportCsv } from '../schemas/units/import.ts';
import { createUnitRegistry, type Unit } from '../schemas/units/registry.ts';
import { importedBoundariesPath, importedCodeMapPath, importedUnitsPath, loadUnits } from './units.ts';
import { UsageError } from './usage.ts';

const HELP = `ews units — the commune registry and the retired-code mapping / danh mục đơn vị hành chính cấp xã

Usage / Cách dùng: ews units import FILE.csv | --mapping FILE.csv [--data-dir DIR] [--dry-run]

  ews units import FILE.csv
      the communes: columns code,name,province_code,province_name,lat,lon,population
      (+ optional type, name_ascii, boundary = a GeoJSON Polygon/MultiPolygon as JSON text)
      nhập danh mục xã/phường
  ews units import --mapping FILE.csv [--data-dir DIR] [--dry-run]
      retired (Decision 124/2004) → current (Decision 19/2025) codes: old_code,new_code[,share][,note]
      a split (one old → several new) needs a share on each row; the largest share wins
      bảng chuyển mã xã cũ sang mã xã mới

Every row is checked; each problem is printed as "FILE line N, column C: why" and nothing is
written if there is one (exit 1). Mỗi dòng đều được kiểm tra; có lỗi thì không ghi gì.

Where / Ở đâu: the files go to DIR/units/ (units.csv, boundaries.geojson, code-map.csv), beside
the stores. The service reads them when it starts: restart it after an import (a running
service keeps the registry it started with). EWS_UNITS_CSV / EWS_UNITS_MAP_CSV, when set, take
precedence over them. Dịch vụ đọc khi khởi động: khởi động lại sau khi nhập.

  --data-dir DIR    data directory (default: EWS_DATA_DIR, ./data)
  --dry-run         check and summarise only, write nothing / chỉ kiểm tra, không ghi
  -h, --help        this text`;

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file / không có tệp' : (code ?? String(err))}`);
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Prints every problem, a count; returns the exit code 1. */
function refuse(file: string, errors: readonly RowError[]): number {
  for (const e of errors) process.stderr.write(`${formatRowError(file, e)}\n`);
  process.stderr.write(`${errors.length} problem(s), nothing written / ${errors.length} lỗi, không ghi gì\n`);
  return 1;
}

export function runUnits(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      'dry-run': { type: 'boolean' },
      mapping: { type: 'string' },
    },
  });
  if (values.help || positionals.length === 0) {
    out(HELP);
    return 0;
  }
  const [action, file, ...extra] = positionals;
  if (action !== 'import') throw new UsageError(`unknown action '${action}': ews units import … (see 'ews units --help')`);
  if (extra.length > 0) throw new UsageError(`one file at a time, got also ${extra.join(' ')}`);
  if (values.mapping !== undefined && file !== undefined)
    throw new UsageError('give either FILE.csv (the communes) or --mapping FILE.csv, not both');
  if (values.mapping === undefined && file === undefined)
    throw new UsageError('which file? ews units import FILE.csv | --mapping FILE.csv');
  const dataDir = values['data-dir'] ?? process.env['EWS_DATA_DIR'] ?? './data';
  const dryRun = values['dry-run'] === true;
  return values.mapping !== undefined ? importMapping(values.mapping, dataDir, dryRun) : importUnits(file as string, dataDir, dryRun);
}

function importUnits(file: string, dataDir: string, dryRun: boolean): number {
  const parsed = parseUnitsImportCsv(readInput(file));
  if (parsed.errors.length > 0) return refuse(file, parsed.errors);
  if (parsed.units.length === 0) return refuse(file, [{ line: 1, message: 'no communes after the header' }]);
  // The mapping already imported must still hold against the new list.
  let mapping: Map<string, string> | undefined;
  try {
    const text = readFileSync(importedCodeMapPath(dataDir), 'utf8');
    const m = parseCodeMapCsv(text);
    const compiled = compileCodeMap(m.rows, createUnitRegistry(parsed.units));
    const errors = [...m.errors, ...compiled.errors];
    if (errors.length > 0) {
      process.stderr.write(`the imported mapping ${importedCodeMapPath(dataDir)} does not fit the new list / bảng chuyển mã không khớp:\n`);
      return refuse(importedCodeMapPath(dataDir), errors);
    }
    mapping = compiled.map;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  const previous = new Map(loadUnits(undefined, dataDir).map((u) => [u.code, u]));
  const added = parsed.units.filter((u) => !previous.has(u.code)).length;
  const changed = parsed.units.filter((u) => previous.has(u.code) && !sameUnit(previous.get(u.code) as Unit, u)).length;
  const kept = new Set(parsed.units.map((u) => u.code));
  const removed = [...previous.keys()].filter((c) => !kept.has(c)).length;
  const provinces = new Map<string, number>();
  for (const u of parsed.units)
    provinces.set(`${u.provinceCode} ${u.provinceName}`, (provinces.get(`${u.provinceCode} ${u.provinceName}`) ?? 0) + 1);
  out(
    `${file}: ${parsed.units.length} communes in ${provinces.size} province(s), ${parsed.boundaries.size} with a boundary / xã, tỉnh, có ranh giới`,
  );
  for (const [p, n] of provinces) out(`  ${p}: ${n}`);
  out(`against the registry now in use: ${added} new, ${changed} changed, ${removed} no longer listed / mới, thay đổi, bỏ`);
  if (mapping) out(`the imported mapping (${mapping.size} retired codes) still fits / bảng chuyển mã vẫn khớp`);
  if (dryRun) {
    out('dry run: nothing written / chạy thử: không ghi gì');
    return 0;
  }
  writeAtomically(importedUnitsPath(dataDir), formatUnitsCsv(parsed.units));
  if (parsed.boundaries.size > 0) writeAtomically(importedBoundariesPath(dataDir), boundariesGeoJson(parsed.boundaries));
  out(
    `written ${importedUnitsPath(dataDir)}${parsed.boundaries.size > 0 ? ` and ${importedBoundariesPath(dataDir)} (set EWS_BOUNDARIES_GEOJSON to it for the map)` : ''}`,
  );
  out('restart the service to use it / khởi động lại dịch vụ để áp dụng');
  return 0;
}

function importMapping(file: string, dataDir: string, dryRun: boolean): number {
  const parsed = parseCodeMapCsv(readInput(file));
  const units = loadUnits(process.env['EWS_UNITS_CSV'], dataDir);
  const compiled = compileCodeMap(parsed.rows, createUnitRegistry(units));
  const errors = [...parsed.errors, ...compiled.errors].sort((a, b) => a.line - b.line);
  if (errors.length > 0) return refuse(file, errors);
  const targets = new Set(compiled.map.values());
  out(
    `${file}: ${compiled.map.size} retired codes → ${targets.size} current communes, ${compiled.unchanged} kept their code / mã cũ → xã mới`,
  );
  for (const s of compiled.splits) {
    out(
      `  split ${s.oldCode} → ${s.candidates.map((c) => `${c.code} (${c.share})`).join(', ')}: counted under ${s.chosen}, the largest share / tách: tính vào xã có tỷ lệ lớn nhất`,
    );
  }
  if (dryRun) {
    out('dry run: nothing written / chạy thử: không ghi gì');
    return 0;
  }
  writeAtomically(importedCodeMapPath(dataDir), formatCodeMapCsv(compiled.map));
  out(`written ${importedCodeMapPath(dataDir)}; restart the service to use it / khởi động lại dịch vụ để áp dụng`);
  return 0;
}

const sameUnit = (a: Unit, b: Unit) =>
  a.name === b.name &&
  a.nameAscii === b.nameAscii &&
  a.type === b.type &&
  a.provinceCode === b.provinceCode &&
  a.provinceName === b.provinceName &&
  a.lat === b.lat &&
  a.lon === b.lon &&
  a.population === b.population;
