/**
 * The `ews units import FILE.csv` input: a commune list as a deployment has it (columns by
 * name, any order), validated row by row so that one run names every problem. Pure; the CLI
 * (cli/units-import.ts) reads the file and writes the result.
 *
 * Columns: code, name, province_code, province_name, lat, lon, population (required);
 * type (`phuong`/`xa`; when absent or empty, taken from a "Phường "/"Xã " prefix of the name,
 * which is then removed), name_ascii (derived from name when absent or empty), boundary (a
 * GeoJSON Polygon or MultiPolygon geometry as JSON text, optional).
 */
import { dataRows, headerIndex, type RowError } from './code-map.ts';
import { UNITS_CSV_HEADER, tokenizeCsv, type Unit, type UnitType } from './registry.ts';

export const IMPORT_REQUIRED = ['code', 'name', 'province_code', 'province_name', 'lat', 'lon', 'population'] as const;
export const IMPORT_OPTIONAL = ['type', 'name_ascii', 'boundary'] as const;

export interface Boundary {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

export interface ImportedUnits {
  units: Unit[];
  /** Boundaries by code, for the units whose row had one. */
  boundaries: Map<string, Boundary>;
  errors: RowError[];
  rows: number;
}

const CODE_RE = /^\d{5}$/;
const PROVINCE_CODE_RE = /^\d{2}$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const INTEGER_RE = /^\d+$/;
const PRINTABLE_ASCII_RE = /^[\x20-\x7e]+$/;

/** `name` without diacritics, đ → d (what the bundled list's name_ascii holds). */
export const asciiName = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** Parses and validates an import CSV; `errors` lists every bad field (line, column, why), `units` the good rows. */
export function parseUnitsImportCsv(text: string): ImportedUnits {
  let records;
  try {
    records = tokenizeCsv(text);
  } catch (err) {
    const e = err as Error & { line?: number };
    return {
      units: [],
      boundaries: new Map(),
      rows: 0,
      errors: [{ line: e.line ?? 1, message: e.message.replace(/^units CSV line \d+: /, '') }],
    };
  }
  const header = records[0];
  if (header === undefined) {
    return {
      units: [],
      boundaries: new Map(),
      rows: 0,
      errors: [{ line: 1, message: `empty file, expected a header row (${IMPORT_REQUIRED.join(',')})` }],
    };
  }
  const { index, errors } = headerIndex(header.fields, IMPORT_REQUIRED, IMPORT_OPTIONAL, header.line);
  if (errors.length > 0) return { units: [], boundaries: new Map(), rows: records.length - 1, errors };

  const units: Unit[] = [];
  const boundaries = new Map<string, Boundary>();
  const firstSeen = new Map<string, number>();
  for (const { line, get } of dataRows(records, header.fields.length, index, errors)) {
    const before = errors.length;
    const bad = (column: string, message: string) => errors.push({ line, column, message });

    const code = get('code');
    if (!CODE_RE.test(code)) bad('code', `expected a 5-digit code (leading zeros kept), got ${JSON.stringify(code)}`);
    else {
      const previous = firstSeen.get(code);
      if (previous !== undefined) bad('code', `duplicate code ${code} (first seen on line ${previous})`);
      else firstSeen.set(code, line);
    }

    let name = get('name').normalize('NFC');
    let type: UnitType | undefined;
    const rawType = get('type');
    if (rawType === 'phuong' || rawType === 'xa') type = rawType;
    else if (rawType !== '') bad('type', `expected "phuong" or "xa", got ${JSON.stringify(rawType)}`);
    else {
      const prefix = /^(Phường|Xã)\s+(.+)$/u.exec(name);
      if (prefix) {
        type = prefix[1] === 'Phường' ? 'phuong' : 'xa';
        name = (prefix[2] as string).trim();
      } else bad('type', `empty, and the name ${JSON.stringify(name)} does not start with "Phường " or "Xã ": give "phuong" or "xa"`);
    }
    if (name === '') bad('name', 'must not be empty');
    const nameAscii = get('name_ascii') || asciiName(name);
    if (name !== '' && !PRINTABLE_ASCII_RE.test(nameAscii)) bad('name_ascii', `must be printable ASCII, got ${JSON.stringify(nameAscii)}`);

    const provinceCode = get('province_code');
    if (!PROVINCE_CODE_RE.test(provinceCode)) bad('province_code', `expected a 2-digit code, got ${JSON.stringify(provinceCode)}`);
    const provinceName = get('province_name').normalize('NFC');
    if (provinceName === '') bad('province_name', 'must not be empty');

    const degrees = (column: 'lat' | 'lon') => {
      const raw = get(column);
      const limit = column === 'lat' ? 90 : 180;
      const value = DECIMAL_RE.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value) || Math.abs(value) > limit) {
        bad(
          column,
          `expected a decimal number between -${limit} and ${limit} (WGS84 degrees, a dot as the decimal separator), got ${JSON.stringify(raw)}`,
        );
      }
      return value;
    };
    const lat = degrees('lat');
    const lon = degrees('lon');
    const rawPop = get('population');
    const population = INTEGER_RE.test(rawPop) ? Number(rawPop) : Number.NaN;
    if (!Number.isSafeInteger(population)) bad('population', `expected a non-negative integer (persons), got ${JSON.stringify(rawPop)}`);

