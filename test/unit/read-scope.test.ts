import { describe, expect, it } from 'vitest';
import {
  alertAreaCodes,
  alertVisible,
  coversArea,
  hospitalVisible,
  requireArea,
  requireHospital,
  requirePermission,
  visibleCommunes,
  visibleHospitalIds,
  type Area,
  type UnitIndex,
} from '../../dashboards/scope.ts';
import { ROLES, type Jurisdiction, type Principal, type Role } from '../../schemas/access.ts';
import { isAppError } from '../../platform/errors.ts';

// Two provinces: 24 (communes 07210, 07213) and 33 (12001).
const PROVINCE = new Map([
  ['07210', '24'],
  ['07213', '24'],
  ['12001', '33'],
]);
const units: UnitIndex = {
  provinceOf: (c) => PROVINCE.get(c),
  communeName: (c) => ({ '07210': 'Kinh Bắc', '07213': 'Vũ Ninh', '12001': 'Hiến Nam' })[c],
  provinceName: (p) => ({ '24': 'Bắc Ninh', '33': 'Hưng Yên' })[p],
};
const ALL = ['07210', '07213', '12001'];

const national: Jurisdiction = { level: 'national' };
const p24: Jurisdiction = { level: 'province', province: '24' };
const c07210: Jurisdiction = { level: 'communes', communes: ['07210'] };
const cBoth: Jurisdiction = { level: 'communes', communes: ['07210', '12001'] };

const principal = (role: Role, jurisdiction: Jurisdiction): Principal => ({
  userId: 'u1',
  username: 'u',
  role,
  jurisdiction,
  lang: 'vi',
  via: 'session',
});

/** The AppError code a call throws, or 'ok'. */
const outcome = (f: () => void): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (!isAppError(err)) throw err;
    return err.code;
  }
};

describe('coversArea', () => {
  const C = (code: string): Area => ({ level: 'commune', code });
  const P = (code: string): Area => ({ level: 'province', code });
  const N: Area = { level: 'national' };
  it.each<[string, Jurisdiction, Area, boolean]>([
    ['national: a commune', national, C('12001'), true],
    ['national: a province', national, P('33'), true],
    ['national: the nation', national, N, true],
    ['province 24: its commune', p24, C('07213'), true],
    ['province 24: a commune of 33', p24, C('12001'), false],
    ['province 24: an unknown commune', p24, C('99999'), false],
    ['province 24: itself', p24, P('24'), true],
    ['province 24: province 33', p24, P('33'), false],
    ['province 24: the nation', p24, N, false],
    ['communes [07210]: 07210', c07210, C('07210'), true],
    ['communes [07210]: 07213 in the same province', c07210, C('07213'), false],
    ['communes [07210]: its province total', c07210, P('24'), false],
    ['communes [07210]: the nation', c07210, N, false],
  ])('%s → %s', (_what, j, area, expected) => {
    expect(coversArea(j, area, units)).toBe(expected);
  });
});

describe('requireArea', () => {
  it('refuses with FORBIDDEN naming the commune or province in both languages', () => {
    let caught: unknown;
    try {
      requireArea(principal('officer', p24), { level: 'commune', code: '12001' }, units);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught) && caught.code).toBe('FORBIDDEN');
    expect((caught as Error).message).toMatch(/commune 12001 \(Hiến Nam\) is outside your jurisdiction/);
    expect((caught as Error).message).toMatch(/xã\/phường 12001 \(Hiến Nam\) nằm ngoài địa bàn/);
    expect(outcome(() => requireArea(principal('officer', c07210), { level: 'province', code: '24' }, units))).toBe('FORBIDDEN');
    expect(() => requireArea(principal('officer', c07210), { level: 'province', code: '24' }, units)).toThrow(/tỉnh 24 \(Bắc Ninh\)/);
    expect(outcome(() => requireArea(principal('officer', p24), { level: 'commune', code: '07210' }, units))).toBe('ok');
  });
});

