import kafkajs, { type Kafka, type Message, type TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type { KafkaMetrics } from './kafka-metrics.ts';

const { Partitioners } = kafkajs;

/** Bytes sent in one produce request at most: stays under the broker's 1 MB batch limit per partition. */
const MAX_SEND_BYTES = 900 * 1024;

export interface GroupProducer {
  /** Resolves once the broker acknowledged every message (acks=all), or rejects with LOG_UNAVAILABLE. */
  send(topic: string, messages: readonly Message[]): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  topic: string;
  messages: readonly Message[];
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
  settled: boolean;
}

/**
 * One idempotent producer (acks=all, Java-compatible murmur2 partitioning by key) with group
 * sends: while one request is in flight, later calls queue and go out together in the next,
 * so concurrent ingest requests share round trips and the idempotent sequence stays in order
 * (one request in flight). A call not acknowledged within `timeoutMs` is rejected as retryable;
 * its messages may still land, which is harmless: resends are deduplicated downstream.
 */
export function createGroupProducer(kafka: Kafka, deps: { log: Logger; metrics: KafkaMetrics; timeoutMs: number }): GroupProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // Idempotence needs unbounded retries inside kafkajs; callers are bounded by timeoutMs.
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: Number.MAX_SAFE_INTEGER },
  });
  let connecting: Promise<void> | undefined;
  const queue: Pending[] = [];
  let inFlight: Promise<void> | undefined;

  const take = (): Pending[] => {
    const out: Pending[] = [];
    let bytes = 0;
    while (queue.length > 0 && (out.length === 0 || bytes + queue[0]!.bytes <= MAX_SEND_BYTES)) {
      const p = queue.shift()!;
      if (p.settled) continue;
      out.push(p);
      bytes += p.bytes;
    }
    return out;
  };

  const pump = (): void => {
    if (inFlight || queue.length === 0) return;
    const group = take();
    if (group.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const p of group) {
      let list = byTopic.get(p.topic);
      if (!list) byTopic.set(p.topic, (list = []));
      list.push(...p.messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const end = deps.metrics.produceSeconds.startTimer();
    inFlight = (connecting ??= producer.connect())
      .then(() => producer.sendBatch({ topicMessages, acks: -1 }))
      .then(
        () => {
          end();
          for (const [topic, messages] of byTopic) deps.metrics.produced.inc({ topic }, messages.length);
          for (const p of group) settle(p, undefined);
        },
        (err: unknown) => {
          connecting = undefined;
          deps.metrics.retries.inc({ operation: 'produce' });
          const e = new AppError('LOG_UNAVAILABLE', 'Kafka did not acknowledge the records', { cause: err });
          for (const p of group) settle(p, e);
        },
      )
      .finally(() => {
        inFlight = undefined;
        pump();
      });
  };

  const settle = (p: Pending, err: Error | undefined): void => {
    if (p.settled) return;
    p.settled = true;
    if (err) p.reject(err);
    else p.resolve();
  };

  return {
    send(topic, messages) {
      if (messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let bytes = 0;
        for (const m of messages) bytes += byteLength(m.value) + byteLength(m.key ?? null) + 70;
        const p: Pending = { topic, messages, bytes, resolve, reject, settled: false };
        const timer = setTimeout(
          () => settle(p, new AppError('LOG_UNAVAILABLE', `Kafka did not acknowledge within ${deps.timeoutMs} ms`)),
          deps.timeoutMs,
        );
        timer.unref();
        const done = () => clearTimeout(timer);
        p.resolve = () => (done(), resolve());
        p.reject = (e) => (done(), reject(e));
        queue.push(p);
        pump();
      });
    },
    async close() {
      // Let queued sends finish, but no longer than a send may take.
      const deadline = Date.now() + deps.timeoutMs;
      while ((inFlight || queue.some((p) => !p.settled)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      if (connecting) await producer.disconnect().catch((err: unknown) => deps.log.warn({ err }, 'Kafka producer disconnect failed'));
    },
  };
}

function byteLength(v: Buffer | string | null): number {
  if (v === null) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
