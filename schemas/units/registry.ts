/**
 * Administrative-unit (commune-level: phường / xã) registry.
 *
 * Everything here is pure: the files are read by cli/units.ts (`loadDemoUnits`, `loadUnits`). See ./README.md for where the bundled data comes from and which
 * columns are official versus approximate.
 */

export type UnitType = 'phuong' | 'xa';

export interface Unit {
  /** 5-digit commune-level code (leading zeros kept), e.g. "07210". */
  readonly code: string;
  /** Name without the "Phường"/"Xã" prefix, UTF-8 (NFC), e.g. "Bắc Giang". */
  readonly name: string;
  /** `name` with diacritics removed (đ → d), ASCII only, e.g. "Bac Giang". */
  readonly nameAscii: string;
  readonly type: UnitType;
  /** 2-digit province code, e.g. "24" (Bắc Ninh), "33" (Hưng Yên). */
  readonly provinceCode: string;
  readonly provinceName: string;
  /** Representative point (WGS84 degrees). */
  readonly lat: number;
  readonly lon: number;
  /** Resident population (persons); non-negative integer. */
  readonly population: number;
}

export const UNITS_CSV_HEADER = [
  'code',
  'name',
  'name_ascii',
  'type',
  'province_code',
  'province_name',
  'lat',
  'lon',
  'population',
] as const;

export type UnitsCsvColumn = (typeof UNITS_CSV_HEADER)[number];

/** Validation error for units CSV input; `line` is 1-based (the header is line 1). */
export class UnitsCsvError extends Error {
  readonly line: number;
  readonly column: string | undefined;

  constructor(line: number, column: string | undefined, detail: string) {
    super(`units CSV line ${line}${column === undefined ? '' : `, column "${column}"`}: ${detail}`);
    this.name = 'UnitsCsvError';
    this.line = line;
    this.column = column;
  }
}

export interface CsvRecord {
  /** Physical line (1-based) on which the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180 style tokenizer: comma separated, fields may be double-quoted, `""` inside quotes
 * is a literal quote, quoted fields may contain commas and line breaks. Accepts LF and CRLF.
 * Completely empty lines are skipped.
 */
export function tokenizeCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quotedField = false; // current field started with a quote
  let afterClosingQuote = false;
  let line = 1;
  let recordLine = 1;
  let recordHasContent = false;

  const endField = (): void => {
    fields.push(field);
    field = '';
    quotedField = false;
    afterClosingQuote = false;
  };
  const endRecord = (): void => {
    endField();
    if (recordHasContent || fields.length > 1 || fields[0] !== '') {
      records.push({ line: recordLine, fields });
    }
    fields = [];
    recordHasContent = false;
  };

  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 BOM
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          afterClosingQuote = true;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === ',') {
      endField();
      recordHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (ch === '"') {
      if (field !== '' || quotedField) {
        throw new UnitsCsvError(line, undefined, 'unexpected double quote inside an unquoted field');
      }
      inQuotes = true;
      quotedField = true;
      recordHasContent = true;
    } else {
      if (afterClosingQuote) {
        throw new UnitsCsvError(line, undefined, `unexpected character ${JSON.stringify(ch)} after a closing quote`);
      }
      field += ch;
      recordHasContent = true;
    }
  }
  if (inQuotes) throw new UnitsCsvError(recordLine, undefined, 'unterminated quoted field');
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}

const CODE_RE = /^\d{5}$/;
const PROVINCE_CODE_RE = /^\d{2}$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const INTEGER_RE = /^\d+$/;

const PRINTABLE_ASCII_RE = /^[\x20-\x7e]+$/;

