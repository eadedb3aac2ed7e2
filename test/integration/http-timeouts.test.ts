import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createHttpBase } from '../../platform/http.ts';
import { createLogger } from '../../platform/logger.ts';

/**
 * The HTTP base on a real listening socket: slow and stalled clients are cut off by the
 * request and headers timeouts, they do not stop other requests from being answered, and
 * the answers Node's HTTP parser gives (408, 431, 400) have the one error shape.
 */
let app: FastifyInstance;
let port: number;
const TIMEOUTS = { requestMs: 1500, headersMs: 800, idleMs: 10_000, keepAliveMs: 1000 };

beforeAll(async () => {
  app = createHttpBase({
    logger: createLogger({ level: 'silent' }),
    metrics: new Registry(),
    bodyLimit: 1024 * 1024,
    timeouts: TIMEOUTS,
    health: () => Promise.resolve({ store: true }),
    metricsAccess: { tokens: [] },
  });
  app.post('/echo', (req, reply) => void reply.send({ got: typeof req.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
});

interface Ended {
  data: string;
  ms: number;
}

/** Connects and resolves when the server closes the connection, with what it sent. */
function open(): { socket: Socket; ended: Promise<Ended> } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
  socket.on('error', () => undefined);
  const ended = new Promise<Ended>((resolve) => socket.on('close', () => resolve({ data, ms: Date.now() - started })));
  return { socket, ended };
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(text[i % text.length]!);
    i++;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;
const errorShape = (code: string) => ({ error: { code, message: expect.any(String), details: null } });

describe('HTTP timeouts on real sockets', () => {
  it('cuts off a client sending its headers one byte at a time (408, error shape)', async () => {
    const { socket, ended } = open();
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\n');
    trickle(socket, 'X-Slow: aaaaaaaaaa\r\n', 100);
    const { data, ms } = await ended;
    expect(ms).toBeLessThan(TIMEOUTS.headersMs + 2000);
    expect(data).toMatch(/^HTTP\/1.1 408 /);
    expect(bodyOf(data)).toEqual(errorShape('REQUEST_TIMEOUT'));
  });

  it('cuts off a client sending its body one byte at a time', async () => {
    const { socket, ended } = open();
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
    trickle(socket, '[', 100);
    const { ms } = await ended;
    expect(ms).toBeLessThan(TIMEOUTS.requestMs + 2000);
  });

  it('answers a normal request while 100 clients are stalled, and closes all 100', async () => {
    const stalled = Array.from({ length: 100 }, () => {
      const c = open();
      c.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le');
      return c;
    });
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(TIMEOUTS.headersMs);
    const ends = await Promise.all(stalled.map((s) => s.ended));
    expect(Math.max(...ends.map((e) => e.ms))).toBeLessThan(TIMEOUTS.headersMs + 2000);
  });
});

describe("answers of Node's HTTP parser have the error shape", () => {
  it('431 to headers over the size limit', async () => {
    const { socket, ended } = open();
    socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    const { data } = await ended;
    expect(data).toMatch(/^HTTP\/1.1 431 /);
    expect(bodyOf(data)).toEqual(errorShape('HEADERS_TOO_LARGE'));
  });

  it('400 to a malformed request', async () => {
    const { socket, ended } = open();
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    const { data } = await ended;
    expect(data).toMatch(/^HTTP\/1.1 400 /);
    expect(bodyOf(data)).toEqual(errorShape('BAD_REQUEST'));
  });

  it('400 to a URL with a malformed percent-encoding', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/counts/%zz`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(errorShape('BAD_REQUEST'));
  });

  it('404, 413 and 415 from fastify', async () => {
    const notFound = await fetch(`http://127.0.0.1:${port}/nowhere`);
    expect([notFound.status, await notFound.json()]).toEqual([404, errorShape('NOT_FOUND')]);
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: `"${'x'.repeat(1024 * 1024)}"`,
    });
    expect([tooLarge.statusCode, tooLarge.json()]).toEqual([413, errorShape('BODY_TOO_LARGE')]);
    const wrongType = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    expect([wrongType.statusCode, wrongType.json()]).toEqual([415, errorShape('UNSUPPORTED_MEDIA_TYPE')]);
    const badJson = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect([badJson.statusCode, badJson.json()]).toEqual([400, errorShape('BODY_UNPARSEABLE')]);
  });
});
