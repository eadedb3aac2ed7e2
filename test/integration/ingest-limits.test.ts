import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';

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
      headers: { ...ingestHeaders(small), 'content-type': 'application/json' },
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE', message: expect.stringMatching(/2048 bytes/) } });
    const rs = await small.store.query({
      query: 'SELECT reason_code, raw, raw_bytes, raw_truncated FROM dead_letters',
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ reason_code: string; raw: string; raw_bytes: number; raw_truncated: boolean }>();
    expect(rows).toHaveLength(1);
    // The dead letter carries the beginning of what was received (patient ids masked), and its size.
    const kept = big.replaceAll('"patient_id":"PATIENT-123"', '"patient_id":"[patient]"');
    expect(rows[0]!.reason_code).toBe('BODY_TOO_LARGE');
    expect(rows[0]!.raw.length).toBeGreaterThan(2048);
    expect(kept.startsWith(rows[0]!.raw)).toBe(true);
    const cut = rows[0]!.raw.length < kept.length;
    expect([Number(rows[0]!.raw_bytes), rows[0]!.raw_truncated]).toEqual([cut ? big.length : kept.length, cut]);
  });

  it('a body declared larger than the limit is refused after its first 64 KiB, which the dead letter keeps', async () => {
    const head = '['.padEnd(100 * 1024, ' ');
    const res = await small.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(small), 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      payload: head,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE', details: null } });
    const rs = await small.store.query({
      query: 'SELECT length(raw) AS n, raw_bytes, raw_truncated FROM dead_letters WHERE raw_bytes = 10485760',
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: number; raw_bytes: number; raw_truncated: boolean }>();
    expect([Number(row!.n), row!.raw_truncated]).toEqual([64 * 1024, true]);
  });

  it('accepts a body under the limit', async () => {
    const res = await small.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(small), 'content-type': 'application/json' },
      payload: JSON.stringify([encounter()]),
    });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});
