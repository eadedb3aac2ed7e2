// The plain GeoJSON shapes the map works with (RFC 7946: positions are [longitude, latitude],
// rings closed, first position repeated last). No I/O here: cells.ts, boundaries.ts and
// svg-map.ts pass these around, the route and the bulletin read them.

export type Position = [lon: number, lat: number];
export type Ring = Position[];

export type CommuneGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

/** A commune of the registry as the map needs it: where its centre is and which province it is in. */
export interface Centroid {
  code: string;
  provinceCode: string;
  lon: number;
  lat: number;
}

/** A commune's shape: from the deployment's boundaries file, or an approximate cell built from the centroids. */
export interface CommuneShape {
  code: string;
  geometry: CommuneGeometry;
  /** True when the shape is a Voronoi cell of the registry's centroids, not a surveyed boundary. */
  approximate: boolean;
}

/** The polygons of a geometry, Polygon or MultiPolygon alike. */
export function polygonsOf(g: CommuneGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** [minLon, minLat, maxLon, maxLat] over every position of the geometries. */
export function bboxOf(geometries: readonly CommuneGeometry[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of geometries)
    for (const poly of polygonsOf(g))
      for (const ring of poly)
        for (const [x, y] of ring) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
  return [x0, y0, x1, y1];
}

/** Whether the point is inside the ring (even-odd rule; a point on the edge may go either way). */
export function inRing([x, y]: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the point is inside the geometry: inside an outer ring and outside its holes. */
export function inGeometry(p: Position, g: CommuneGeometry): boolean {
  return polygonsOf(g).some(([outer, ...holes]) => outer !== undefined && inRing(p, outer) && !holes.some((h) => inRing(p, h)));
}

/** Planar area of a ring in squared degrees (shoelace; absolute value). */
export function ringArea(ring: Ring): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(a / 2);
}
