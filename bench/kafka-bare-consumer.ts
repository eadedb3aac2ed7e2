// The baseline of `npm run bench:kafka`: a bare kafkajs consumer that reads the same topics
// as the processor (same group protocol, same fetch sizes, offsets committed after each batch)
// and does nothing with the records. Prints {messages, seconds} as one JSON line; seconds run
// from its first batch to its last, as the processor's are measured.
//   node --import tsx bench/kafka-bare-consumer.ts BROKERS GROUP EXPECTED FETCH_BYTES TOPIC…
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [brokers, group, expectedArg, fetchBytesArg, ...topics] = process.argv.slice(2);
const expected = Number(expectedArg);
const fetchBytes = Number(fetchBytesArg);
const kafka = new Kafka({ clientId: 'bench-bare', brokers: brokers!.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId: group!,
  maxBytesPerPartition: fetchBytes,
  maxBytes: fetchBytes * 8,
  maxWaitTimeInMs: 500,
  sessionTimeout: 30_000,
});
await consumer.connect();
await consumer.subscribe({ topics, fromBeginning: true });
let messages = 0;
let first = 0;
let last = 0;
const done = new Promise<void>((resolve) => {
  void consumer.run({
    partitionsConsumedConcurrently: 12,
    // kafkajs wants a promise from eachBatch; nothing here awaits.
    eachBatch: ({ batch }) => {
      if (first === 0) first = performance.now();
      messages += batch.messages.length;
      last = performance.now();
      if (messages >= expected) resolve();
      return Promise.resolve();
    },
  });
});
await done;
// Let the last batch's offset commit go out before measuring ends.
await consumer.disconnect();
process.stdout.write(JSON.stringify({ messages, seconds: (last - first) / 1000 }) + '\n');
