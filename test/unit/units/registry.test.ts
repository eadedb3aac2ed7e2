import { describe, expect, it } from 'vitest';
import {
  UNITS_CSV_HEADER,
  UnitsCsvError,
  createUnitRegistry,
  haversineKm,
  parseUnitsCsv,
  type Unit,
} from '../../../schemas/units/registry.ts';
import { loadDemoUnits, loadUnits } from '../../../cli/units.ts';

const HEADER = UNITS_CSV_HEADER.join(',');

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

function expectCsvError(text: string, line: number, column: string | undefined, message: RegExp): void {
  let caught: unknown;
  try {
    parseUnitsCsv(text);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UnitsCsvError);
  const err = caught as UnitsCsvError;
  expect(err.line).toBe(line);
  expect(err.column).toBe(column);
  expect(err.message).toContain(`line ${line}`);
  if (column !== undefined) expect(err.message).toContain(`column "${column}"`);
  expect(err.message).toMatch(message);
}

describe('bundled units CSV', () => {
  const units = loadDemoUnits();
  const registry = createUnitRegistry(units);

  it('has 99 units for Bắc Ninh (24) and 104 for Hưng Yên (33), nothing else', () => {
    expect(registry.byProvince('24')).toHaveLength(99);
    expect(registry.byProvince('33')).toHaveLength(104);
    expect(units).toHaveLength(203);
  });

  it('matches the official ward/commune split (24: 33 phường + 66 xã; 33: 11 phường + 93 xã)', () => {
    const count = (p: string, t: string) => registry.byProvince(p).filter((u) => u.type === t).length;
    expect([count('24', 'phuong'), count('24', 'xa')]).toEqual([33, 66]);
    expect([count('33', 'phuong'), count('33', 'xa')]).toEqual([11, 93]);
  });

  it('has unique 5-digit codes', () => {
    const codes = units.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^\d{5}$/);
  });

  it('spot-checks codes against Công văn 1027/CTK-CSCL', () => {
    expect(registry.get('07210')).toMatchObject({ name: 'Bắc Giang', type: 'phuong', provinceCode: '24' });
    expect(registry.get('09187')).toMatchObject({ name: 'Kinh Bắc', nameAscii: 'Kinh Bac', type: 'phuong' });
    expect(registry.get('07663')).toMatchObject({ name: 'Tuấn Đạo', type: 'xa', provinceCode: '24' });
    expect(registry.get('11953')).toMatchObject({ name: 'Phố Hiến', type: 'phuong', provinceCode: '33' });
    expect(registry.get('13225')).toMatchObject({ name: 'Thái Bình', type: 'phuong', provinceCode: '33' });
    expect(registry.get('13219')).toMatchObject({ name: 'Vạn Xuân', type: 'xa', provinceCode: '33' });
  });

  it('keeps centroids inside the rough province boxes (±0.05°) and populations positive', () => {
    const inBox = (u: Unit, [s, n, w, e]: [number, number, number, number]) =>
      u.lat >= s - 0.05 && u.lat <= n + 0.05 && u.lon >= w - 0.05 && u.lon <= e + 0.05;
    for (const u of registry.byProvince('24')) expect(inBox(u, [21.0, 21.6, 105.9, 106.9]), u.code).toBe(true);
    for (const u of registry.byProvince('33')) expect(inBox(u, [20.3, 21.0, 105.9, 106.7]), u.code).toBe(true);
    for (const u of units) expect(u.population).toBeGreaterThan(0);
  });

  it('places every unit close to its nearest neighbour and no two units on top of each other', () => {
    for (const u of units) {
      const [nearest] = registry.neighbours(u.code, 1);
      expect(nearest).toBeDefined();
      const d = registry.distanceKm(u, nearest as Unit);
      expect(d).toBeGreaterThan(0.5);
      expect(d).toBeLessThan(12);
    }
  });

  it('puts the former Bắc Ninh city wards next to each other', () => {
    const near = registry.neighbours('09187', 4).map((u) => u.code); // Kinh Bắc
    expect(near).toContain('09190'); // Võ Cường
    expect(near).toContain('09169'); // Vũ Ninh
  });

  it('loadUnits falls back to the bundled CSV when no path (EWS_UNITS_CSV) is given', () => {
    expect(loadUnits()).toEqual(units);
    expect(loadUnits('')).toEqual(units);
  });
});

