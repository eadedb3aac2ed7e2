// Readiness probe for the local broker: exits 0 once the broker serves metadata
// (admin connect + describeCluster + listTopics), 1 otherwise. One attempt, no
// retries: scripts/kafka/start.sh calls it in a loop.
//   node scripts/kafka/ready.mjs [--warm] [host:port]   (default 127.0.0.1:$KAFKA_PORT or :9092)
// --warm additionally makes the broker create __consumer_offsets (via a group
// coordinator lookup, with retries), so the first consumer group of a test run
// does not hit "The group coordinator is not available" while it is created.
// Exit 2 means kafkajs could not be loaded (run `npm ci` first).
const args = process.argv.slice(2);
const warm = args.includes('--warm');
const broker = args.find((a) => !a.startsWith('--')) ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
const verbose = Boolean(process.env.KAFKA_READY_VERBOSE);

let kafkajs;
try {
  kafkajs = await import('kafkajs');
} catch (err) {
  console.error(`ready.mjs: cannot load kafkajs (${err.message})`);
  process.exit(2);
}
const { Kafka, logLevel } = kafkajs.default ?? kafkajs;

const kafka = new Kafka({
  clientId: 'ews-kafka-ready-probe',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1500,
  requestTimeout: 5000,
  retry: warm ? { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 } : { retries: 0 },
});
const admin = kafka.admin();
const timer = setTimeout(
  () => {
    console.error('ready.mjs: probe timed out');
    process.exit(1);
  },
  warm ? 30000 : 8000,
);
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (!cluster.brokers.length) throw new Error('metadata lists no brokers yet');
  const topics = await admin.listTopics();
  if (warm) await admin.describeGroups(['ews-kafka-warmup']);
  if (verbose) {
    console.log(
      `ready: cluster ${cluster.clusterId}, controller ${cluster.controller}, ` +
        `brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')}, ${topics.length} topic(s)`,
    );
  }
  await admin.disconnect();
  clearTimeout(timer);
  process.exit(0);
} catch (err) {
  if (verbose) console.error(`ready.mjs: not ready: ${err.message}`);
  try {
    await admin.disconnect();
  } catch {
    // Not connected: nothing to close.
  }
  clearTimeout(timer);
  process.exit(1);
}
