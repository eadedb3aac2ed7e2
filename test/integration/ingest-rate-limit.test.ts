import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, ingestHeaders, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

/** EWS_INGEST_RATE_LIMIT_PER_MINUTE: per authenticated hospital, 429 with Retry-After in the error shape. */
let n = 0;
const post = (p: TestPipeline, hospital: string, headers = ingestHeaders(p, hospital)) =>
  p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify([encounter({ event_id: `rl-${++n}`, hospital_id: hospital })]),
  });

describe('ingest rate limit per hospital', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({ hospitals: ['BV-A', 'BV-B'], env: { EWS_INGEST_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => p?.cleanup());

  it('answers 429 with Retry-After after the limit, to that hospital only', async () => {
    for (let i = 0; i < 3; i++) expect((await post(p, 'BV-A')).statusCode).toBe(200);
    const limited = await post(p, 'BV-A');
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/more than 3 requests a minute from this hospital.*quá 3 yêu cầu/),
        details: { limit_per_minute: 3, retry_after_seconds: expect.any(Number) },
      },
    });
    // Another hospital (another key) has its own allowance, even from the same address.
    expect((await post(p, 'BV-B')).statusCode).toBe(200);
    // Authentication comes first: a request without a key is 401, not counted against anyone.
    expect((await post(p, 'BV-A', { authorization: '' })).statusCode).toBe(401);
    // Reads are not limited by it.
    expect((await p.app.inject({ url: '/v1/units', headers: adminHeaders })).statusCode).toBe(200);
    // A limited request is not dead-lettered.
    const letters = await p.app.inject({ url: '/v1/dead-letters?reason_code=RATE_LIMITED', headers: adminHeaders });
    expect(letters.json<{ rows: unknown[] }>().rows).toEqual([]);
  });
});

describe('ingest rate limit off (EWS_INGEST_RATE_LIMIT_PER_MINUTE=0): the negative control', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await startTestPipeline({ env: { EWS_INGEST_RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(() => p?.cleanup());

  it('the same requests, and more, are all accepted', async () => {
    for (let i = 0; i < 8; i++) expect((await post(p, 'BV-TEST')).statusCode).toBe(200);
  });
});
