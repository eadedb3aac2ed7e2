import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline } from '../helpers/pipeline.ts';

// EWS_BOUNDARIES_GEOJSON, read once at start: a bad file stops start-up naming the problem
// (before any store opens); a good one gives its communes their surveyed shape, the others
// approximate cells. (chDB allows one data directory per process: apart from map-routes.test.ts.)
interface MapBody {
  approximate: boolean;
  features: { id: string; geometry: { coordinates: unknown }; properties: { approximate: boolean } }[];
}

describe('EWS_BOUNDARIES_GEOJSON', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ews-boundaries-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const square = [
    [
      [106.06, 21.17],
      [106.08, 21.17],
      [106.08, 21.19],
      [106.06, 21.19],
      [106.06, 21.17],
    ],
  ];

  it.each([
    ['a missing file', null, /EWS_BOUNDARIES_GEOJSON: '.*missing\.json': no such file/],
    ['not JSON', '{ nope', /EWS_BOUNDARIES_GEOJSON: '.*': not JSON/],
    [
      'a Point feature',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { code: '09187' }, geometry: { type: 'Point', coordinates: [106, 21] } }],
      }),
      /EWS_BOUNDARIES_GEOJSON: '.*': feature 0 \(code 09187\): geometry type "Point" is not Polygon or MultiPolygon/,
    ],
  ])('%s stops start-up naming the problem', async (_name, content, message) => {
    const file = join(dir, content === null ? 'missing.json' : `bad-${Math.random().toString(36).slice(2)}.json`);
    if (content !== null) writeFileSync(file, content);
    await expect(startTestPipeline({ env: { EWS_BOUNDARIES_GEOJSON: file } })).rejects.toThrow(message);
  });

  it('a good file: its commune drawn from the file, the others approximate', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { ma: '09187' }, geometry: { type: 'Polygon', coordinates: square } }],
      }),
    );
    const q = await startTestPipeline({ env: { EWS_BOUNDARIES_GEOJSON: file, EWS_BOUNDARIES_CODE_PROPERTY: 'ma' } });
    try {
      const body = (await q.app.inject({ url: '/v1/map', headers: adminHeaders })).json<MapBody>();
      const f = body.features.find((x) => x.id === '09187')!;
      expect(f.properties.approximate).toBe(false);
      expect(f.geometry.coordinates).toEqual(square);
      expect(body.features.filter((x) => x.properties.approximate)).toHaveLength(body.features.length - 1);
      expect(body.approximate).toBe(true);
    } finally {
      await q.cleanup();
    }
  }, 60_000);
});
