import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  createKafkaDeadLetterStore,
  encodeDeadLetter,
  type BatchScope,
  type DeadLetterMessage,
} from '../../../platform/event-log/kafka-dead-letter.ts';
import { DEAD_LETTER_RAW_CAP } from '../../../schemas/dead-letter.ts';
import { deadLetterV1 } from '../../../schemas/topics.ts';

const letter = { source: 'ews.encounters.v1/3/42', reason_code: 'RECORD_INVALID', reason: 'event.sex: must be one of …', raw: '{"x":1}' };
const at = '2026-11-25T05:00:00.000Z';
const decode = (m: DeadLetterMessage) => deadLetterV1.parse(JSON.parse(m.value));

describe('dead letter v1 encoding', () => {
  it.each([
    ['text', Buffer.from('{"x":1}'), 'utf8', '{"x":1}'],
    ['Vietnamese text', Buffer.from('sốt xuất huyết'), 'utf8', 'sốt xuất huyết'],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x81]), 'base64', '//4AgQ=='],
    ['empty (tombstone)', null, 'utf8', ''],
  ] as const)('keeps the original bytes of %s', (_name, bytes, encoding, raw) => {
    const d = decode(encodeDeadLetter(letter, at, bytes));
    expect(d).toMatchObject({
      code: 'RECORD_INVALID',
      source: letter.source,
      received_at: at,
      raw,
      raw_encoding: encoding,
      raw_truncated: false,
      raw_bytes: bytes?.length ?? 0,
    });
  });

  it('caps raw at 64 KiB without cutting a UTF-8 character', () => {
    const big = Buffer.from('ế'.repeat(DEAD_LETTER_RAW_CAP)); // 3 bytes each
    const d = decode(encodeDeadLetter(letter, at, big));
    expect(d.raw_truncated).toBe(true);
    expect(d.raw_bytes).toBe(big.length);
    expect(Buffer.byteLength(d.raw)).toBeLessThanOrEqual(DEAD_LETTER_RAW_CAP);
    expect(d.raw).toBe('ế'.repeat(Math.floor(DEAD_LETTER_RAW_CAP / 3)));
  });

  it('carries the identity and details when known, keyed by hospital', () => {
    const m = encodeDeadLetter(
      { ...letter, source: 'http:/v1/events', event_id: 'E1', hospital_id: 'BV-1', details: [{ path: 'sex', message: 'bad' }] },
      at,
    );
    expect(m.key).toBe('BV-1');
    expect(decode(m)).toMatchObject({ event_id: 'E1', hospital_id: 'BV-1', details: [{ path: 'sex', message: 'bad' }] });
  });
});

describe('Kafka dead-letter store', () => {
  const setup = () => {
    const scope = new AsyncLocalStorage<BatchScope>();
    const published: DeadLetterMessage[][] = [];
    const store = createKafkaDeadLetterStore({
      scope,
      publish: (m) => (published.push(m), Promise.resolve()),
      onRecorded: () => undefined,
    });
    return { scope, published, store };
  };

  it('inside a batch: joins the batch (its commit transaction), with the physical source and original bytes', async () => {
    const { scope, published, store } = setup();
    const batch: BatchScope = {
      letters: [],
      topic: 'ews.encounters.v1',
      physicalTopic: 'bn.ews.encounters.v1',
      partition: 3,
      rawAt: (o) => (o === 42 ? Buffer.from([0xc3]) : undefined),
    };
    await scope.run(batch, async () => {
      await Promise.resolve();
      await store.record([letter], Date.parse(at));
    });
    expect(published).toEqual([]);
    expect(batch.letters.map(decode)).toMatchObject([{ source: 'bn.ews.encounters.v1/3/42', raw: 'ww==', raw_encoding: 'base64' }]);
  });

  it('outside a batch (ingest): publishes at once', async () => {
    const { published, store } = setup();
    await store.record([{ ...letter, source: 'http:/v1/events' }], Date.parse(at));
    expect(published.flat().map(decode)).toMatchObject([{ source: 'http:/v1/events', raw: '{"x":1}' }]);
  });
});
