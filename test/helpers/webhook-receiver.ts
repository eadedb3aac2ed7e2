import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received: the raw body (what a signature covers) and the headers. */
export interface ReceivedRequest {
  rawBody: string;
  headers: IncomingHttpHeaders;
  at: number;
  /** The request path, e.g. `/hook/bn.tinh` (the receiver answers on every path). */
  path: string;
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
  /**
   * While set, a request it returns true for is recorded (the receiver has it) but not
   * answered until {@link releaseHeld}: a sender killed meanwhile never learns it arrived.
   */
  hold: ((req: ReceivedRequest) => boolean) | undefined;
  /** Requests recorded and not answered yet (see hold). */
  readonly held: readonly ReceivedRequest[];
  /** Answers the held requests (those whose client is gone are dropped). */
  releaseHeld(): void;
  close(): void;
}

export async function startWebhookReceiver<T>(): Promise<WebhookReceiver<T>> {
  const received: T[] = [];
  const requests: ReceivedRequest[] = [];
  const state: { status: () => number; hold: ((req: ReceivedRequest) => boolean) | undefined } = {
    status: () => 204,
    hold: undefined,
  };
  const held: { req: ReceivedRequest; answer: () => void }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r: ReceivedRequest = { rawBody: body, headers: req.headers, at: Date.now(), path: req.url ?? '' };
      requests.push(r);
      received.push(JSON.parse(body) as T);
      const answer = () => {
        if (!res.destroyed) res.writeHead(state.status()).end();
      };
      if (state.hold?.(r)) held.push({ req: r, answer });
      else answer();
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
    get hold() {
      return state.hold;
    },
    set hold(f: ((req: ReceivedRequest) => boolean) | undefined) {
      state.hold = f;
    },
    get held() {
      return held.map((h) => h.req);
    },
    releaseHeld() {
      for (const h of held.splice(0)) h.answer();
    },
    close: () => {
      for (const h of held.splice(0)) h.answer();
      server.close();
    },
  };
}
