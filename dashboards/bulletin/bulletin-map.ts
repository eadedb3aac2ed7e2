import { approximateShapes } from '../geo/boundaries.ts';
import type { CommuneShape } from '../geo/geometry.ts';
import { escapeXml, fitProjection, renderSvgMap, type SvgFeature } from '../geo/svg-map.ts';
import type { MapCommune } from './bulletin-data.ts';

/**
 * The bulletin's map: the province's commune polygons (dashboards/geo/svg-map.ts), each filled
 * by its highest alert level of the week. Names are not written on the map (a province has a
 * hundred communes or more: they would overlap illegibly); each commune with an alert gets a
 * number in a white disc at its centre instead, and the bulletin lists number → name beside
 * the map (`mapKey`). Pure: the same data give the same bytes.
 */

/** The fills of the alert levels, on the map and in its key. */
export const LEVEL_COLOURS = Object.freeze({ red: '#c62828', yellow: '#f9a825', none: '#dfe5e8' });

/** At most this many communes are numbered (red first); the key says how many more have an alert (a province-wide alert fills them all). */
export const MAX_MARKS = 30;

/** The map's drawing box (its aspect ratio; the PDF scales it to at most 95 mm high). */
export const MAP_SIZE = Object.freeze({ width: 640, height: 400 });

export interface MapKeyEntry {
  n: number;
  code: string;
  name: string;
  level: 'red' | 'yellow';
}

const RANK = { red: 2, yellow: 1, none: 0 } as const;

/**
 * The numbered communes: those with an alert, red first, then by name (then code), numbered
 * from 1, at most MAX_MARKS; `more` counts the alerted communes left unnumbered.
 */
export function mapKey(communes: readonly MapCommune[]): { entries: MapKeyEntry[]; more: number } {
  const alerted = communes
    .filter((c): c is MapCommune & { level: 'red' | 'yellow' } => c.level !== 'none')
    .sort((a, b) => RANK[b.level] - RANK[a.level] || a.name.localeCompare(b.name, 'vi') || a.code.localeCompare(b.code));
  return {
    entries: alerted.slice(0, MAX_MARKS).map((c, i) => ({ n: i + 1, code: c.code, name: c.name, level: c.level })),
    more: Math.max(alerted.length - MAX_MARKS, 0),
  };
}

export interface BulletinMapOptions {
  title: string;
  /** Drawn at the foot when any shape is approximate. */
  approximateNote: string;
  /**
   * The deployment's commune shapes (EWS_BOUNDARIES_GEOJSON, cli/map-shapes.ts); without
   * them, approximate cells of the registry's centroids (`registry`) as the overview map draws.
   */
  shapes?: readonly CommuneShape[] | undefined;
  /** Every commune of the registry (centroids), for approximate cells shaped as the overview's. */
  registry: readonly { code: string; provinceCode: string; lon: number; lat: number }[];
}

/** The SVG of the province's communes, filled by level, the alerted communes numbered as `mapKey` does. */
export function bulletinMapSvg(communes: readonly MapCommune[], options: BulletinMapOptions): string {
  const wanted = new Set(communes.map((c) => c.code));
  const shapes = (options.shapes ?? approximateShapes(options.registry)).filter((s) => wanted.has(s.code));
  const byCode = new Map(communes.map((c) => [c.code, c]));
  const features: SvgFeature[] = shapes.map((s) => ({
    code: s.code,
    geometry: s.geometry,
    name: byCode.get(s.code)?.name ?? s.code,
    approximate: s.approximate,
  }));
  const levels = Object.fromEntries(communes.map((c) => [c.code, c.level === 'none' ? null : c.level]));
  const svgOptions = {
    ...MAP_SIZE,
    padding: 12,
    projection: 'mercator' as const,
    colours: LEVEL_COLOURS,
    title: options.title,
    approximateNote: options.approximateNote,
  };
  const svg = renderSvgMap(features, levels, svgOptions);
  if (features.length === 0) return svg;
  // The numbers, over the shapes, at each commune's centre in the same projection.
  const project = fitProjection(
    features.map((f) => f.geometry),
    svgOptions,
  );
  const marks = mapKey(communes).entries.map((k) => {
    const c = byCode.get(k.code)!;
    const [x, y] = project([c.lon, c.lat]);
    const r = k.n < 10 ? 6.5 : 8;
    return `<g class="mark" data-code="${escapeXml(k.code)}"><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="#ffffff" stroke="#263238" stroke-width="0.8"/><text x="${x.toFixed(1)}" y="${(y + 3).toFixed(1)}" font-family="sans-serif" font-size="8.5" font-weight="bold" text-anchor="middle" fill="#263238">${k.n}</text></g>`;
  });
  return svg.replace(/<\/svg>$/, `${marks.join('\n')}\n</svg>`);
}
