import { createRequire } from 'node:module';
import net from 'node:net';
import kafkajs, { type ISocketFactory, type Kafka, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

const { Kafka: KafkaCtor, logLevel } = kafkajs;

/**
 * Cuts a client off the network on demand, as a crashed host or a pulled cable would: open
 * sockets are destroyed and new ones fail, so the client can neither leave its group nor
 * commit. Test-only (failure injection); production never passes one.
 */
export interface NetworkGate {
  sever(): void;
  readonly severed: boolean;
}

export function createNetworkGate(): NetworkGate & { track(socket: net.Socket): void } {
  const sockets = new Set<net.Socket>();
  let severed = false;
  return {
    get severed() {
      return severed;
    },
    sever() {
      severed = true;
      for (const s of sockets) s.destroy(new Error('network severed'));
      sockets.clear();
    },
    track(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    },
  };
}

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  gate?: (NetworkGate & { track(socket: net.Socket): void }) | undefined;
  /** Apply the kafkajs 2.2.4 idle-CPU fix below (process-wide, once). Default true. */
  idleCpuFix?: boolean;
}

/** The kafkajs client with the project's logging, retry policy and the idle-CPU fix. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  if (options.idleCpuFix ?? true) patchIdleCpu();
  const log = options.logger;
  return new KafkaCtor({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    // Dependency failures are retried for about a minute inside kafkajs; callers retry beyond
    // that with their own backoff, so an outage never makes anyone skip a record.
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 12 },
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...fields } = entry;
        // Transactional producers retry a bounded number of times on purpose (see
        // kafka-transactions.ts): each failed transaction is aborted and its producer replaced.
        const expected = message.startsWith('Limiting retries for the idempotent producer');
        // kafkajs logs retried, recovered conditions at ERROR; they are warnings to us.
        if (level <= logLevel.WARN && !expected) log.warn({ kafkajs: fields }, `kafkajs: ${message}`);
        else log.debug({ kafkajs: fields }, `kafkajs: ${message}`);
      },
    ...(options.gate ? { socketFactory: gatedSocketFactory(options.gate) } : {}),
  });
}

function gatedSocketFactory(gate: NetworkGate & { track(socket: net.Socket): void }): ISocketFactory {
  return ({ host, port, onConnect }) => {
    if (gate.severed) {
      const s = new net.Socket();
      process.nextTick(() => s.destroy(new Error('network severed')));
      return s;
    }
    const socket = net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    gate.track(socket);
    return socket;
  };
}

let patched = false;

/**
 * kafkajs 2.2.4 re-arms a 1 ms timer per broker connection even when nothing is pending or
 * throttled (requestQueue `scheduleCheckPendingRequests`, tulios/kafkajs#1556 and #1604): an
 * idle process wakes ~1,000 times a second per connection. The fix schedules the check only
 * while requests are pending or the broker throttles us, as 2.2.3 did. Applied once, and only
 * to the exact version it was written for; `npm run bench:kafka` measures idle CPU with and
 * without it. The flag below only keeps a process-wide patch from being applied twice.
 */
function patchIdleCpu(): void {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.url);
  const pkg = require('kafkajs/package.json') as { version: string };
  if (pkg.version !== '2.2.4') return;
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: Record<string, unknown> };
  interface Queue {
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    pending: unknown[];
    checkPendingRequests(): void;
  }
  RequestQueue.prototype['scheduleCheckPendingRequests'] = function (this: Queue) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (untilUnthrottled <= 0 && this.pending.length === 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      Math.max(untilUnthrottled, 10),
    );
  };
}
