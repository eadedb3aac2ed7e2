import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP receiver on loopback standing for the officers' webhook endpoint. */
export interface WebhookReceiver<T> {
  /** The URL to configure as EWS_WEBHOOK_URL. */
  url: string;
  /** Every JSON body received, in order. */
  received: T[];
  close(): void;
}

export async function startWebhookReceiver<T>(): Promise<WebhookReceiver<T>> {
  const received: T[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as T);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => server.close() };
}
