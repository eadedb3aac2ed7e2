import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';

// Its own file: chDB opens one data directory per process, and this pipeline has its own settings.
const NOW = Date.parse('2026-11-25T12:00:00+07:00');
const DAY = 86_400_000;
let p: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  p = await startTestPipeline({
    clock: { now: () => NOW },
    env: {
      EWS_EVENT_MAX_PAST_DAYS: '30',
      EWS_EVENT_MAX_FUTURE_DAYS: '0',
      EWS_HTTP_REQUEST_TIMEOUT_MS: '7000',
      EWS_HTTP_HEADERS_TIMEOUT_MS: '3000',
      EWS_HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000',
    },
  });
});
afterAll(async () => {
  await p?.cleanup();
});

describe('ingest settings from the environment', () => {
  it('EWS_EVENT_MAX_PAST_DAYS / EWS_EVENT_MAX_FUTURE_DAYS set the event-time window', async () => {
    const at = (ms: number) => new Date(ms).toISOString();
    const res = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
      payload: JSON.stringify([
        encounter({ event_id: 'w20', occurred_at: at(NOW - 20 * DAY) }),
        encounter({ event_id: 'w31', occurred_at: at(NOW - 31 * DAY) }),
        encounter({ event_id: 'w+1h', occurred_at: at(NOW + 3600_000) }),
      ]),
    });
    const a = res.json<{ accepted: number; rejected: { index: number; errors: { path: string; message: string }[] }[] }>();
    expect(a.accepted).toBe(1);
    expect(a.rejected.map((r) => [r.index, r.errors[0]!.path])).toEqual([
      [1, 'occurred_at'],
      [2, 'occurred_at'],
    ]);
    expect(a.rejected[0]!.errors[0]!.message).toMatch(/more than 30 days before/);
    expect(a.rejected[1]!.errors[0]!.message).toMatch(/more than 0 day\(s\) after/);
  });

  it('EWS_HTTP_*_TIMEOUT_MS reach the HTTP server', () => {
    expect([p.app.server.requestTimeout, p.app.server.headersTimeout, p.app.server.keepAliveTimeout]).toEqual([7000, 3000, 2000]);
  });
});
