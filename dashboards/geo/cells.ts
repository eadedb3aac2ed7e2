import { Delaunay } from 'd3-delaunay';
import type { Centroid, CommuneGeometry, CommuneShape, Position, Ring } from './geometry.ts';

/**
 * Approximate commune shapes when the deployment has no boundaries file: the Voronoi cells of
 * the registry's centroids (every place goes to its nearest commune centre), each clipped to
 * its province's outline so that no cell runs out to the edge of the bounding box. The
 * outline is the convex hull of the province's centroids grown by half the mean distance
 * between neighbouring centres (a commune at the edge keeps about the reach of an inner one).
 *
 * One Voronoi diagram over every commune of every province, so cells never overlap, not even
 * across a provincial border; each cell is then cut to its own province's outline. Computed in
 * a local equirectangular plane (longitude scaled by cos of the mean latitude) so that
 * distances are about the same in both directions, and turned back to degrees at the end.
 */

/** Options of {@link voronoiCells}. */
export interface CellOptions {
  /** Outline growth as a share of the mean nearest-neighbour distance; default 0.5. */
  buffer?: number;
  /** Outline growth of a province with a single commune, in degrees of latitude; default 0.02 (about 2 km). */
  loneRadius?: number;
  /** Decimal places of the coordinates; default 5 (about 1 m). */
  precision?: number;
}

type Pt = [number, number];
const CIRCLE_STEPS = 24;

/** One approximate cell per centroid, in the order given, each flagged `approximate`. */
export function voronoiCells(centroids: readonly Centroid[], options: CellOptions = {}): CommuneShape[] {
  if (centroids.length === 0) return [];
  const buffer = options.buffer ?? 0.5;
  const factor = 10 ** (options.precision ?? 5);
  const meanLat = centroids.reduce((s, c) => s + c.lat, 0) / centroids.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const toPlane = (c: Centroid): Pt => [c.lon * k, c.lat];
  const toDegrees = ([x, y]: Pt): Position => [Math.round((x / k) * factor) / factor, Math.round(y * factor) / factor];

  const points = centroids.map(toPlane);
  const outlines = new Map<string, Pt[]>();
  for (const province of new Set(centroids.map((c) => c.provinceCode))) {
    const own = points.filter((_, i) => centroids[i]!.provinceCode === province);
    const radius = own.length > 1 ? buffer * meanNearestDistance(own) : (options.loneRadius ?? 0.02);
    outlines.set(province, grownHull(own, radius));
  }
  const all = [...outlines.values()].flat();
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const bounds: [number, number, number, number] = [Math.min(...xs) - 1, Math.min(...ys) - 1, Math.max(...xs) + 1, Math.max(...ys) + 1];
  let delaunay = Delaunay.from(points);
  // Centres all on one line: d3's cells of a degenerate triangulation overlap; a nudge of about
  // ten metres (alternately up and down) makes it a proper one.
  if (allOnOneLine(points)) delaunay = Delaunay.from(points.map(([x, y], i) => [x, y + ((i % 2) - 0.5) * 1e-4]));
  const voronoi = delaunay.voronoi(bounds);

  return centroids.map((c, i) => {
    const outline = outlines.get(c.provinceCode)!;
    // A centroid repeated (two communes at the same point) has no cell of its own: a small disc.
    const cell = (voronoi.cellPolygon(i) as Pt[] | null) ?? circle(points[i]!, 0.002);
    const clipped = clipConvex(cell, outline);
    const polygons = clipped.length >= 4 ? [[clipped.map(toDegrees)]] : [];
    return { code: c.code, geometry: geometryOf(polygons, toDegrees(points[i]!)), approximate: true };
  });
}

/** The mean over the points of the distance to the nearest other point (O(n²): a province has a few hundred communes). */
export function meanNearestDistance(points: readonly Pt[]): number {
  let total = 0;
  for (const [i, [x, y]] of points.entries()) {
    let best = Infinity;
    for (const [j, [u, v]] of points.entries()) if (i !== j) best = Math.min(best, Math.hypot(u - x, v - y));
    total += best;
  }
  return total / points.length;
}

/** The convex hull of the points grown by `radius` (the hull of a disc around each point), as a closed ring. */
function grownHull(points: readonly Pt[], radius: number): Pt[] {
  // Only the hull's corners can reach the grown hull's edge (fewer than three points: all of them).
  const corners = points.length < 3 ? points : ((Delaunay.from(points).hullPolygon() as Pt[] | null) ?? points);
  const discs = (corners.length > 0 ? corners : points).flatMap((p) => circle(p, radius).slice(0, -1));
  const hull = Delaunay.from(discs).hullPolygon() as Pt[];
  return [...hull, hull[0]!];
}

/**
 * The part of a convex ring inside a convex outline (Sutherland–Hodgman), as a closed ring:
 * Voronoi cells and grown hulls are both convex, so the cut is one convex piece, exact and
 * fast (a general polygon clipper takes about ten times as long at start-up).
 */
export function clipConvex(subject: readonly Pt[], outline: readonly Pt[]): Pt[] {
  const clip = openRing(outline);
  // Counter-clockwise outline: "inside" is to the left of each edge.
  if (signedArea(clip) < 0) clip.reverse();
  let out = openRing(subject);
  for (let e = 0; e < clip.length && out.length > 0; e++) {
    const a = clip[e]!;
    const b = clip[(e + 1) % clip.length]!;
    const side = (p: Pt) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const p = input[i]!;
      const q = input[(i + 1) % input.length]!;
      const sp = side(p);
      const sq = side(q);
      if (sp >= 0) out.push(p);
      if (sp >= 0 !== sq >= 0) {
        const t = sp / (sp - sq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return out.length >= 3 ? [...out, out[0]!] : [];
}

function openRing(ring: readonly Pt[]): Pt[] {
  const r = [...ring];
  const first = r[0];
  const last = r[r.length - 1];
  if (r.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) r.pop();
  return r;
}

function signedArea(ring: readonly Pt[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

/** Whether three or more points lie on one line (within a millionth of a degree squared). */
function allOnOneLine(points: readonly Pt[]): boolean {
  if (points.length < 3) return false;
  const [a, b] = [points[0]!, points.find((p) => p[0] !== points[0]![0] || p[1] !== points[0]![1])];
  if (!b) return true;
  return points.every((p) => Math.abs((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) < 1e-12);
}

/** A closed ring approximating a circle. */
function circle([x, y]: Pt, r: number): Pt[] {
  const ring: Pt[] = [];
  for (let s = 0; s < CIRCLE_STEPS; s++) {
    const a = (2 * Math.PI * s) / CIRCLE_STEPS;
    ring.push([x + r * Math.cos(a), y + r * Math.sin(a)]);
  }
  return [...ring, ring[0]!];
}

/** A Polygon for one piece, a MultiPolygon for several; an empty clip (cannot happen for a centroid inside its outline) keeps a tiny square. */
function geometryOf(polygons: Ring[][], centre: Position): CommuneGeometry {
  if (polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0]! };
  if (polygons.length > 1) return { type: 'MultiPolygon', coordinates: polygons };
  const [x, y] = centre;
  const d = 0.001;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x - d, y - d],
        [x + d, y - d],
        [x + d, y + d],
        [x - d, y + d],
        [x - d, y - d],
      ],
    ],
  };
}
