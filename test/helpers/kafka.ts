import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import kafkajs, { type Admin, type Kafka, type Message } from 'kafkajs';

const { Kafka: KafkaCtor, logLevel, Partitioners } = kafkajs;
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface TestBroker {
  /** `host:port` list for KAFKA_BROKERS. */
  brokers: string;
  /** Where it came from, for messages. */
  origin: 'KAFKA_BROKERS' | 'local broker (scripts/kafka/start.sh)';
}

let cached: Promise<TestBroker | { unavailable: string }> | undefined;

/**
 * The broker the Kafka tests run against: KAFKA_BROKERS when set, else the project's local
 * broker, started by scripts/kafka/start.sh (idempotent; concurrent test files wait on its
 * lock). No Docker engine exists on these machines, so testcontainers is not tried.
 * When no broker can be had: under CI=true the tests fail; elsewhere they are skipped with
 * the reason printed (see `kafkaSuite`).
 */
export function testBroker(): Promise<TestBroker | { unavailable: string }> {
  cached ??= (async () => {
    const fromEnv = process.env['KAFKA_BROKERS'];
    if (fromEnv) return { brokers: fromEnv, origin: 'KAFKA_BROKERS' as const };
    const r = spawnSync('bash', [`${REPO}/scripts/kafka/start.sh`], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    if (r.status !== 0) return { unavailable: `scripts/kafka/start.sh failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-5).join(' | ')}` };
    return { brokers: `127.0.0.1:${process.env['KAFKA_PORT'] ?? '9092'}`, origin: 'local broker (scripts/kafka/start.sh)' as const };
  })();
  return cached;
}

/**
 * Resolves the broker for a test file. Under CI=true a missing broker throws, so the file
 * fails instead of skipping silently; elsewhere it returns undefined after printing why.
 */
export async function requireBroker(file: string): Promise<TestBroker | undefined> {
  const b = await testBroker();
  if ('brokers' in b) return b;
  const message = `Kafka tests in ${file} need a broker: ${b.unavailable}. Set KAFKA_BROKERS or run npm run kafka:start.`;
  if (process.env['CI'] === 'true') throw new Error(message);
  process.stderr.write(`SKIPPED (no Kafka broker): ${message}\n`);
  return undefined;
}

/** A name no other test (or earlier run) uses: topics and groups are never shared. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function testKafka(brokers: string): Kafka {
  return new KafkaCtor({
    clientId: 'ews-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, retries: 10 },
  });
}

/** Produces raw messages (bytes as given) the way an outside producer would, acks=all. */
export async function produceRaw(kafka: Kafka, topic: string, messages: Message[], chunk = 2000): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
  } finally {
    await producer.disconnect();
  }
}

/** Every message of a topic (read_committed: aborted transactions excluded), read to its end offsets. */
export async function readAll(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<{ key: string | null; value: string; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  // Only data messages count; high watermarks also cover transaction markers.
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted: false, maxWaitTimeInMs: 100, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: { key: string | null; value: string; partition: number; offset: string }[] = [];
  const reached = new Map<number, number>();
  const done = () => ends.every((e) => Number(e.high) === Number(e.low) || (reached.get(e.partition) ?? -1) >= Number(e.high) - 1);
  // END_BATCH_PROCESS also fires for batches holding only transaction markers or aborted
  // records (eachBatch does not), and its lastOffset covers them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? -1, Number(payload.lastOffset)));
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) out.push({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', partition: batch.partition, offset: m.offset });
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  if (!done()) throw new Error(`reading ${topic} did not reach its end offsets within ${timeoutMs} ms`);
  return out;
}

/** Records of a group not committed yet, over all partitions of the topics. */
export async function groupLag(admin: Admin, group: string, topics: string[]): Promise<number> {
  let lag = 0;
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const c = committed.find((t) => t.topic === topic);
    for (const e of ends) {
      const off = Number(c?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      lag += Math.max(0, Number(e.high) - Math.max(Number(e.low), off));
    }
  }
  return lag;
}

/** Waits until the group has committed everything in the topics. */
export async function waitForZeroLag(admin: Admin, group: string, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lag = -1;
  while (Date.now() < deadline) {
    lag = await groupLag(admin, group, topics);
    if (lag === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`group ${group} still has ${lag} records to commit after ${timeoutMs} ms`);
}
