import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, readAs, startTestPipeline, TEST_ADMIN_TOKEN } from '../helpers/pipeline.ts';
import { readConfig } from '../../cli/config.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
const METRICS_TOKEN = 'metrics-token-0123456789-0123456789-abcd';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('the read API with the default authenticator (EWS_ADMIN_TOKEN only, until access/ lands)', () => {
  let p: P;
  beforeAll(async () => {
    p = await startTestPipeline({ env: { EWS_METRICS_TOKEN: METRICS_TOKEN, EWS_READ_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => p?.cleanup());

  it('answers the admin token, and 401 with a clear message without it or with another', async () => {
    expect((await readAs(p)('/v1/units')).statusCode).toBe(200);
    for (const headers of [{}, bearer(`${TEST_ADMIN_TOKEN}x`), bearer(METRICS_TOKEN), { authorization: `Basic ${TEST_ADMIN_TOKEN}` }]) {
      const res = await readAs(p, headers)('/v1/syndromes');
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/ \/ /) } });
    }
  });

  it('/healthz and the page stay open', async () => {
    for (const url of ['/healthz', '/', '/assets/app.js', '/v1/session/options'])
      expect((await p.app.inject({ url })).statusCode, url).toBe(200);
  });

  it('/metrics on the main port needs the metrics token or the admin token', async () => {
    for (const headers of [bearer(METRICS_TOKEN), adminHeaders]) {
      const res = await p.app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE ews_');
    }
    for (const headers of [{}, bearer(`${METRICS_TOKEN}x`), bearer('')]) {
      const res = await p.app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('EWS_METRICS_TOKEN') } });
    }
  });

  // Last of this block: it uses the admin's budget up (the first test read once as the admin).
  it('limits reads per user: over EWS_READ_RATE_LIMIT_PER_MINUTE a minute, 429 with Retry-After in the error shape', async () => {
    const read = readAs(p);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await read('/v1/syndromes')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const over = await read('/v1/units');
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(over.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/at most 5 a minute per user.*\/ quá nhiều yêu cầu/),
        details: { limit_per_minute: 5, retry_after_seconds: Number(over.headers['retry-after']) },
      },
    });
    // Without credentials: refused as such (401) before anything is counted; the page, /healthz and /metrics are not limited.
    expect((await readAs(p, {})('/v1/units')).statusCode).toBe(401);
    expect((await p.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await p.app.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN) })).statusCode).toBe(200);
  });
});

describe('the read limit is per user', () => {
  let q: P;
  const principals = new Map([
    ['t-one', 'one'],
    ['t-two', 'two'],
  ]);
  beforeAll(async () => {
    q = await startTestPipeline({
      env: { EWS_READ_RATE_LIMIT_PER_MINUTE: '2' },
      authenticate: (req) => {
        const name = principals.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
        if (!name) return Promise.reject(new Error('unexpected request without a test token'));
        return Promise.resolve({
          userId: name,
          username: name,
          role: 'officer',
          jurisdiction: { level: 'national' },
          lang: 'vi',
          via: 'user_token',
        });
      },
    });
  });
  afterAll(() => q?.cleanup());

  it('keys the limit by user, not by address: another user from the same address still reads', async () => {
    const one = readAs(q, bearer('t-one'));
    const two = readAs(q, bearer('t-two'));
    const ones = [];
    for (let i = 0; i < 3; i++) ones.push((await one('/v1/syndromes')).statusCode);
    expect(ones).toEqual([200, 200, 429]);
    expect((await two('/v1/syndromes')).statusCode).toBe(200);
  });
});

describe('/metrics on its own port (EWS_METRICS_PORT)', () => {
  let p: P;
  beforeAll(async () => {
    p = await startTestPipeline({ env: { EWS_METRICS_PORT: '0', EWS_METRICS_TOKEN: METRICS_TOKEN, EWS_READ_RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(() => p?.cleanup());

  it('is absent from the main port, even with a token', async () => {
    for (const headers of [{}, bearer(METRICS_TOKEN), adminHeaders]) {
      const res = await p.app.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('answers a Prometheus scrape over HTTP on its listener without a token, and nothing else there', async () => {
    expect(p.metricsApp).toBeDefined();
    const address = await p.metricsApp!.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP ews_/m);
    expect(text).toMatch(/^# TYPE ews_ingest_events_accepted_total counter/m);
    // The data routes are not on the metrics listener.
    for (const url of ['/v1/units', '/healthz', '/']) expect((await fetch(`${address}${url}`)).status, url).toBe(404);
  });

  it('EWS_READ_RATE_LIMIT_PER_MINUTE=0 switches the read limit off', async () => {
    const read = readAs(p);
    const statuses = new Set<number>();
    for (let i = 0; i < 700; i++) statuses.add((await read('/v1/syndromes')).statusCode);
    expect([...statuses]).toEqual([200]);
  });
});

describe('metrics configuration', () => {
  it('a metrics token shorter than 32 characters stops start-up naming the variable', () => {
    expect(() => readConfig({ EWS_METRICS_TOKEN: 'short' })).toThrow(/EWS_METRICS_TOKEN: must be at least 32 characters/);
    expect(() => readConfig({ EWS_METRICS_PORT: 'x' })).toThrow(/EWS_METRICS_PORT/);
    expect(() => readConfig({ EWS_READ_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/EWS_READ_RATE_LIMIT_PER_MINUTE/);
    expect(readConfig({})).toMatchObject({ EWS_METRICS_HOST: '127.0.0.1', EWS_READ_RATE_LIMIT_PER_MINUTE: 600 });
  });
});