function parseDegrees(raw: string, line: number, column: 'lat' | 'lon'): number {
  const limit = column === 'lat' ? 90 : 180;
  const value = DECIMAL_RE.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    throw new UnitsCsvError(line, column, `expected a decimal number between -${limit} and ${limit}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function requireText(raw: string, line: number, column: UnitsCsvColumn): string {
  if (raw.trim() === '') throw new UnitsCsvError(line, column, 'must not be empty');
  if (raw !== raw.trim()) {
    throw new UnitsCsvError(line, column, `must not have leading or trailing whitespace, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * Parse and strictly validate a units CSV (header `code,name,name_ascii,type,province_code,
 * province_name,lat,lon,population`). Throws `UnitsCsvError` naming the line and column of the
 * first problem. Names are normalised to NFC.
 */
export function parseUnitsCsv(text: string): Unit[] {
  const records = tokenizeCsv(text);
  const header = records[0];
  if (header === undefined) throw new UnitsCsvError(1, undefined, 'empty input, expected a header row');
  const expected = UNITS_CSV_HEADER.join(',');
  const got = header.fields.map((f) => f.trim()).join(',');
  if (got !== expected) {
    throw new UnitsCsvError(header.line, undefined, `bad header: expected "${expected}", got "${header.fields.join(',')}"`);
  }

  const units: Unit[] = [];
  const firstSeen = new Map<string, number>();
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== UNITS_CSV_HEADER.length) {
      throw new UnitsCsvError(line, undefined, `expected ${UNITS_CSV_HEADER.length} fields, got ${fields.length}`);
    }
    const [code, name, nameAscii, type, provinceCode, provinceName, lat, lon, population] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];

    if (!CODE_RE.test(code)) throw new UnitsCsvError(line, 'code', `expected a 5-digit code, got ${JSON.stringify(code)}`);
    const previous = firstSeen.get(code);
    if (previous !== undefined) {
      throw new UnitsCsvError(line, 'code', `duplicate code ${code} (first seen on line ${previous})`);
    }
    firstSeen.set(code, line);

    const cleanName = requireText(name, line, 'name').normalize('NFC');
    requireText(nameAscii, line, 'name_ascii');
    if (!PRINTABLE_ASCII_RE.test(nameAscii)) {
      throw new UnitsCsvError(line, 'name_ascii', `must be printable ASCII, got ${JSON.stringify(nameAscii)}`);
    }
    if (type !== 'phuong' && type !== 'xa') {
      throw new UnitsCsvError(line, 'type', `expected "phuong" or "xa", got ${JSON.stringify(type)}`);
    }
    if (!PROVINCE_CODE_RE.test(provinceCode)) {
      throw new UnitsCsvError(line, 'province_code', `expected a 2-digit code, got ${JSON.stringify(provinceCode)}`);
    }
    const cleanProvinceName = requireText(provinceName, line, 'province_name').normalize('NFC');
    const latValue = parseDegrees(lat, line, 'lat');
    const lonValue = parseDegrees(lon, line, 'lon');
    const popValue = INTEGER_RE.test(population) ? Number(population) : Number.NaN;
    if (!Number.isSafeInteger(popValue)) {
      throw new UnitsCsvError(line, 'population', `expected a non-negative integer, got ${JSON.stringify(population)}`);
    }

    units.push(
      Object.freeze({
        code,
        name: cleanName,
        nameAscii,
        type,
        provinceCode,
        provinceName: cleanProvinceName,
        lat: latValue,
        lon: lonValue,
        population: popValue,
      }),
    );
  }
  return units;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle (haversine) distance in km between two WGS84 points. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface UnitRegistry {
  all(): readonly Unit[];
  /**
   * The current commune an event's code stands for: the code itself when it is in the
   * registry, else the new code a retired (pre-2025) code maps to (./code-map.ts), else
   * undefined.
   */
  resolve(code: string): string | undefined;
  get(code: string): Unit | undefined;
  has(code: string): boolean;
  /** Units of one province (2-digit code), in registry order. Empty if none. */
  byProvince(provinceCode: string): Unit[];
  /**
   * The k units nearest to `code` by great-circle distance (the unit itself excluded, other
   * provinces included), nearest first; ties broken by code. Throws for an unknown code.
   */
  neighbours(code: string, k: number): Unit[];
  /** Great-circle distance in km between two units (codes or Unit values). */
  distanceKm(a: string | Unit, b: string | Unit): number;
}

/**
 * Build an in-memory registry, with the retired-code mapping `codeMap` (old → new, compiled by
 * ./code-map.ts) if given. Throws on duplicate codes, and on a mapping whose target is not a
 * unit or whose source is one (a current code always stands for itself).
 */
export function createUnitRegistry(units: readonly Unit[], codeMap: ReadonlyMap<string, string> = new Map()): UnitRegistry {
  const list: readonly Unit[] = Object.freeze([...units]);
  const byCode = new Map<string, Unit>();
  for (const u of list) {
    if (byCode.has(u.code)) throw new Error(`duplicate unit code ${u.code}`);
    byCode.set(u.code, u);
  }
  const retired = new Map<string, string>();
  for (const [oldCode, newCode] of codeMap) {
    if (byCode.has(oldCode)) throw new Error(`code map: ${oldCode} is a current unit, it cannot map to ${newCode}`);
    if (!byCode.has(newCode)) throw new Error(`code map: ${oldCode} maps to ${newCode}, which is not a unit`);
    retired.set(oldCode, newCode);
  }

  const resolve = (x: string | Unit, role: string): Unit => {
    if (typeof x !== 'string') return x;
    const u = byCode.get(x);
    if (u === undefined) throw new RangeError(`unknown unit code ${JSON.stringify(x)} (${role})`);
    return u;
  };
  const dist = (a: Unit, b: Unit): number => haversineKm(a.lat, a.lon, b.lat, b.lon);

  return {
    all: () => list,
    resolve: (code) => (byCode.has(code) ? code : retired.get(code)),
    get: (code) => byCode.get(code),
    has: (code) => byCode.has(code),
    byProvince: (provinceCode) => list.filter((u) => u.provinceCode === provinceCode),
    neighbours(code, k) {
      if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
      const origin = resolve(code, 'neighbours');
      return list
        .filter((u) => u.code !== origin.code)
        .map((u) => ({ u, d: dist(origin, u) }))
        .sort((x, y) => x.d - y.d || (x.u.code < y.u.code ? -1 : x.u.code > y.u.code ? 1 : 0))
        .slice(0, k)
        .map((x) => x.u);
    },
    distanceKm: (a, b) => dist(resolve(a, 'a'), resolve(b, 'b')),
  };
}

/** Where the bundled registry lives (next to this module); cli/units.ts reads it. */
export const BUNDLED_UNITS_CSV: URL = new URL('./demo-units.csv', import.meta.url);

/** A unit as the read API answers it (GET /v1/units) and the web application reads it: the registry's words in snake_case. */
export interface UnitView {
  code: string;
  name: string;
  type: string;
  province_code: string;
  province_name: string;
  lat: number;
  lon: number;
  population: number;
}
