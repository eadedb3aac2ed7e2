import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The Kafka event log's metrics, created once per registry (several logs may share one). */
export interface KafkaMetrics {
  lag: Gauge<'topic' | 'partition'>;
  batchRecords: Histogram;
  consumed: Counter<'topic'>;
  deadLetters: Counter<'via'>;
  commitSeconds: Histogram<'kind'>;
  produceSeconds: Histogram;
  produced: Counter<'topic'>;
  retries: Counter<'operation'>;
  rebalances: Counter;
}

const NAMES = {
  lag: 'ews_kafka_consumer_lag_records',
  batchRecords: 'ews_kafka_consumer_batch_records',
  consumed: 'ews_kafka_consumer_records_total',
  deadLetters: 'ews_kafka_deadletters_total',
  commitSeconds: 'ews_kafka_commit_seconds',
  produceSeconds: 'ews_kafka_produce_seconds',
  produced: 'ews_kafka_produced_records_total',
  retries: 'ews_kafka_retries_total',
  rebalances: 'ews_kafka_consumer_rebalances_total',
} as const;

export function kafkaMetrics(registry: Registry): KafkaMetrics {
  const existing = registry.getSingleMetric(NAMES.lag);
  if (existing) return metricsFrom(registry);
  const registers = [registry];
  new Gauge({
    name: NAMES.lag,
    help: 'Records of the processor group not yet committed, per topic partition (end offset − committed offset)',
    labelNames: ['topic', 'partition'],
    registers,
  });
  new Histogram({
    name: NAMES.batchRecords,
    help: 'Records per consumed batch (one topic partition)',
    buckets: [1, 10, 100, 500, 1000, 5000, 20000, 50000],
    registers,
  });
  new Counter({ name: NAMES.consumed, help: 'Records consumed and committed, by topic', labelNames: ['topic'], registers });
  new Counter({
    name: NAMES.deadLetters,
    help: 'Records published to the dead-letter topic: via=batch (poison log records, in the commit transaction) or direct (refused at ingest)',
    labelNames: ['via'],
    registers,
  });
  new Histogram({
    name: NAMES.commitSeconds,
    help: 'Time to commit one batch: kind=offsets (plain offset commit) or transaction (dead letters + offsets)',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  new Histogram({
    name: NAMES.produceSeconds,
    help: 'Time from append to broker acknowledgement (acks=all)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  new Counter({ name: NAMES.produced, help: 'Records acknowledged by the broker, by topic', labelNames: ['topic'], registers });
  new Counter({
    name: NAMES.retries,
    help: 'Retries after a failed dependency call: operation=handle (store), commit, produce',
    labelNames: ['operation'],
    registers,
  });
  new Counter({ name: NAMES.rebalances, help: 'Consumer group (re)joins of this process', registers });
  return metricsFrom(registry);
}

function metricsFrom(registry: Registry): KafkaMetrics {
  const get = <T>(name: string) => registry.getSingleMetric(name) as T;
  return {
    lag: get(NAMES.lag),
    batchRecords: get(NAMES.batchRecords),
    consumed: get(NAMES.consumed),
    deadLetters: get(NAMES.deadLetters),
    commitSeconds: get(NAMES.commitSeconds),
    produceSeconds: get(NAMES.produceSeconds),
    produced: get(NAMES.produced),
    retries: get(NAMES.retries),
    rebalances: get(NAMES.rebalances),
  };
}
