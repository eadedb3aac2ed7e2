import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import kafkajs, { type Admin, type Kafka, type Message } from 'kafkajs';

const { Kafka: KafkaCtor, logLevel, Partitioners } = kafkajs;
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface TestBroker {
  /** `host:port` list for KAFKA_BROKERS. */
  brokers: string;
  /** Where it came from, for messages. */
  origin: 'KAFKA_BROKERS' | 'testcontainers' | 'local broker (scripts/kafka/start.sh)';
}

let cached: Promise<TestBroker | { unavailable: string }> | undefined;

/**
 * The broker the Kafka tests run against: KAFKA_BROKERS when set; else, where a Docker engine
 * answers (DOCKER_HOST or /var/run/docker.sock), a Kafka container from @testcontainers/kafka
 * (one per test file, stopped when the worker exits); else the project's local broker, started
 * by scripts/kafka/start.sh (idempotent; concurrent test files wait on its lock). The
 * development machines and CI here have no Docker engine, so the container path has not run
 * here.
 * When no broker can be had: under CI=true the tests fail; elsewhere they are skipped with
 * the reason printed (see `kafkaSuite`).
 */
export function testBroker(): Promise<TestBroker | { unavailable: string }> {
  cached ??= (async () => {
    const fromEnv = process.env['KAFKA_BROKERS'];
    if (fromEnv) return { brokers: fromEnv, origin: 'KAFKA_BROKERS' as const };
    if (process.env['DOCKER_HOST'] || existsSync('/var/run/docker.sock')) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      process.once('beforeExit', () => void container.stop());
      return { brokers: `${container.getHost()}:${container.getMappedPort(9093)}`, origin: 'testcontainers' as const };
    }
    const r = spawnSync('bash', [`${REPO}/scripts/kafka/start.sh`], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    if (r.status !== 0)
      return {
        unavailable: `scripts/kafka/start.sh failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-5).join(' | ')}`,
      };
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

type RawRecord = {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
};
interface RawCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<{
    fetch(r: object): Promise<{ responses: { partitions: { partition: number; highWatermark: string; messages: RawRecord[] }[] }[] }>;
  }>;
}

/**
 * Every committed message of a topic, to its end offsets: what a correct read_committed
 * consumer sees. kafkajs 2.2.4's own read_committed filter cannot be trusted here: it enters
 * at most one aborted transaction per record and assumes the broker lists them by first offset,
 * so with several transactional producers interleaved on a partition it shows records of
 * aborted transactions (and can hide committed ones). The crash test found this: kafkajs read
 * 1,007 dead letters where a Java consumer read the expected 1,000. So this reader fetches the
 * raw log (read_uncommitted, through kafkajs's protocol layer, transaction markers included)
 * and applies the markers itself: a transactional record counts when its producer's next
 * marker in the partition is a commit.
 */
export async function readAll(
  kafka: Kafka,
  topic: string,
): Promise<{ key: string | null; value: string; partition: number; offset: string }[]> {
  const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!createCluster) throw new Error('kafkajs internals changed: readAll needs its Cluster (kafkajs 2.2.4)');
  const cluster = (kafka as unknown as Record<symbol, (o: object) => RawCluster>)[createCluster]!({ allowAutoTopicCreation: false });
  await cluster.connect();
  const out: { key: string | null; value: string; partition: number; offset: string }[] = [];
  try {
    await cluster.addTargetTopic(topic);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const leaders = cluster.findLeaderForPartitions(
      topic,
      ends.map((e) => e.partition),
    );
    for (const e of ends) {
      const leader = Object.entries(leaders).find(([, ps]) => ps.includes(e.partition))![0];
      const broker = await cluster.findBroker({ nodeId: leader });
      const open = new Map<string, RawRecord[]>();
      for (let next = Number(e.low); next < Number(e.high);) {
        const res = await broker.fetch({
          replicaId: -1,
          isolationLevel: 0,
          maxWaitTime: 100,
          topics: [{ topic, partitions: [{ partition: e.partition, fetchOffset: String(next), maxBytes: 8 << 20 }] }],
        });
        const records = res.responses[0]!.partitions[0]!.messages.filter((m) => Number(m.offset) >= next);
        if (records.length === 0) throw new Error(`${topic}/${e.partition}: no records at ${next} before the end offset ${e.high}`);
        for (const m of records) {
          const k = m.batchContext.producerId;
          if (m.isControlRecord) {
            // Marker key: version INT16, type INT16 (0 abort, 1 commit).
            const commit = m.key?.readInt16BE(2) === 1;
            for (const r of open.get(k) ?? [])
              if (commit)
                out.push({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? '', partition: e.partition, offset: r.offset });
            open.delete(k);
          } else if (m.batchContext.inTransaction) open.set(k, [...(open.get(k) ?? []), m]);
          else out.push({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', partition: e.partition, offset: m.offset });
        }
        next = Number(records[records.length - 1]!.offset) + 1;
      }
    }
  } finally {
    await cluster.disconnect();
  }
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
