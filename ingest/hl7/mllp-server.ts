import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { TlsSettings } from '../../platform/tls-config.ts';
import type { IngestAuthenticator } from '../ingest-auth.ts';
import { verifiedCertificate } from '../request-peer.ts';
import type { Hl7Ingest } from './hl7-ingest.ts';
import { securityOf } from './hl7-map.ts';
import { createDeframer, frame } from './mllp-framing.ts';
import { rateLimitedReason, type Hl7RateLimiter } from './hl7-rate-limit.ts';

export interface MllpServerOptions {
  hl7: Hl7Ingest;
  auth: IngestAuthenticator;
  log: Logger;
  metrics: Registry;
  port: number;
  host: string;
  /** TLS with the service's certificate; with a client CA, hospital certificates authenticate (mutual TLS). */
  tls?: TlsSettings | undefined;
  /**
   * With a client CA: `requested` (a verified certificate names the hospital, else the key in
   * MSH-8), or `required` (a handshake without a certificate verified against the CA is refused).
   */
  clientCert?: 'requested' | 'required' | undefined;
  /** The per-hospital message limit: a message over it is answered AR with the reason, not ingested. */
  limiter?: Hl7RateLimiter | undefined;
  /** A connection silent this long is closed (ms). */
  idleMs: number;
  /** Largest message accepted (bytes); a longer frame is answered AR and discarded. */
  maxMessageBytes: number;
}

/** Messages of one connection waiting for their ACK before the socket stops being read. */
const MAX_IN_FLIGHT = 16;

/**
 * The MLLP listener (TCP, optionally TLS). Each connection's messages are handled in order,
 * one at a time, and each is acknowledged only once ingest has made it durable (or recorded
 * its refusal); while MAX_IN_FLIGHT wait, the socket is paused (backpressure reaches the
 * sender through TCP). Who sends: the hospital of a verified client certificate, else the
 * hospital key in MSH-8 — plain MLLP carries the key in clear and belongs on a private network
 * or a VPN only. A hospital over its limit gets an AR naming the limit and when to resend (the
 * connection stays open: integration engines resend an AR'd message after their retry delay).
 */
export function createMllpServer(o: MllpServerOptions) {
  const discarded = new Counter({
    name: 'ews_ingest_mllp_discarded_bytes_total',
    help: 'Bytes received over MLLP outside a frame (before 0x0B) or left in a frame the client never ended',
    registers: [o.metrics],
  });
  // Each open connection and how to end it once its messages in hand are answered.
  const sockets = new Map<net.Socket, () => Promise<void>>();
  let closing = false;

  const onConnection = (socket: net.Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const deframer = createDeframer(o.maxMessageBytes);
    const certificate = verifiedCertificate(socket);
    let chain: Promise<void> = Promise.resolve();
    let inFlight = 0;
    socket.setNoDelay(true);
    // After the ACKs of the messages in hand: ending at once would lose them.
    const finish = async () => {
      socket.pause();
      await chain;
      if (!socket.destroyed) socket.end();
    };
    sockets.set(socket, finish);
    socket.setTimeout(o.idleMs, () => {
      if (inFlight === 0) socket.end();
    });
    // A client that half-closes after its last message still gets its ACKs (allowHalfOpen).
    socket.on('end', () => void finish());
    socket.on('error', (err) => o.log.debug({ err }, 'MLLP connection error'));
    socket.on('close', () => {
      sockets.delete(socket);
      const left = deframer.pending();
      if (left > 0) {
        discarded.inc(left);
        o.log.info({ bytes: left, remote: socket.remoteAddress }, 'MLLP client disconnected mid-frame: partial message discarded');
      }
    });
    const reply = (ack: string) => {
      if (!socket.destroyed) socket.write(frame(ack));
    };
    const enqueue = (work: () => Promise<void>) => {
      inFlight++;
      if (inFlight >= MAX_IN_FLIGHT) socket.pause();
      chain = chain.then(work).catch((err: unknown) => o.log.error({ err }, 'MLLP message handling failed'));
      void chain.then(() => {
        inFlight--;
        if (inFlight < MAX_IN_FLIGHT && !socket.destroyed) socket.resume();
      });
    };
    const hospitalOf = async (text: string) =>
      o.auth.authenticate({
        authorization: ((k) => (k === undefined ? undefined : `Bearer ${k}`))(securityOf(text)),
        certificate,
        ip: socket.remoteAddress ?? '',
      });

    socket.on('data', (chunk: Buffer) => {
      for (const ev of deframer.push(chunk)) {
        if (ev.kind === 'junk') {
          discarded.inc(ev.bytes);
          o.log.debug({ bytes: ev.bytes }, 'MLLP bytes outside a frame discarded');
          continue;
        }
        if (ev.kind === 'oversize') {
          const head = ev.head.toString('utf8');
          const reason =
            `message of ${ev.bytes} bytes is larger than the limit of ${o.maxMessageBytes} bytes / ` +
            `bản tin ${ev.bytes} byte vượt giới hạn ${o.maxMessageBytes} byte`;
          enqueue(() => Promise.resolve(reply(o.hl7.refuse('mllp', head, reason).ack)));
          continue;
        }
        const bytes = ev.bytes;
        enqueue(async () => {
          const text = decodeUtf8(bytes);
          if (text === undefined) {
            const reason = 'the message is not valid UTF-8 / bản tin không phải UTF-8 hợp lệ';
            return reply(o.hl7.refuse('mllp', bytes.toString('latin1'), reason).ack);
          }
          const auth = await hospitalOf(text);
          if (!auth.ok) return reply(o.hl7.refuse('mllp', text, auth.error.message).ack);
          const allowed = o.limiter?.take(auth.identity.hospitalId) ?? { ok: true };
          if (!allowed.ok) return reply(o.hl7.refuse('mllp', text, rateLimitedReason(allowed.limit, allowed.retryAfterSeconds)).ack);
          reply((await o.hl7.handle(text, 'mllp', auth.identity.hospitalId)).ack);
        });
      }
    });
  };

  const server = o.tls
    ? tls.createServer(
        {
          allowHalfOpen: true,
          cert: o.tls.cert,
          key: o.tls.key,
          ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: o.clientCert === 'required' } : {}),
        },
        onConnection,
      )
    : net.createServer({ allowHalfOpen: true }, onConnection);
  server.on('error', (err) => o.log.error({ err }, 'MLLP listener error'));
  // A handshake refused (plaintext to the TLS port, no or an untrusted client certificate when required).
  const refusedHandshakes = new Counter({
    name: 'ews_ingest_mllp_tls_refused_total',
    help: 'MLLP over TLS connections refused during the handshake (not TLS, no or an untrusted client certificate)',
    registers: [o.metrics],
  });
  server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
    refusedHandshakes.inc();
    o.log.info({ err: err.message, remote: socket.remoteAddress }, 'MLLP TLS handshake refused');
  });

  return {
    /** Starts listening; resolves with the port (useful with port 0). */
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port, o.host, () => {
          server.off('error', reject);
          resolve((server.address() as net.AddressInfo).port);
        });
      }),
    /** Stops accepting, lets each connection finish the message in hand (ACK sent), then closes; destroys after 5 s. */
    async close(): Promise<void> {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const force = setTimeout(() => {
        for (const s of sockets.keys()) s.destroy();
      }, 5000);
      await Promise.all([...sockets.values()].map((finish) => finish()));
      await closed;
      clearTimeout(force);
    },
  };
}

export type MllpServer = ReturnType<typeof createMllpServer>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(b: Buffer): string | undefined {
  try {
    return utf8.decode(b);
  } catch {
    return undefined;
  }
}
