import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { latestDefinitions } from '../../schemas/code-tables/definitions.ts';
import { adminHeaders, encounter, lab, postAndSettle, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const clock = { now: () => Date.parse('2026-11-25T12:00:00+07:00') };

async function storedVersions(p: TestPipeline): Promise<Record<string, string>> {
  const rs = await p.store.query({
    query: 'SELECT event_id, definitions_version FROM events FINAL ORDER BY event_id',
    format: 'JSONEachRow',
  });
  return Object.fromEntries(
    (await rs.json<{ event_id: string; definitions_version: string }>()).map((r) => [r.event_id, r.definitions_version]),
  );
}

describe.each([
  ['v1', 'v1'],
  ['latest', latestDefinitions().version],
])('EWS_SYNDROME_DEFINITIONS=%s, through the real pipeline', (setting, version) => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({ clock, env: { EWS_SYNDROME_DEFINITIONS: setting } });
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it(`each stored event records the version that classified it (${version})`, async () => {
    await postAndSettle(p, [
      encounter({ event_id: 'e1', occurred_at: '2026-11-24T08:00:00+07:00', diagnoses: ['A90'] }),
      encounter({ event_id: 'e2', occurred_at: '2026-11-24T09:00:00+07:00', diagnoses: [], chief_complaint: 'st cao, ho' }),
      lab({ event_id: 'l1', occurred_at: '2026-11-24T09:00:00+07:00' }),
    ]);
    expect(await storedVersions(p)).toEqual({ e1: version, e2: version, l1: version });
  });

  it('GET /v1/syndromes reports the version in force', async () => {
    const res = await p.app.inject({ url: '/v1/syndromes', headers: adminHeaders });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ definitions_version: string; series: string[]; definitions: { id: string }[] }>();
    expect(body.definitions_version).toBe(version);
    expect(body.definitions.map((d) => d.id)).toEqual(body.series);
  });
});

describe('EWS_SYNDROME_DEFINITIONS at start', () => {
  it('defaults to the latest and resolves "latest" to its name', () => {
    expect(readConfig({}).EWS_SYNDROME_DEFINITIONS).toBe(latestDefinitions().version);
    expect(readConfig({ EWS_SYNDROME_DEFINITIONS: 'latest' }).EWS_SYNDROME_DEFINITIONS).toBe(latestDefinitions().version);
    expect(readConfig({ EWS_SYNDROME_DEFINITIONS: 'v1' }).EWS_SYNDROME_DEFINITIONS).toBe('v1');
  });

  it('a version not shipped stops start-up naming the variable and the versions', () => {
    expect(() => readConfig({ EWS_SYNDROME_DEFINITIONS: 'v0' })).toThrow(
      /EWS_SYNDROME_DEFINITIONS.*no syndrome definitions "v0": shipped are v1, v2/,
    );
  });
});
