import type { AlertLevel } from '../schemas/alert-lifecycle.ts';
import type { CommuneShape } from './geo/geometry.ts';

/**
 * The overview map's figures per commune, from plain data: the active lifecycle alerts, the
 * last closed days' counts and the communes' shapes. Pure: the route (map-routes.ts) reads,
 * this decides.
 */

/** An active alert as the map needs it: its level and the communes its evidence names. */
export interface MapAlert {
  level: AlertLevel;
  area: { communes: readonly string[] };
}

export interface MapCommune {
  code: string;
  name: string;
  province_code: string;
  province_name: string;
}

export interface MapProperties extends MapCommune {
  approximate: boolean;
  level: AlertLevel | null;
  open_alerts: number;
  events_7d: number;
  top_syndrome: string | null;
}

export interface MapFeature {
  type: 'Feature';
  id: string;
  geometry: CommuneShape['geometry'];
  properties: MapProperties;
}

const RANK: Record<AlertLevel, number> = { yellow: 1, red: 2 };

/** Per commune: the highest level among the alerts naming it, and how many do. */
export function alertsByCommune(alerts: readonly MapAlert[]): Map<string, { level: AlertLevel; count: number }> {
  const out = new Map<string, { level: AlertLevel; count: number }>();
  for (const a of alerts)
    for (const c of new Set(a.area.communes)) {
      const had = out.get(c);
      if (!had) out.set(c, { level: a.level, count: 1 });
      else out.set(c, { level: RANK[a.level] > RANK[had.level] ? a.level : had.level, count: had.count + 1 });
    }
  return out;
}

/** Sums of counts per commune and series (`commune|series` → total). */
export function totals(rows: readonly { commune_code: string; syndrome: string; count: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(`${r.commune_code}|${r.syndrome}`, (out.get(`${r.commune_code}|${r.syndrome}`) ?? 0) + r.count);
  return out;
}

/** The syndrome with the most events in the commune (ties: the first in `syndromes`); null when none has any. */
export function topSyndrome(commune: string, sums: ReadonlyMap<string, number>, syndromes: readonly string[]): string | null {
  let best: string | null = null;
  let most = 0;
  for (const s of syndromes) {
    const n = sums.get(`${commune}|${s}`) ?? 0;
    if (n > most) [best, most] = [s, n];
  }
  return best;
}

/** One feature per visible commune that has a shape, in the communes' order. */
export function mapFeatures(input: {
  communes: readonly MapCommune[];
  shapes: ReadonlyMap<string, CommuneShape>;
  alerts: readonly MapAlert[];
  sums: ReadonlyMap<string, number>;
  /** The series `events_7d` counts (`_visits`, or the syndrome asked for). */
  eventsSeries: string;
  syndromes: readonly string[];
}): MapFeature[] {
  const byCommune = alertsByCommune(input.alerts);
  return input.communes.flatMap((c): MapFeature[] => {
    const shape = input.shapes.get(c.code);
    if (!shape) return [];
    const a = byCommune.get(c.code);
    return [
      {
        type: 'Feature',
        id: c.code,
        geometry: shape.geometry,
        properties: {
          code: c.code,
          name: c.name,
          province_code: c.province_code,
          province_name: c.province_name,
          approximate: shape.approximate,
          level: a?.level ?? null,
          open_alerts: a?.count ?? 0,
          events_7d: input.sums.get(`${c.code}|${input.eventsSeries}`) ?? 0,
          top_syndrome: topSyndrome(c.code, input.sums, input.syndromes),
        },
      },
    ];
  });
}
