import type { MapCommune } from './bulletin-data.ts';
import { esc } from './escape.ts';

/**
 * A simple SVG map of the province: one dot per commune centroid, coloured by its alert level,
 * the communes with an alert named. Used until commune polygons (dashboards/geo/svg-map.ts)
 * are at hand, so that the bulletin stands on its own. Pure; every text escaped.
 */

export const LEVEL_COLOURS = Object.freeze({ red: '#c62828', yellow: '#f9a825', none: '#b0bec5' });

export interface DotMapOptions {
  width?: number;
  height?: number;
  /** The accessible title of the figure. */
  title: string;
}

const PAD = 18;

/** The SVG (a string) of the communes; an empty frame when there is none. */
export function dotMapSvg(communes: readonly MapCommune[], options: DotMapOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(options.title)}"><title>${esc(options.title)}</title><rect x="0" y="0" width="${width}" height="${height}" fill="#f7f9fa" stroke="#cfd8dc"/>`;
  if (communes.length === 0) return `${open}</svg>`;
  const lats = communes.map((c) => c.lat);
  const lons = communes.map((c) => c.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  // Equirectangular with the longitudes shrunk by cos(latitude): true shape at this scale.
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((width - 2 * PAD) / spanX, (height - 2 * PAD) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const x = (lon: number) => offX + (lon - minLon) * k * scale;
  const y = (lat: number) => offY + (maxLat - lat) * scale;
  const f = (n: number) => n.toFixed(1);
  // Communes without an alert first, so the coloured dots are drawn over them.
  const order = [...communes].sort((a, b) => rank(a.level) - rank(b.level) || a.code.localeCompare(b.code));
  const dots = order.map(
    (c) =>
      `<circle cx="${f(x(c.lon))}" cy="${f(y(c.lat))}" r="${c.level === 'none' ? 3.5 : 6}" fill="${LEVEL_COLOURS[c.level]}" stroke="#fff" stroke-width="1" data-commune="${esc(c.code)}" data-level="${c.level}"><title>${esc(`${c.name} (${c.code})`)}</title></circle>`,
  );
  const labels = order
    .filter((c) => c.level !== 'none')
    .map(
      (c) =>
        `<text x="${f(x(c.lon) + 8)}" y="${f(y(c.lat) + 4)}" font-size="11" fill="#263238" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(c.name)}</text>`,
    );
  return `${open}${dots.join('')}${labels.join('')}</svg>`;
}

const rank = (l: MapCommune['level']) => (l === 'none' ? 0 : l === 'yellow' ? 1 : 2);
