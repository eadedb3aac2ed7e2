import { expect } from 'vitest';

/** What a GET /v1/live client has received: the events (`data:` lines, parsed) and the comments (heartbeats). */
export interface LiveClient<E = { type: string; data?: unknown }> {
  events: E[];
  comments: string[];
  ended: () => boolean;
  close(): void;
}

/** Signs in with a password on the service at `url`: the session cookie and the CSRF token. */
export async function signIn(url: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
}

/** Connects to GET /v1/live over real HTTP with the session cookie and collects what it sends, from its `hello` on. */
export async function connectLive<E extends { type: string }>(url: string, cookie: string): Promise<LiveClient<E>> {
  const abort = new AbortController();
  const res = await fetch(`${url}/v1/live`, { headers: { accept: 'text/event-stream', cookie }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const client: LiveClient<E> & { done: boolean } = {
    events: [],
    comments: [],
    done: false,
    ended: () => client.done,
    close: () => abort.abort(),
  };
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          for (const line of buffer.slice(0, i).split('\n')) {
            if (line.startsWith('data: ')) client.events.push(JSON.parse(line.slice(6)) as E);
            if (line.startsWith(':')) client.comments.push(line);
          }
          buffer = buffer.slice(i + 2);
        }
      }
    } catch {
      // Aborted by the test.
    }
    client.done = true;
  })();
  await expect.poll(() => client.events[0]).toEqual({ type: 'hello' });
  return client;
}
