import { describe, expect, it } from 'vitest';
import { approximateShapes, boundariesFrom } from '../../dashboards/geo/boundaries.ts';
import type { Centroid } from '../../dashboards/geo/geometry.ts';

const REGISTRY: Centroid[] = [
  { code: '09187', provinceCode: '24', lon: 106.07, lat: 21.18 },
  { code: '09190', provinceCode: '24', lon: 106.1, lat: 21.2 },
  { code: '09191', provinceCode: '24', lon: 106.05, lat: 21.22 },
  { code: '11953', provinceCode: '33', lon: 106.05, lat: 20.65 },
];
const square = (x: number, y: number, d = 0.01) => ({
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
});
const feature = (properties: unknown, geometry: unknown = square(106.07, 21.18)) => ({ type: 'Feature', properties, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('the deployment boundaries file', () => {
  it.each([
    ['not an object', 'hello', /not a GeoJSON FeatureCollection.*found string/],
    ['a Feature, not a collection', feature({ code: '09187' }), /not a GeoJSON FeatureCollection.*found type "Feature"/],
    ['features not an array', { type: 'FeatureCollection', features: {} }, /"features" array/],
    ['an element that is no Feature', collection({ type: 'Point' }), /feature 0: not a GeoJSON Feature/],
    ['no code property', collection(feature({ name: 'x' })), /feature 0: no commune code in property "code"/],
    [
      'a Point geometry',
      collection(feature({ code: '09187' }, { type: 'Point', coordinates: [1, 2] })),
      /feature 0 \(code 09187\): geometry type "Point" is not Polygon/,
    ],
    ['no geometry', collection(feature({ code: '09187' }, null)), /feature 0 \(code 09187\): no geometry/],
    [
      'an open ring',
      collection(
        feature(
          { code: '09187' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
              ],
            ],
          },
        ),
      ),
      /ring 0: ring is not closed/,
    ],
    [
      'too few positions',
      collection(
        feature(
          { code: '09187' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [0, 0],
              ],
            ],
          },
        ),
      ),
      /ring 0: a ring needs at least 4 positions/,
    ],
    [
      'latitude and longitude out of range',
      collection(
        feature(
          { code: '09187' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [200, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        ),
      ),
      /position \[200, 0\] is outside/,
    ],
    [
      'a text position',
      collection(
        feature(
          { code: '09187' },
          {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [0, 0],
                  ['1', 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            ],
          },
        ),
      ),
      /polygon 0 ring 0: position \["1",0\] is not \[longitude, latitude\]/,
    ],
    [
      'a commune twice',
      collection(feature({ code: '09187' }), feature({ code: '09187' })),
      /feature 1 \(code 09187\): a second feature for the same commune/,
    ],
    ['only unknown communes', collection(feature({ code: '99999' })), /no feature names a commune of the registry in property "code"/],
  ])('%s: refused, naming the problem', (_name, json, message) => {
    const r = boundariesFrom(json, REGISTRY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('every bad feature is named at once, the list capped with a count of the rest', () => {
    const bad = Array.from({ length: 12 }, (_, i) => feature({ code: '09187' }, { type: 'Point', coordinates: [i, i] }));
    const r = boundariesFrom(collection(...bad), REGISTRY, { maxListed: 3 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(12);
    expect(r.message).toMatch(/^feature 0 .*; feature 1 .*; feature 2 .*; and 9 more$/);
  });

  it('a configured code property, numeric codes padded; unknown communes left out with a warning; missing ones approximate', () => {
    const r = boundariesFrom(
      collection(
        feature({ ma_xa: 9187 }, square(106.07, 21.18)),
        feature({ ma_xa: '09190' }, { type: 'MultiPolygon', coordinates: [square(106.1, 21.2).coordinates] }),
        feature({ ma_xa: '77777' }),
      ),
      REGISTRY,
      { codeProperty: 'ma_xa' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.shapes.map((s) => [s.code, s.approximate, s.geometry.type])).toEqual([
      ['09187', false, 'Polygon'],
      ['09190', false, 'MultiPolygon'],
      ['09191', true, 'Polygon'],
      ['11953', true, 'Polygon'],
    ]);
    expect(r.shapes[0]!.geometry).toEqual(square(106.07, 21.18));
    expect(r.warnings).toEqual([
      '1 feature(s) of communes not in the registry left out: 77777',
      '2 registry commune(s) not in the file, drawn as approximate cells: 09191, 11953',
    ]);
  });

  it('with the default property name, a file using another one is refused (not silently all approximate)', () => {
    const r = boundariesFrom(collection(feature({ ma_xa: '09187' })), REGISTRY);
    expect(r).toMatchObject({ ok: false, message: 'feature 0: no commune code in property "code"' });
  });

  it('without a file every commune is an approximate cell', () => {
    expect(approximateShapes(REGISTRY).map((s) => [s.code, s.approximate])).toEqual(REGISTRY.map((x) => [x.code, true]));
  });
});
