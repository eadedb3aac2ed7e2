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
  get headers(): Readonly<Record<string, string>> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, value] of Object.entries(this.message.headers ?? {})) {
      const first = Array.isArray(value) ? value[0] : value;
      if (first === undefined) continue;
      const key = name.toLowerCase();
      if (key in out) continue;
      out[key] = typeof first === 'string' ? first : first.toString('utf8');
    }
    return out;
  }
  get bytes(): Buffer {
    return this.message.value ?? Buffer.alloc(0);
  }
}