describe('requirePermission', () => {
  const expected: Record<string, Role[]> = {
    'read:aggregates': ['officer', 'epidemiologist', 'data_manager', 'admin'],
    'read:dead_letters': ['data_manager', 'admin'],
  };
  for (const [permission, allowed] of Object.entries(expected)) {
    it.each(ROLES.map((r) => [r, allowed.includes(r) ? 'ok' : 'FORBIDDEN'] as const))(`${permission}: %s → %s`, (role, want) => {
      expect(outcome(() => requirePermission(principal(role, national), permission as 'read:aggregates'))).toBe(want);
    });
  }
});

describe('lists', () => {
  it.each<[string, Jurisdiction, string[]]>([
    ['national', national, ALL],
    ['province 24', p24, ['07210', '07213']],
    ['communes [07210]', c07210, ['07210']],
    ['communes across provinces', cBoth, ['07210', '12001']],
    ['a province without communes', { level: 'province', province: '99' }, []],
  ])('visibleCommunes %s', (_w, j, want) => {
    expect(visibleCommunes(j, ALL, units)).toEqual(want);
  });

  it.each<[string, Jurisdiction, string[] | undefined]>([
    ['national: no filter', national, undefined],
    ['province 24: its communes and itself', p24, ['07210', '07213', '24']],
    ['communes: the communes only, never their province', c07210, ['07210']],
  ])('alertAreaCodes %s', (_w, j, want) => {
    expect(alertAreaCodes(j, ALL, units)).toEqual(want);
  });
});

describe('alertVisible', () => {
  const commune = (c: string) => ({ area_level: 'commune' as const, commune_code: c, cluster_communes: [] });
  const province = (p: string) => ({ area_level: 'province' as const, commune_code: p, cluster_communes: [] });
  const cluster = (cs: string[]) => ({ area_level: 'cluster' as const, commune_code: cs[0]!, cluster_communes: cs });
  it.each<[string, Jurisdiction, Parameters<typeof alertVisible>[1], boolean]>([
    ['national sees a cluster across provinces', national, cluster(['07210', '12001']), true],
    ['province 24 sees its commune', p24, commune('07213'), true],
    ['province 24 does not see 33', p24, commune('12001'), false],
    ['province 24 sees its province alert', p24, province('24'), true],
    ['province 24 does not see province 33', p24, province('33'), false],
    ['province 24 sees a cluster inside it', p24, cluster(['07210', '07213']), true],
    ['province 24 does not see a cluster reaching into 33', p24, cluster(['07210', '12001']), false],
    ['communes [07210] does not see its province alert', c07210, province('24'), false],
    ['communes [07210] does not see a cluster with a neighbour', c07210, cluster(['07210', '07213']), false],
    ['communes across provinces see a cluster of theirs', cBoth, cluster(['12001', '07210']), true],
  ])('%s', (_w, j, a, want) => {
    expect(alertVisible(j, a, units)).toBe(want);
  });
});

describe('dead letters by hospital province', () => {
  const hospitals = [
    { id: 'BV-24', provinceCode: '24' },
    { id: 'BV-33', provinceCode: '33' },
    { id: 'BV-NONE', provinceCode: null },
  ];
  it.each<[string, Jurisdiction, string[] | undefined]>([
    ['national: no filter', national, undefined],
    ['province 24: its hospitals', p24, ['BV-24']],
    ['communes: none (hospitals belong to provinces)', c07210, []],
  ])('visibleHospitalIds %s', (_w, j, want) => {
    expect(visibleHospitalIds(j, hospitals)).toEqual(want);
  });
  it.each<[string, Jurisdiction, string, boolean]>([
    ['national sees a hospital without province', national, 'BV-NONE', true],
    ['national sees an unregistered hospital', national, 'BV-UNKNOWN', true],
    ['province 24 sees BV-24', p24, 'BV-24', true],
    ['province 24 does not see BV-33', p24, 'BV-33', false],
    ['province 24 does not see a hospital without province', p24, 'BV-NONE', false],
    ['province 24 does not see an unregistered hospital', p24, 'BV-UNKNOWN', false],
  ])('%s', (_w, j, id, want) => {
    expect(
      hospitalVisible(
        j,
        hospitals.find((h) => h.id === id),
      ),
    ).toBe(want);
    expect(outcome(() => requireHospital(principal('data_manager', j), id, hospitals))).toBe(want ? 'ok' : 'FORBIDDEN');
  });
});
