import { readFileSync } from 'node:fs';
import { Delaunay } from 'd3-delaunay';
import { describe, expect, it } from 'vitest';
import { clipConvex, meanNearestDistance, voronoiCells } from '../../dashboards/geo/cells.ts';
import { bboxOf, inGeometry, polygonsOf, ringArea, type Centroid, type CommuneShape } from '../../dashboards/geo/geometry.ts';
import { BUNDLED_UNITS_CSV, parseUnitsCsv } from '../../schemas/units/registry.ts';

const REGISTRY: Centroid[] = parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8')).map((u) => ({
  code: u.code,
  provinceCode: u.provinceCode,
  lon: u.lon,
  lat: u.lat,
}));
const c = (code: string, provinceCode: string, lon: number, lat: number): Centroid => ({ code, provinceCode, lon, lat });
const GRID = Array.from({ length: 16 }, (_, i) => c(`g${i}`, i < 8 ? 'A' : 'B', 106 + (i % 4) * 0.05, 21 + Math.floor(i / 4) * 0.05));

const CASES: [string, Centroid[]][] = [
  ['the bundled registry (Bắc Ninh and Hưng Yên)', REGISTRY],
  ['a 4 × 4 grid split into two provinces', GRID],
  ['a province of one commune', [c('x', 'A', 106, 21)]],
  ['two communes', [c('x', 'A', 106, 21), c('y', 'A', 106.1, 21.05)]],
  ['three communes on a line', [c('x', 'A', 106, 21), c('y', 'A', 106.05, 21), c('z', 'A', 106.1, 21)]],
  [
    'one province of three, another of one',
    [c('x', 'A', 106, 21), c('y', 'A', 106.05, 21.04), c('z', 'A', 106.1, 21), c('w', 'B', 106.3, 21.3)],
  ],
];

/** Points of a regular grid over the cells' extent. */
function samples(shapes: readonly CommuneShape[], n = 60): [number, number][] {
  const [x0, y0, x1, y1] = bboxOf(shapes.map((s) => s.geometry));
  const out: [number, number][] = [];
  for (let i = 0; i <= n; i++) for (let j = 0; j <= n; j++) out.push([x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n]);
  return out;
}

describe('approximate cells from the centroids', () => {
  it.each(CASES)('%s: one approximate cell per centroid, in order, each covering its centroid', (_name, centroids) => {
    const cells = voronoiCells(centroids);
    expect(cells.map((s) => s.code)).toEqual(centroids.map((x) => x.code));
    expect(cells.every((s) => s.approximate)).toBe(true);
    for (const [i, cell] of cells.entries()) {
      const { lon, lat } = centroids[i]!;
      expect(inGeometry([lon, lat], cell.geometry), cell.code).toBe(true);
      for (const ring of polygonsOf(cell.geometry).flat()) {
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        expect(ringArea(ring)).toBeGreaterThan(0);
      }
    }
  });

  it.each(CASES)('%s: no point lies in two cells', (_name, centroids) => {
    const cells = voronoiCells(centroids);
    for (const p of samples(cells)) {
      const inside = cells.filter((s) => inGeometry(p, s.geometry)).map((s) => s.code);
      expect(inside.length, `${p.join(',')} in ${inside.join(' and ')}`).toBeLessThanOrEqual(1);
    }
  });

  it("cells are clipped to their province: none reaches further than one neighbour distance beyond its province's centroids", () => {
    const cells = voronoiCells(REGISTRY);
    for (const province of new Set(REGISTRY.map((x) => x.provinceCode))) {
      const own = REGISTRY.filter((x) => x.provinceCode === province);
      const reach = meanNearestDistance(own.map((x) => [x.lon, x.lat]));
      const [x0, y0, x1, y1] = bboxOf(cells.filter((s) => own.some((o) => o.code === s.code)).map((s) => s.geometry));
      expect(x0).toBeGreaterThan(Math.min(...own.map((o) => o.lon)) - 2 * reach);
      expect(x1).toBeLessThan(Math.max(...own.map((o) => o.lon)) + 2 * reach);
      expect(y0).toBeGreaterThan(Math.min(...own.map((o) => o.lat)) - 2 * reach);
      expect(y1).toBeLessThan(Math.max(...own.map((o) => o.lat)) + 2 * reach);
    }
  });

  it('negative control: the same check fails for the unclipped Voronoi cells (they run to the bounding box)', () => {
    const points = REGISTRY.map((x) => [x.lon, x.lat] as [number, number]);
    const v = Delaunay.from(points).voronoi([105, 20, 108, 22.5]);
    const xs = points.flatMap((_, i) => (v.cellPolygon(i) as [number, number][]).map((p) => p[0]));
    const reach = meanNearestDistance(points);
    expect(Math.min(...xs)).toBeLessThan(Math.min(...points.map((p) => p[0])) - 2 * reach);
  });

  it.each([
    [
      'a square inside the outline stays as it is',
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
      1,
    ],
    [
      'a rectangle half outside is cut in half',
      [
        [1, 0],
        [3, 0],
        [3, 1],
        [1, 1],
        [1, 0],
      ],
      1,
    ],
    [
      'a square outside vanishes',
      [
        [5, 5],
        [6, 5],
        [6, 6],
        [5, 6],
        [5, 5],
      ],
      0,
    ],
  ] as const)('clipping to the square 0..2: %s', (_name, subject, area) => {
    const outline: [number, number][] = [
      [0, 0],
      [0, 2],
      [2, 2],
      [2, 0],
      [0, 0],
    ];
    const clipped = clipConvex(subject as unknown as [number, number][], outline);
    expect(clipped.length === 0 ? 0 : ringArea(clipped)).toBeCloseTo(area, 9);
  });
});
