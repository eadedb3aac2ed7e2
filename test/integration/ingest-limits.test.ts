import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline } from '../helpers/pipeline.ts';

// Its own file: chDB opens one data directory per process, and this needs a pipeline with a
// small body limit.
let small: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  small = await startTestPipeline({ env: { EWS_MAX_BODY_BYTES: '2048' } });
});
afterAll(async () => {
  await small?.cleanup();
});

describe('POST /v1/events body limit', () => {
  it('answers 413 to a body over the limit and dead-letters it', async () => {
    const big = JSON.stringify(Array.from({ length: 20 }, (_, i) => encounter({ event_id: `big${i}` })));
    const res = await small.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE', message: expect.stringMatching(/2048 bytes/) } });
    const rs = await small.store.query({ query: 'SELECT reason_code FROM dead_letters', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ reason_code: 'BODY_TOO_LARGE' }]);
  });

  it('accepts a body under the limit', async () => {
    const res = await small.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify([encounter()]),
    });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});
