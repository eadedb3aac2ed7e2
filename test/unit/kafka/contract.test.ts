import { describe, expect, it } from 'vitest';
import { parseLogRecord, TOPICS } from '../../../schemas/topics.ts';
import { isOwnershipLost } from '../../../platform/event-log/kafka-errors.ts';
import { isRetryable } from '../../../platform/retryable.ts';
import { AppError } from '../../../platform/errors.ts';
import { readConfig } from '../../../cli/config.ts';

const event = {
  schema: 'ews.encounter.v1',
  event_id: 'E1',
  hospital_id: 'BV-1',
  occurred_at: '2026-11-20T09:30:00+07:00',
  commune_code: '09187',
  sex: 'female',
  setting: 'outpatient',
  diagnoses: ['A90'],
  patient_key: 'a'.repeat(32),
};
const record = (over: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  JSON.stringify({ event: { ...event, ...over }, received_at: '2026-11-20T02:31:07.123Z', ...top });

describe('log record v1 contract', () => {
  it('accepts what ingest writes', () => {
    const r = parseLogRecord(record());
    expect(r.ok).toBe(true);
  });

  it.each([
    ['not JSON', 'not json', 'RECORD_UNREADABLE', 'not JSON'],
    ['a raw patient_id', record({ patient_id: 'P1' }), 'RECORD_INVALID', 'patient_id'],
    ['a wrong type', record({ age_years: 'old' }), 'RECORD_INVALID', 'event.age_years'],
    ['an unknown schema', record({ schema: 'ews.x.v9' }), 'RECORD_INVALID', 'event.schema'],
    ['no received_at', record({}, { received_at: undefined }), 'RECORD_INVALID', 'received_at'],
    ['an extra envelope field', record({}, { extra: 1 }), 'RECORD_INVALID', 'extra'],
    ['a JSON array', '[1]', 'RECORD_INVALID', '(record)'],
  ])('refuses %s, naming why', (_name, text, code, mention) => {
    const r = parseLogRecord(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.reason).toContain(mention);
    }
  });

  it('names the topics as documented in schemas/topics.md', () => {
    expect(Object.values(TOPICS)).toEqual(['ews.encounters.v1', 'ews.labs.v1', 'ews.deadletter.v1']);
  });
});

describe('Kafka failure classification', () => {
  const protocol = (type: string) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });
  it.each([
    ['a rebalance', protocol('REBALANCE_IN_PROGRESS'), true, true],
    ['a fenced producer', protocol('INVALID_PRODUCER_EPOCH'), true, true],
    [
      'an expired member, wrapped by retries',
      Object.assign(new Error('retries'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: protocol('UNKNOWN_MEMBER_ID') }),
      true,
      true,
    ],
    ['a broker down', Object.assign(new Error('ECONNREFUSED'), { name: 'KafkaJSConnectionError' }), false, true],
    ['a store down', new AppError('STORE_UNAVAILABLE', 'down'), false, true],
    ['missing permissions', protocol('TOPIC_AUTHORIZATION_FAILED'), false, false],
    ['a programmer error', new TypeError('x is undefined'), false, false],
  ])('%s: partition lost %s, retried %s', (_name, err, lost, retried) => {
    expect(isOwnershipLost(err)).toBe(lost);
    expect(isRetryable(err)).toBe(retried);
  });
});

describe('Kafka configuration', () => {
  it('defaults: 6 partitions, group ews-processors, one consumer, 1 MiB fetches', () => {
    expect(readConfig({ KAFKA_BROKERS: '127.0.0.1:9092' })).toMatchObject({
      KAFKA_PARTITIONS: 6,
      KAFKA_GROUP: 'ews-processors',
      KAFKA_CONSUMERS: 1,
      KAFKA_PARTITION_FETCH_BYTES: 1 << 20,
      KAFKA_TOPIC_PREFIX: '',
    });
  });

  it('parses the crash-test hook', () => {
    expect(readConfig({ KAFKA_TEST_HOOK: 'after-write:3' }).KAFKA_TEST_HOOK).toEqual({ point: 'after-write', n: 3 });
  });

  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ KAFKA_PARTITIONS: '0' }, 'KAFKA_PARTITIONS'],
    [{ KAFKA_TEST_HOOK: 'sometimes' }, 'KAFKA_TEST_HOOK'],
    [{ KAFKA_SESSION_TIMEOUT_MS: '1000' }, 'KAFKA_SESSION_TIMEOUT_MS'],
  ])('a bad value stops start-up naming the variable (%o)', (env, name) => {
    expect(() => readConfig(env)).toThrow(new RegExp(`${name}:`));
  });
});
