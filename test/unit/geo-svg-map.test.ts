import { describe, expect, it } from 'vitest';
import { voronoiCells } from '../../dashboards/geo/cells.ts';
import { fitProjection, renderSvgMap, type SvgFeature } from '../../dashboards/geo/svg-map.ts';

const CELLS = voronoiCells([
  { code: '09187', provinceCode: '24', lon: 106.07, lat: 21.18 },
  { code: '09190', provinceCode: '24', lon: 106.1, lat: 21.2 },
  { code: '09191', provinceCode: '24', lon: 106.05, lat: 21.22 },
  { code: '11953', provinceCode: '33', lon: 106.05, lat: 20.65 },
]);
const FEATURES: SvgFeature[] = CELLS.map((c, i) => ({ ...c, name: i === 0 ? 'Kinh Bắc <"&">' : `Xã ${i}` }));
const paths = (svg: string) => [...svg.matchAll(/<path data-code="(\d+)" data-level="(\w+)" fill="([^"]+)" d="([^"]+)"/g)];

describe('the commune map as SVG', () => {
  it.each([
    ['mercator', 600, 400],
    ['equirectangular', 300, 800],
  ] as const)('%s %i × %i: one path per commune, inside the box, filled by level', (projection, width, height) => {
    const svg = renderSvgMap(FEATURES, { '09187': 'red', '09190': 'yellow', '09191': null }, { width, height, projection });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const found = paths(svg);
    expect(found.map((m) => [m[1], m[2], m[3]])).toEqual([
      ['09187', 'red', '#d7301f'],
      ['09190', 'yellow', '#fdcc3a'],
      ['09191', 'none', '#e5e7eb'],
      ['11953', 'none', '#e5e7eb'],
    ]);
    const numbers = found.flatMap((m) => m[4]!.match(/-?[\d.]+/g)!.map(Number));
    const xs = numbers.filter((_, i) => i % 2 === 0);
    const ys = numbers.filter((_, i) => i % 2 === 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(width);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ys)).toBeLessThanOrEqual(height);
    // The map fills one side of the box (fitted, not a corner of it).
    expect(Math.max(Math.max(...xs) - Math.min(...xs) - (width - 16), Math.max(...ys) - Math.min(...ys) - (height - 16))).toBeGreaterThan(
      -1,
    );
  });

  it('north is up: the Hưng Yên commune (further south) is drawn below the Bắc Ninh ones', () => {
    const project = fitProjection(
      CELLS.map((c) => c.geometry),
      { width: 400, height: 400 },
    );
    expect(project([106.05, 20.65])[1]).toBeGreaterThan(project([106.05, 21.22])[1]);
  });

  it('names are escaped and drawn as labels only when asked; the approximate note when a shape is approximate', () => {
    const plain = renderSvgMap(FEATURES, {}, { width: 200, height: 200, title: 'Tuần 47 & 48', approximateNote: 'Approximate boundaries' });
    expect(plain).toContain('<title>Kinh Bắc &lt;&quot;&amp;&quot;&gt;</title>');
    expect(plain).toContain('<title>Tuần 47 &amp; 48</title>');
    expect(plain).not.toContain('class="label"');
    expect(plain).toContain('>Approximate boundaries</text>');
    const labelled = renderSvgMap(FEATURES, {}, { width: 200, height: 200, labels: true });
    expect(labelled.match(/<text class="label"/g)).toHaveLength(4);
    expect(labelled).not.toContain('Approximate boundaries');
    const surveyed = renderSvgMap(
      FEATURES.map((f) => ({ ...f, approximate: false })),
      {},
      { width: 200, height: 200, approximateNote: 'Approximate boundaries' },
    );
    expect(surveyed).not.toContain('Approximate boundaries');
  });

  it('no features: an empty, still valid SVG', () => {
    expect(paths(renderSvgMap([], {}, { width: 10, height: 10 }))).toHaveLength(0);
  });
});