describe('parseUnitsCsv', () => {
  const good = '07210,Bắc Giang,Bac Giang,phuong,24,Bắc Ninh,21.2750,106.1950,120000';

  it('parses a valid row', () => {
    expect(parseUnitsCsv(csv(good))).toEqual([
      {
        code: '07210',
        name: 'Bắc Giang',
        nameAscii: 'Bac Giang',
        type: 'phuong',
        provinceCode: '24',
        provinceName: 'Bắc Ninh',
        lat: 21.275,
        lon: 106.195,
        population: 120000,
      },
    ]);
  });

  it('handles quoted fields with commas, escaped quotes, CRLF, BOM and blank lines', () => {
    const text = '\ufeff' + HEADER + '\r\n' + '12345,"Xã ""A"", B","Xa ""A"", B",xa,33,"Hưng Yên",20.5,106.1,"1000"\r\n' + '\r\n';
    const [u] = parseUnitsCsv(text);
    expect(u).toMatchObject({ code: '12345', name: 'Xã "A", B', nameAscii: 'Xa "A", B', population: 1000 });
  });

  it('rejects a bad header naming line 1', () => {
    expectCsvError('code,name,lat\n' + good + '\n', 1, undefined, /bad header/);
    expectCsvError('', 1, undefined, /empty input/);
  });

  it('rejects a bad latitude naming line and column', () => {
    expectCsvError(csv(good, '07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,abc,106.17,1'), 3, 'lat', /"abc"/);
    expectCsvError(csv('07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,91,106.17,1'), 2, 'lat', /between -90 and 90/);
    expectCsvError(csv('07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,,106.17,1'), 2, 'lat', /""/);
  });

  it('rejects a duplicate code naming both lines', () => {
    expectCsvError(
      csv(good, '07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,21.29,106.17,1', good),
      4,
      'code',
      /duplicate code 07210 \(first seen on line 2\)/,
    );
  });

  it('rejects other bad fields', () => {
    expectCsvError(csv('7210,Bắc Giang,Bac Giang,phuong,24,Bắc Ninh,21.2,106.1,1'), 2, 'code', /5-digit/);
    expectCsvError(csv('07210,,Bac Giang,phuong,24,Bắc Ninh,21.2,106.1,1'), 2, 'name', /empty/);
    expectCsvError(csv('07210,Bắc Giang,Bắc Giang,phuong,24,Bắc Ninh,21.2,106.1,1'), 2, 'name_ascii', /ASCII/);
    expectCsvError(csv('07210,Bắc Giang,Bac Giang,ward,24,Bắc Ninh,21.2,106.1,1'), 2, 'type', /"phuong" or "xa"/);
    expectCsvError(csv('07210,Bắc Giang,Bac Giang,phuong,024,Bắc Ninh,21.2,106.1,1'), 2, 'province_code', /2-digit/);
    expectCsvError(csv('07210,Bắc Giang,Bac Giang,phuong,24,Bắc Ninh,21.2,181,1'), 2, 'lon', /-180 and 180/);
    expectCsvError(csv('07210,Bắc Giang,Bac Giang,phuong,24,Bắc Ninh,21.2,106.1,-5'), 2, 'population', /non-negative integer/);
    expectCsvError(csv('07210,Bắc Giang,Bac Giang,phuong,24,Bắc Ninh,21.2,106.1,1.5'), 2, 'population', /non-negative integer/);
  });

  it('rejects wrong field counts and broken quoting with the record line', () => {
    expectCsvError(csv(good, '07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,21.29,106.17'), 3, undefined, /expected 9 fields, got 8/);
    expectCsvError(csv(good, '07228,"Đa Mai,Da Mai,phuong,24,Bắc Ninh,21.29,106.17,1'), 3, undefined, /unterminated/);
    expectCsvError(csv('07228,Đa "Mai",Da Mai,phuong,24,Bắc Ninh,21.29,106.17,1'), 2, undefined, /double quote/);
  });

  it('counts physical lines across quoted line breaks', () => {
    const text = csv('07210,"Bắc\nGiang",Bac Giang,phuong,24,Bắc Ninh,21.2,106.1,1', '07228,Đa Mai,Da Mai,phuong,24,Bắc Ninh,x,106.17,1');
    expectCsvError(text, 4, 'lat', /"x"/);
  });
});

