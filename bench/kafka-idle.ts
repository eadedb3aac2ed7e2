// Idle CPU of the project's Kafka client (kafkajs 2.2.4 behind platform/event-log/kafka.ts):
// one processor subscription on empty topics, the producer and the admin client connected,
// nothing to do. Run once with the idle-CPU fix and once without (the fix is process-wide, so
// each variant runs in its own process). Prints {fix, seconds, cpuPercent} as one JSON line.
//   node --import tsx bench/kafka-idle.ts BROKERS PREFIX FIX(0|1) SECONDS
import { createKafkaEventLog } from '../platform/event-log/kafka.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';
import { TOPICS } from '../schemas/topics.ts';

const [brokers, prefix, fixArg, secondsArg] = process.argv.slice(2);
const fix = fixArg === '1';
const seconds = Number(secondsArg);
const log = createKafkaEventLog({
  brokers: brokers!.split(','),
  clientId: 'bench-idle',
  logger: createLogger({ level: 'error' }),
  metrics: createMetricsRegistry({ defaultMetrics: false }),
  topicPrefix: prefix!,
  topics: { partitions: 6 },
  deadLetterTopic: TOPICS.deadletter,
  consumer: { sessionTimeoutMs: 30_000, partitionFetchBytes: 4 << 20, concurrency: 12, transactionTimeoutMs: 60_000 },
  produceTimeoutMs: 30_000,
  idleCpuFix: fix,
});
await log.ensureTopics([TOPICS.encounters, TOPICS.labs, TOPICS.deadletter]);
// One append so the producer's connection is open too.
await log.append(TOPICS.labs, [{ key: 'k', value: '{}' }]);
const sub = await log.subscribe({
  topics: [TOPICS.encounters],
  group: `${prefix}idle-${fix ? 'fix' : 'nofix'}`,
  handler: () => Promise.resolve(),
});
await new Promise((r) => setTimeout(r, 5000));
const before = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const used = process.cpuUsage(before);
const wall = (performance.now() - t0) / 1000;
await sub.close();
await log.close();
process.stdout.write(JSON.stringify({ fix, seconds: wall, cpuPercent: (used.user + used.system) / 1e4 / wall }) + '\n');
