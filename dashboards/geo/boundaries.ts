import { voronoiCells, type CellOptions } from './cells.ts';
import type { Centroid, CommuneGeometry, CommuneShape, Position, Ring } from './geometry.ts';

/**
 * The deployment's commune boundaries (EWS_BOUNDARIES_GEOJSON): a GeoJSON FeatureCollection
 * whose features are Polygons or MultiPolygons, each naming its commune code in a property
 * (`code` unless configured). Checked as a whole before the service starts: every bad feature
 * is reported by its index (and code when it has one), so the file can be fixed in one pass.
 * Features of communes the registry does not know are left out and reported as warnings (a
 * national file serves a province too); registry communes the file lacks get approximate
 * cells (cells.ts), flagged `approximate`.
 */

export interface BoundaryOptions {
  /** The feature property holding the 5-digit commune code; default `code`. */
  codeProperty?: string;
  /** Most problems listed in the message; default 10 (the count of the rest is given). */
  maxListed?: number;
  cells?: CellOptions;
}

export type BoundaryResult = { ok: true; shapes: CommuneShape[]; warnings: string[] } | { ok: false; message: string; problems: string[] };

const MAX_PROBLEMS = 10;

/**
 * Validates the parsed file against the registry and completes it: one shape per registry
 * commune, in the registry's order. `ok: false` names every bad feature (up to `maxListed`).
 */
export function boundariesFrom(json: unknown, registry: readonly Centroid[], options: BoundaryOptions = {}): BoundaryResult {
  const codeProperty = options.codeProperty ?? 'code';
  const maxListed = options.maxListed ?? MAX_PROBLEMS;
  const problems: string[] = [];
  const known = new Set(registry.map((c) => c.code));
  const found = new Map<string, CommuneGeometry>();
  const unknown: string[] = [];

  if (!isObject(json) || json['type'] !== 'FeatureCollection' || !Array.isArray(json['features'])) {
    const what = isObject(json) ? `type ${JSON.stringify(json['type'])}` : typeof json;
    return fail([`not a GeoJSON FeatureCollection with a "features" array (found ${what})`], maxListed);
  }
  for (const [i, f] of (json['features'] as unknown[]).entries()) {
    const where = `feature ${i}`;
    if (!isObject(f) || f['type'] !== 'Feature') {
      problems.push(`${where}: not a GeoJSON Feature`);
      continue;
    }
    const props = f['properties'];
    const raw = isObject(props) ? props[codeProperty] : undefined;
    const code = typeof raw === 'number' ? String(raw).padStart(5, '0') : raw;
    if (typeof code !== 'string' || code === '') {
      problems.push(`${where}: no commune code in property "${codeProperty}"`);
      continue;
    }
    const label = `${where} (${codeProperty} ${code})`;
    const geometryProblem = checkGeometry(f['geometry']);
    if (geometryProblem) {
      problems.push(`${label}: ${geometryProblem}`);
      continue;
    }
    if (!known.has(code)) {
      unknown.push(code);
      continue;
    }
    if (found.has(code)) {
      problems.push(`${label}: a second feature for the same commune`);
      continue;
    }
    found.set(code, f['geometry'] as CommuneGeometry);
  }
  if (problems.length > 0) return fail(problems, maxListed);
  if (found.size === 0)
    return fail([`no feature names a commune of the registry in property "${codeProperty}" (is the code property right?)`], maxListed);

  const missing = registry.filter((c) => !found.has(c.code));
  // Cells from every centroid (so they do not overlap the communes around them), kept for the missing ones only.
  const cells =
    missing.length > 0 ? new Map(voronoiCells(registry, options.cells).map((s) => [s.code, s])) : new Map<string, CommuneShape>();
  const shapes = registry.map((c): CommuneShape => {
    const g = found.get(c.code);
    return g ? { code: c.code, geometry: g, approximate: false } : cells.get(c.code)!;
  });
  const warnings: string[] = [];
  if (unknown.length > 0)
    warnings.push(`${unknown.length} feature(s) of communes not in the registry left out: ${listed(unknown, maxListed)}`);
  if (missing.length > 0)
    warnings.push(
      `${missing.length} registry commune(s) not in the file, drawn as approximate cells: ${listed(
        missing.map((m) => m.code),
        maxListed,
      )}`,
    );
  return { ok: true, shapes, warnings };
}

/** Shapes when the deployment supplies no file: an approximate cell for every commune. */
export function approximateShapes(registry: readonly Centroid[], cells?: CellOptions): CommuneShape[] {
  return voronoiCells(registry, cells);
}

function fail(problems: string[], maxListed: number): BoundaryResult {
  const shown = problems.slice(0, maxListed);
  const more = problems.length > maxListed ? `; and ${problems.length - maxListed} more` : '';
  return { ok: false, message: `${shown.join('; ')}${more}`, problems };
}

function listed(codes: readonly string[], max: number): string {
  return codes.length > max ? `${codes.slice(0, max).join(', ')}, …` : codes.join(', ');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Why the geometry is not a usable Polygon or MultiPolygon, or undefined when it is. */
export function checkGeometry(g: unknown): string | undefined {
  if (!isObject(g)) return 'no geometry';
  if (g['type'] !== 'Polygon' && g['type'] !== 'MultiPolygon')
    return `geometry type ${JSON.stringify(g['type'])} is not Polygon or MultiPolygon`;
  const c = g['coordinates'];
  if (!Array.isArray(c) || c.length === 0) return 'geometry has no coordinates';
  const polygons: unknown[] = g['type'] === 'Polygon' ? [c] : c;
  for (const [p, poly] of polygons.entries()) {
    if (!Array.isArray(poly) || poly.length === 0) return `polygon ${p} has no rings`;
    for (const [r, ring] of poly.entries()) {
      const why = checkRing(ring);
      if (why) return `${g['type'] === 'MultiPolygon' ? `polygon ${p} ` : ''}ring ${r}: ${why}`;
    }
  }
  return undefined;
}

function checkRing(ring: unknown): string | undefined {
  if (!Array.isArray(ring) || ring.length < 4) return 'a ring needs at least 4 positions';
  for (const pos of ring as unknown[]) {
    if (!Array.isArray(pos) || pos.length < 2 || !pos.every((n) => typeof n === 'number' && Number.isFinite(n)))
      return `position ${JSON.stringify(pos)} is not [longitude, latitude]`;
    const [lon, lat] = pos as Position;
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return `position [${lon}, ${lat}] is outside longitude ±180 / latitude ±90`;
  }
  const r = ring as Ring;
  const [a, b] = [r[0]!, r[r.length - 1]!];
  if (a[0] !== b[0] || a[1] !== b[1]) return 'ring is not closed (first and last positions differ)';
  return undefined;
}
