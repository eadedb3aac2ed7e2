import type { AlertArea, AlertLevel, AreaLevel, EvidenceItem } from '../schemas/alert-lifecycle.ts';

/**
 * Where and when an event is: the spans, communes and areas grouping compares and widens
 * (alerts/grouping.ts). Days are YYYY-MM-DD strings, compared as strings.
 */

export const DAY_MS = 86_400_000;
/** Narrow to wide: an alert takes the widest area of its evidence. */
export const AREA_RANK: Readonly<Record<AreaLevel, number>> = { commune: 0, cluster: 1, province: 2 };
export const LEVEL_RANK: Readonly<Record<AlertLevel, number>> = { yellow: 0, red: 1 };

/** `<family>|<area level>:<area code>`. */
export const criterionOf = (family: string, area: Pick<AlertArea, 'level' | 'code'>): string => `${family}|${area.level}:${area.code}`;

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The days an item covers: a weekly one its ISO week, a cluster its days up to `day`. */
export function evidenceSpan(e: EvidenceItem): { from: string; to: string } {
  if (e.granularity === 'week') return { from: e.day, to: addDays(e.day, 6) };
  return { from: addDays(e.day, 1 - e.cluster_days), to: e.day };
}

/** Communes an item names: a cluster's members, a commune; none for a province. */
export function evidenceCommunes(e: EvidenceItem): string[] {
  if (e.area_level === 'province') return [];
  if (e.area_level === 'cluster' && e.cluster_communes.length > 0) return e.cluster_communes;
  return [e.area_code];
}

/** Identity of an item: evaluated again, it replaces its figures. */
export const evidenceKey = (e: EvidenceItem): string =>
  [e.source, e.algorithm, e.series, e.area_level, e.area_code, e.granularity, e.day].join('|');

/**
 * Does the item's area overlap the alert's? A shared commune; or one inside the other's
 * province: the item in a province alert's province, or a province item over the alert's communes.
 */
export function areaOverlaps(area: AlertArea, e: EvidenceItem, provinceOf: (c: string) => string | undefined): boolean {
  const communes = evidenceCommunes(e);
  if (communes.some((c) => area.communes.includes(c))) return true;
  if (area.level === 'province' && e.area_level === 'province' && e.area_code === area.code) return true;
  if (area.level === 'province' && communes.some((c) => provinceOf(c) === area.code)) return true;
  return e.area_level === 'province' && area.communes.some((c) => provinceOf(c) === e.area_code);
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The area widened by another: the wider level and its code, the communes of both. */
export function widen(area: AlertArea, level: AreaLevel, code: string, communes: readonly string[]): AlertArea {
  const wider = AREA_RANK[level] > AREA_RANK[area.level];
  const merged = [...area.communes, ...communes.filter((c) => !area.communes.includes(c))];
  return { level: wider ? level : area.level, code: wider ? code : area.code, communes: merged };
}

export const maxLevel = (a: AlertLevel, b: AlertLevel): AlertLevel => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a);

export const minDay = (a: string, b: string): string => (b < a ? b : a);

export const maxDay = (a: string, b: string): string => (b > a ? b : a);
