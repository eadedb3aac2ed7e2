import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received: the raw body (what a signature covers) and the headers. */
export interface ReceivedRequest {
  rawBody: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A real HTTP receiver on loopback standing for the officers' webhook endpoint. */
export interface WebhookReceiver<T> {
  /** The URL to configure as EWS_WEBHOOK_URL. */
  url: string;
  /** Every JSON body received, in order (refused ones included). */
  received: T[];
  /** Every request with its raw body and headers, in order. */
  requests: ReceivedRequest[];
  /** The status to answer the next request with (default 204). */
  status: () => number;
  close(): void;
}

export async function startWebhookReceiver<T>(): Promise<WebhookReceiver<T>> {
  const received: T[] = [];
  const requests: ReceivedRequest[] = [];
  const state: { status: () => number } = { status: () => 204 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ rawBody: body, headers: req.headers, at: Date.now() });
      received.push(JSON.parse(body) as T);
      res.writeHead(state.status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests,
    get status() {
      return state.status;
    },
    set status(f: () => number) {
      state.status = f;
    },
    close: () => server.close(),
  };
}
