import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders, adminHeaders } from '../helpers/pipeline.ts';

/**
 * A partition stuck behind a batch the store cannot take makes /healthz answer 503 degraded
 * with the processor's reason, and /metrics show how long; once the store is back the batch is
 * written and /healthz is ok again. The store failure is real: the `events` table is detached.
 */
describe('processor health in /healthz and /metrics', () => {
  type P = Awaited<ReturnType<typeof startTestPipeline>>;
  let p: P;
  beforeAll(async () => {
    p = await startTestPipeline({
      env: { EWS_PROCESSOR_STALL_SECONDS: '1' },
      clock: { now: () => Date.parse('2026-11-25T12:00:00+07:00') },
    });
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  const health = async () => {
    const res = await p.app.inject({ url: '/healthz' });
    return {
      status: res.statusCode,
      body: res.json<{ status: string; checks: Record<string, boolean>; reasons?: Record<string, string> }>(),
    };
  };
  async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
    const started = Date.now();
    let v = await what();
    while (!ok(v) && Date.now() - started < ms) {
      await new Promise((r) => setTimeout(r, 100));
      v = await what();
    }
    return v;
  }

  it('reports a stuck partition as degraded with the reason, and recovers', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { store: true, processor: true } } });
    await p.store.command({ query: 'DETACH TABLE events' });
    const post = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
      payload: JSON.stringify([encounter({ event_id: 'stuck-1', occurred_at: '2026-11-25T08:00:00+07:00' })]),
    });
    expect(post.statusCode).toBe(200);
    try {
      const degraded = await until(health, (h) => h.status === 503);
      expect(degraded.status).toBe(503);
      expect(degraded.body).toMatchObject({ status: 'degraded', checks: { store: true, processor: false } });
      expect(degraded.body.reasons?.['processor']).toMatch(/^batch of ews\.encounters\.v1\/0 failing for \d+ s: /);
      const metrics = (await p.app.inject({ headers: adminHeaders, url: '/metrics' })).body;
      expect(Number(/^ews_processors_stalled_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(1);
      expect(Number(/^ews_processors_lag (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    } finally {
      await p.store.command({ query: 'ATTACH TABLE events' });
    }
    const recovered = await until(health, (h) => h.status === 200);
    expect(recovered).toEqual({ status: 200, body: { status: 'ok', checks: { store: true, processor: true } } });
    await p.settle();
    expect(p.lag()).toBe(0);
  });
});
