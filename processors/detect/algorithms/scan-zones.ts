/**
 * Candidate zones of the space-time scan: for each commune, itself plus its nearest
 * neighbours by centroid distance (schemas/units registry), growing one commune at a time,
 * the circles of Kulldorff's scan restricted to the communes' centroids.
 */
import { createUnitRegistry, type Unit } from '../../../schemas/units/registry.ts';
import { invalidField } from './errors.ts';

export interface ZoneOptions {
  /** Most neighbours added to a centre (zones have 1 … maxNeighbours + 1 communes). Default 10. */
  readonly maxNeighbours?: number;
  /** Leave out neighbours farther than this from the centre, km. Default no limit. */
  readonly maxRadiusKm?: number;
}

/**
 * For each unit (by position in `units`), the positions of itself and its nearest
 * neighbours, nearest first (ties by code). Zone j of centre i is the first j + 1 entries.
 */
export function nearestZones(units: readonly Unit[], options: ZoneOptions = {}): number[][] {
  const k = options.maxNeighbours ?? 10;
  if (!Number.isInteger(k) || k < 0) throw invalidField('maxNeighbours', 'must be an integer ≥ 0');
  const radius = options.maxRadiusKm ?? Infinity;
  if (!(radius > 0)) throw invalidField('maxRadiusKm', 'must be > 0');
  const registry = createUnitRegistry(units);
  const position = new Map(units.map((u, i) => [u.code, i]));
  return units.map((u, i) => [
    i,
    ...registry
      .neighbours(u.code, Math.min(k, units.length - 1))
      .filter((v) => registry.distanceKm(u, v) <= radius)
      .map((v) => position.get(v.code) as number),
  ]);
}
