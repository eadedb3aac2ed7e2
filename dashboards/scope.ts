import { AppError } from '../platform/errors.ts';
import type { Alert } from '../schemas/alerts.ts';
import {
  coversCommune,
  coversNation,
  coversProvince,
  permits,
  type Jurisdiction,
  type Permission,
  type Principal,
} from '../schemas/access.ts';

/**
 * What a caller may read (issue 9): pure decisions over a Principal and plain data, used by
 * the read routes. Asked for by code, an area outside the jurisdiction is FORBIDDEN (403);
 * in a list it is left out. An aggregate is visible only when the jurisdiction covers every
 * commune in it: a province's total needs the province, the nation's needs the nation, a
 * space-time cluster needs all of its communes.
 */

/** An area an answer is about. */
export type Area = { level: 'commune'; code: string } | { level: 'province'; code: string } | { level: 'national' };

/** What the decisions need to know about the units: each commune's province and names for messages. */
export interface UnitIndex {
  provinceOf(commune: string): string | undefined;
  communeName?(commune: string): string | undefined;
  provinceName?(province: string): string | undefined;
}

/** A hospital as the dead-letter scope sees it. */
export interface ScopedHospital {
  id: string;
  provinceCode: string | null;
}

/** Throws FORBIDDEN unless the role has the permission. */
export function requirePermission(p: Principal, permission: Permission): void {
  if (permits(p.role, permission)) return;
  throw new AppError(
    'FORBIDDEN',
    `the role ${p.role} may not do this (${permission}) / vai trò ${p.role} không được phép (${permission})`,
    { details: { permission, role: p.role } },
  );
}

/** Whether the jurisdiction covers the area. */
export function coversArea(j: Jurisdiction, area: Area, units: UnitIndex): boolean {
  switch (area.level) {
    case 'commune':
      return coversCommune(j, area.code, (c) => units.provinceOf(c));
    case 'province':
      return coversProvince(j, area.code);
    case 'national':
      return coversNation(j);
  }
}

/** Throws FORBIDDEN, naming the area in Vietnamese and English, unless the principal's jurisdiction covers it. */
export function requireArea(p: Principal, area: Area, units: UnitIndex): void {
  if (coversArea(p.jurisdiction, area, units)) return;
  throw new AppError('FORBIDDEN', outsideMessage(area, units), { details: { area, jurisdiction: p.jurisdiction } });
}

function outsideMessage(area: Area, units: UnitIndex): string {
  switch (area.level) {
    case 'commune': {
      const name = units.communeName?.(area.code);
      const label = name ? `${area.code} (${name})` : area.code;
      return `commune ${label} is outside your jurisdiction / xã/phường ${label} nằm ngoài địa bàn của bạn`;
    }
    case 'province': {
      const name = units.provinceName?.(area.code);
      const label = name ? `${area.code} (${name})` : area.code;
      return `province ${label} is outside your jurisdiction / tỉnh ${label} nằm ngoài địa bàn của bạn`;
    }
    case 'national':
      return 'national figures need a national jurisdiction / số liệu toàn quốc chỉ dành cho cấp quốc gia';
  }
}

/** The communes of `all` the jurisdiction covers, in their order. */
export function visibleCommunes(j: Jurisdiction, all: readonly string[], units: UnitIndex): string[] {
  return all.filter((c) => coversCommune(j, c, (x) => units.provinceOf(x)));
}

/** Whether an alert is inside the jurisdiction: its commune, its province, or every commune of its cluster. */
export function alertVisible(
  j: Jurisdiction,
  a: Pick<Alert, 'area_level' | 'commune_code' | 'cluster_communes'>,
  units: UnitIndex,
): boolean {
  switch (a.area_level) {
    case 'commune':
      return coversArea(j, { level: 'commune', code: a.commune_code }, units);
    case 'province':
      return coversArea(j, { level: 'province', code: a.commune_code }, units);
    case 'cluster':
      return [a.commune_code, ...a.cluster_communes].every((c) => coversArea(j, { level: 'commune', code: c }, units));
  }
}

/**
 * The area codes (communes and provinces) whose alerts the jurisdiction may see, for the
 * store to filter on; undefined for a national jurisdiction (no filter).
 */
export function alertAreaCodes(j: Jurisdiction, allCommunes: readonly string[], units: UnitIndex): string[] | undefined {
  if (coversNation(j)) return undefined;
  const communes = visibleCommunes(j, allCommunes, units);
  return j.level === 'province' ? [...communes, j.province] : communes;
}

/** Whether the jurisdiction may see a hospital's dead letters: by its province; one without a province (or unknown) only nationally. */
export function hospitalVisible(j: Jurisdiction, h: ScopedHospital | undefined): boolean {
  if (coversNation(j)) return true;
  return h?.provinceCode != null && coversProvince(j, h.provinceCode);
}

/** The hospital ids whose dead letters the jurisdiction may see; undefined for national (no filter). */
export function visibleHospitalIds(j: Jurisdiction, hospitals: readonly ScopedHospital[]): string[] | undefined {
  if (coversNation(j)) return undefined;
  return hospitals.filter((h) => hospitalVisible(j, h)).map((h) => h.id);
}

/** Throws FORBIDDEN naming the hospital unless its dead letters are visible. */
export function requireHospital(p: Principal, id: string, hospitals: readonly ScopedHospital[]): void {
  if (
    hospitalVisible(
      p.jurisdiction,
      hospitals.find((h) => h.id === id),
    )
  )
    return;
  throw new AppError('FORBIDDEN', `hospital ${id} is outside your jurisdiction / bệnh viện ${id} nằm ngoài địa bàn của bạn`, {
    details: { hospital_id: id, jurisdiction: p.jurisdiction },
  });
}