    const rawBoundary = get('boundary');
    let boundary: Boundary | undefined;
    if (rawBoundary !== '') {
      const why = boundaryProblem(rawBoundary);
      if (typeof why === 'string') bad('boundary', why);
      else boundary = why;
    }

    if (errors.length > before || type === undefined) continue;
    units.push(Object.freeze({ code, name, nameAscii, type, provinceCode, provinceName, lat, lon, population }));
    if (boundary) boundaries.set(code, boundary);
  }
  return { units, boundaries, errors, rows: records.length - 1 };
}

/** A GeoJSON Polygon/MultiPolygon as JSON text, or why not. */
function boundaryProblem(raw: string): Boundary | string {
  let g: unknown;
  try {
    g = JSON.parse(raw);
  } catch {
    return 'expected a GeoJSON geometry as JSON text ({"type":"Polygon","coordinates":[…]}), got text that is not JSON';
  }
  const geometry = g as { type?: unknown; coordinates?: unknown };
  if (geometry === null || typeof geometry !== 'object' || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    return 'expected a GeoJSON geometry of type "Polygon" or "MultiPolygon"';
  }
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return 'coordinates: expected at least one polygon';
  for (const rings of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) return 'coordinates: each polygon needs at least one ring';
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) return 'coordinates: each ring needs at least 4 positions';
      for (const p of ring) {
        if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
          return 'coordinates: each position must be [longitude, latitude] in degrees';
        }
      }
      const a = ring[0] as number[];
      const z = ring[ring.length - 1] as number[];
      if (a[0] !== z[0] || a[1] !== z[1]) return 'coordinates: each ring must be closed (its last position equal to its first)';
    }
  }
  return { type: geometry.type, coordinates: geometry.coordinates };
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The registry file the import writes: the header of demo-units.csv, so parseUnitsCsv reads it. */
export function formatUnitsCsv(units: readonly Unit[]): string {
  const rows = units.map((u) =>
    [u.code, u.name, u.nameAscii, u.type, u.provinceCode, u.provinceName, String(u.lat), String(u.lon), String(u.population)]
      .map(csvField)
      .join(','),
  );
  return [UNITS_CSV_HEADER.join(','), ...rows].join('\n') + '\n';
}

/** The boundaries the import writes, as EWS_BOUNDARIES_GEOJSON reads them (the code in properties.code). */
export function boundariesGeoJson(boundaries: ReadonlyMap<string, Boundary>): string {
  const features = [...boundaries].map(([code, geometry]) => ({ type: 'Feature', properties: { code }, geometry }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}
