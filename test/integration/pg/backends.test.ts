import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serverAnswers, SERVER_URL } from './backends.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('the PostgreSQL server of the store tests', () => {
  it('missing: skipped with a warning locally, a failure with CI=true', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    expect(await serverAnswers(url, { ci: undefined })).toBe(false);
    await expect(serverAnswers(url, { ci: 'true' })).rejects.toThrow(/CI=true and no PostgreSQL server answers/);
  });

  it.runIf(process.env.CI === 'true')('answers on CI (the tests above ran against it)', async () => {
    expect(await serverAnswers(SERVER_URL, { ci: 'true' })).toBe(true);
  });
});
