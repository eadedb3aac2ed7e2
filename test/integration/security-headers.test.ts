import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, startTestPipeline } from '../helpers/pipeline.ts';

// Security headers (platform/http.ts, @fastify/helmet) on the pages, the API and the errors.
let p: Awaited<ReturnType<typeof startTestPipeline>>;
beforeAll(async () => {
  p = await startTestPipeline();
});
afterAll(async () => {
  await p?.cleanup();
});

describe('security headers', () => {
  it.each([
    ['the dashboard page', '/', {}],
    ['a read API answer', '/v1/units', adminHeaders],
    ['a refused read (no credentials)', '/v1/units', {}],
    ['an error answer', '/v1/no-such-route', {}],
  ])('%s carries the content-security policy and the helmet headers', async (_what, url, headers) => {
    const res = await p.app.inject({ url, headers: { ...headers } });
    const csp = String(res.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
