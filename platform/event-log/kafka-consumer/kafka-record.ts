import type { KafkaMessage } from 'kafkajs';
import type { ConsumedRecord } from '../types.ts';

/** A consumed Kafka message as a log record; the key (processors do not read it) is decoded on use. */
export class KafkaRecord implements ConsumedRecord {
  readonly offset: number;
  readonly value: string;
  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly message: KafkaMessage,
  ) {
    this.offset = Number(message.offset);
    this.value = message.value ? message.value.toString('utf8') : '';
  }
  get key(): string {
    return this.message.key ? this.message.key.toString('utf8') : '';
  }
}
