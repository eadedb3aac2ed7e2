import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { approximateShapes, boundariesFrom } from '../dashboards/geo/boundaries.ts';
import type { Centroid, CommuneShape } from '../dashboards/geo/geometry.ts';
import type { Unit } from '../schemas/units/registry.ts';

/**
 * The overview map's commune shapes, once at start: the deployment's EWS_BOUNDARIES_GEOJSON
 * (checked against the registry; communes it lacks drawn as approximate cells) or, without
 * one, approximate cells for every commune. A file that cannot be read, is not JSON or has a
 * bad feature stops start-up with a message naming the variable, the file and the features.
 */
export function loadMapShapes(
  config: { EWS_BOUNDARIES_GEOJSON?: string | undefined; EWS_BOUNDARIES_CODE_PROPERTY: string },
  units: readonly Unit[],
  log: Logger,
): CommuneShape[] {
  const registry: Centroid[] = units.map((u) => ({ code: u.code, provinceCode: u.provinceCode, lon: u.lon, lat: u.lat }));
  const path = config.EWS_BOUNDARIES_GEOJSON;
  if (path === undefined) return approximateShapes(registry);
  const fail = (why: string, cause?: unknown) => new Error(`EWS_BOUNDARIES_GEOJSON: '${path}': ${why}`, { cause });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw fail(code === 'ENOENT' ? 'no such file' : `cannot read it${code ? ` (${code})` : ''}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`not JSON: ${(err as Error).message}`, err);
  }
  const r = boundariesFrom(json, registry, { codeProperty: config.EWS_BOUNDARIES_CODE_PROPERTY });
  if (!r.ok) throw fail(r.message);
  for (const warning of r.warnings) log.warn({ file: path }, `boundaries: ${warning}`);
  return r.shapes;
}
