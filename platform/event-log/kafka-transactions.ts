import type { Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Commits a batch's dead letters together with its offsets, one Kafka transaction per batch.
 * Each input partition has its own transactional producer, `transactional.id` =
 * `<group>.<topic>.<partition>`: whoever takes a partition over initialises that id, which
 * aborts a transaction the previous owner left open (kill -9 mid-transaction) and fences the
 * previous owner if it is still alive (a zombie after a rebalance). This is the pre-KIP-447
 * exactly-once pattern; kafkajs implements neither KIP-447 nor static membership.
 */
export interface TransactionalCommitter {
  commit(input: { topic: string; partition: number; nextOffset: number; letters: Message[]; onMidTransaction?: () => void }): Promise<void>;
  /** Initialises the producers of newly assigned partitions (fencing earlier owners) and drops the others. */
  assign(partitions: readonly { topic: string; partition: number }[]): void;
  /**
   * Resolves once the partition's producer is initialised. The broker answers that only after
   * any transaction the previous owner was committing or aborting is complete, so offsets read
   * afterwards include it.
   */
  ready(topic: string, partition: number): Promise<void>;
  close(): Promise<void>;
}

export function createTransactionalCommitter(deps: {
  kafka: Kafka;
  group: string;
  deadLetterTopic: string;
  transactionTimeoutMs: number;
  log: Logger;
}): TransactionalCommitter {
  const producers = new Map<string, Promise<Producer>>();
  const key = (topic: string, partition: number) => `${topic}|${partition}`;

  const open = (topic: string, partition: number): Promise<Producer> => {
    const k = key(topic, partition);
    let p = producers.get(k);
    if (!p) {
      const producer = deps.kafka.producer({
        transactionalId: `${deps.group}.${topic}.${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: deps.transactionTimeoutMs,
        allowAutoTopicCreation: false,
        // Bounded, so a broker outage hands control back to the commit loop, which aborts,
        // replaces this producer (new epoch) and retries: sequences restart cleanly.
        retry: { initialRetryTime: 200, maxRetryTime: 3000, retries: 5 },
      });
      p = (async () => {
        await producer.connect();
        // The first transaction() runs InitProducerId: that is what fences earlier owners.
        const tx = await producer.transaction();
        await tx.abort();
        return producer;
      })();
      producers.set(k, p);
      p.catch(() => {
        if (producers.get(k) === p) producers.delete(k);
        void producer.disconnect().catch(() => undefined);
      });
    }
    return p;
  };

  const drop = async (k: string): Promise<void> => {
    const p = producers.get(k);
    producers.delete(k);
    const producer = await p?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  };

  return {
    async commit({ topic, partition, nextOffset, letters, onMidTransaction }) {
      const producer = await open(topic, partition);
      const tx = await producer.transaction();
      try {
        await tx.send({ topic: deps.deadLetterTopic, messages: letters, acks: -1 });
        onMidTransaction?.();
        await tx.sendOffsets({ consumerGroupId: deps.group, topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        // After a failed transaction the producer's state is uncertain (fenced, or epoch bumped
        // by a timeout): the next commit starts from a fresh one.
        await drop(key(topic, partition));
        throw err;
      }
    },
    assign(partitions) {
      const wanted = new Set(partitions.map((p) => key(p.topic, p.partition)));
      for (const k of [...producers.keys()]) if (!wanted.has(k)) void drop(k);
      for (const p of partitions) {
        open(p.topic, p.partition).catch((err: unknown) =>
          deps.log.warn(
            { err, topic: p.topic, partition: p.partition },
            'could not initialise the transactional producer yet; will retry on the next commit',
          ),
        );
      }
    },
    async ready(topic, partition) {
      await open(topic, partition);
    },
    async close() {
      await Promise.all([...producers.keys()].map((k) => drop(k)));
    },
  };
}
