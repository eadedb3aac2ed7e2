import { bboxOf, polygonsOf, type CommuneGeometry, type Position } from './geometry.ts';

/**
 * A commune map as a standalone SVG document (for the weekly bulletin, a PDF or an e-mail):
 * one `<path>` per commune filled by its alert level, thin borders, optional labels, a
 * note when shapes are approximate. The projection is fitted to width × height with a margin,
 * keeping the aspect ratio. No I/O, no DOM: text in, text out, every text escaped.
 */

export type MapLevel = 'red' | 'yellow' | null;

export interface SvgFeature {
  code: string;
  geometry: CommuneGeometry;
  /** Label text (drawn at the shape's bounding-box centre when labels are on). */
  name?: string;
  approximate?: boolean;
}

export interface SvgMapOptions {
  width: number;
  height: number;
  /** `mercator` (Web Mercator, as web maps) or `equirectangular` (longitude scaled by cos of the mean latitude); default mercator. */
  projection?: 'mercator' | 'equirectangular';
  /** Margin in pixels; default 8. */
  padding?: number;
  /** Draw each feature's name; default false. */
  labels?: boolean;
  /** Fill by level; default red #d7301f, yellow #fdcc3a, none #e5e7eb. */
  colours?: Partial<Record<'red' | 'yellow' | 'none', string>>;
  /** A title element (accessible name of the SVG). */
  title?: string;
  /** A line drawn at the bottom when any feature is approximate (e.g. "Approximate boundaries"). */
  approximateNote?: string;
}

const DEFAULT_COLOURS = { red: '#d7301f', yellow: '#fdcc3a', none: '#e5e7eb' };

type Project = (p: Position) => [number, number];

/** The projection of lon/lat onto the plane before fitting (y grows northwards). */
function planeOf(kind: 'mercator' | 'equirectangular', meanLat: number): Project {
  if (kind === 'equirectangular') {
    const k = Math.cos((meanLat * Math.PI) / 180);
    return ([lon, lat]) => [lon * k, lat];
  }
  return ([lon, lat]) => [lon, (Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * 180) / Math.PI];
}

/** A projection fitted to the box: the features' extent centred, scaled to fit, y turned downwards. */
export function fitProjection(
  geometries: readonly CommuneGeometry[],
  options: Pick<SvgMapOptions, 'width' | 'height' | 'padding' | 'projection'>,
): Project {
  const [x0, y0, x1, y1] = bboxOf(geometries);
  const plane = planeOf(options.projection ?? 'mercator', (y0 + y1) / 2);
  const [px0, py0] = plane([x0, y0]);
  const [px1, py1] = plane([x1, y1]);
  const pad = options.padding ?? 8;
  const w = Math.max(options.width - 2 * pad, 1);
  const h = Math.max(options.height - 2 * pad, 1);
  const scale = Math.min(w / Math.max(px1 - px0, 1e-9), h / Math.max(py1 - py0, 1e-9));
  const ox = pad + (w - (px1 - px0) * scale) / 2;
  const oy = pad + (h - (py1 - py0) * scale) / 2;
  return (p) => {
    const [x, y] = plane(p);
    return [ox + (x - px0) * scale, oy + (py1 - y) * scale];
  };
}

/** The SVG path data of a geometry (holes as further subpaths; the even-odd rule cuts them out). */
export function pathData(g: CommuneGeometry, project: Project): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  return polygonsOf(g)
    .flatMap((poly) =>
      poly.map(
        (ring) =>
          ring
            .map((pos, i) => {
              const [x, y] = project(pos);
              return `${i === 0 ? 'M' : 'L'}${r(x)},${r(y)}`;
            })
            .join('') + 'Z',
      ),
    )
    .join('');
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The standalone SVG: one path per feature (`data-code`, `data-level`), filled by `levels[code]`. */
export function renderSvgMap(features: readonly SvgFeature[], levels: Readonly<Record<string, MapLevel>>, options: SvgMapOptions): string {
  const colours = { ...DEFAULT_COLOURS, ...options.colours };
  const { width, height } = options;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
  ];
  if (options.title !== undefined) out.push(`<title>${escapeXml(options.title)}</title>`);
  if (features.length > 0) {
    const project = fitProjection(
      features.map((f) => f.geometry),
      options,
    );
    out.push('<g stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">');
    for (const f of features) {
      const level = levels[f.code] ?? null;
      const fill = level === null ? colours.none : colours[level];
      const name = f.name === undefined ? '' : `<title>${escapeXml(f.name)}</title>`;
      out.push(
        `<path data-code="${escapeXml(f.code)}" data-level="${level ?? 'none'}" fill="${escapeXml(fill)}" d="${pathData(f.geometry, project)}">${name}</path>`,
      );
    }
    out.push('</g>');
    if (options.labels) {
      out.push('<g font-family="sans-serif" font-size="7" fill="#1b1f24" text-anchor="middle">');
      for (const f of features) {
        if (f.name === undefined) continue;
        const [x0, y0, x1, y1] = bboxOf([f.geometry]);
        const [x, y] = project([(x0 + x1) / 2, (y0 + y1) / 2]);
        out.push(`<text class="label" x="${x.toFixed(1)}" y="${y.toFixed(1)}">${escapeXml(f.name)}</text>`);
      }
      out.push('</g>');
    }
    if (options.approximateNote !== undefined && features.some((f) => f.approximate))
      out.push(
        `<text class="note" x="${width - 4}" y="${height - 4}" font-family="sans-serif" font-size="9" text-anchor="end" fill="#555">${escapeXml(options.approximateNote)}</text>`,
      );
  }
  out.push('</svg>');
  return out.join('\n');
}