describe('createUnitRegistry', () => {
  const mk = (code: string, lat: number, lon: number, provinceCode = '24'): Unit => ({
    code,
    name: `U${code}`,
    nameAscii: `U${code}`,
    type: 'xa',
    provinceCode,
    provinceName: provinceCode === '24' ? 'Bắc Ninh' : 'Hưng Yên',
    lat,
    lon,
    population: 1000,
  });
  // Points along a meridian: 0.01° latitude ≈ 1.11 km.
  const units = [
    mk('00001', 21.0, 106.0),
    mk('00002', 21.05, 106.0),
    mk('00003', 21.01, 106.0),
    mk('00004', 21.03, 106.0, '33'),
    mk('00005', 20.99, 106.0),
  ];
  const reg = createUnitRegistry(units);

  it('looks units up by code and province', () => {
    expect(reg.has('00003')).toBe(true);
    expect(reg.has('99999')).toBe(false);
    expect(reg.get('99999')).toBeUndefined();
    expect(reg.get('00004')?.provinceCode).toBe('33');
    expect(reg.byProvince('24').map((u) => u.code)).toEqual(['00001', '00002', '00003', '00005']);
    expect(reg.byProvince('99')).toEqual([]);
    expect(reg.all()).toHaveLength(5);
  });

  it('returns the k nearest neighbours sorted by distance, excluding the unit itself', () => {
    const near = reg.neighbours('00001', 3);
    expect(near.map((u) => u.code)).toEqual(['00003', '00005', '00004']);
    const d = near.map((u) => reg.distanceKm('00001', u.code));
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    // 00003 and 00005 are equidistant from 00001: tie broken by code.
    expect(reg.distanceKm('00001', '00003')).toBeCloseTo(reg.distanceKm('00001', '00005'), 9);
    expect(reg.neighbours('00001', 0)).toEqual([]);
    expect(reg.neighbours('00001', 50)).toHaveLength(4);
  });

  it('rejects unknown codes, bad k and duplicate codes', () => {
    expect(() => reg.neighbours('99999', 1)).toThrow(/unknown unit code/);
    expect(() => reg.neighbours('00001', -1)).toThrow(RangeError);
    expect(() => reg.distanceKm('00001', '99999')).toThrow(/unknown unit code/);
    expect(() => createUnitRegistry([units[0] as Unit, units[0] as Unit])).toThrow(/duplicate unit code 00001/);
  });

  it('computes great-circle distances', () => {
    expect(reg.distanceKm('00001', '00002')).toBeCloseTo(5.56, 1);
    expect(reg.distanceKm('00001', '00001')).toBe(0);
    // Hà Nội (Hoàn Kiếm) to Bắc Ninh city is roughly 30 km.
    expect(haversineKm(21.0285, 105.8542, 21.186, 106.0763)).toBeGreaterThan(25);
    expect(haversineKm(21.0285, 105.8542, 21.186, 106.0763)).toBeLessThan(30);
  });
});
