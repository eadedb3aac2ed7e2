import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { AppError } from '../../platform/errors.ts';
import { retryability, type RetryRule } from '../../platform/retryable.ts';
import { retryWithBackoff } from '../../platform/retry.ts';

// Error shapes as the libraries throw them (kafkajs 2.2.4, chDB, @clickhouse/client), built
// structurally so this test needs neither a broker nor an engine.
const kafka = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, retriable: true, ...extra });
const protocol = (type: string, retriable: boolean) => kafka('KafkaJSProtocolError', { type, retriable });
const exhausted = (cause: unknown) => kafka('KafkaJSNumberOfRetriesExceeded', { retriable: false, cause });
const chdb = (clickhouseCode: number) =>
  Object.assign(new Error(`Code: ${clickhouseCode}. DB::Exception`), { name: 'ChdbInsertError', clickhouseCode });
const server = (code: string, type: string) => Object.assign(new Error(type), { code, type });

describe('the one retryable classification', () => {
  it.each<[string, unknown, boolean, RetryRule]>([
    // programmer errors: never, whatever they carry
    ['a TypeError', new TypeError('x is undefined'), false, 'programmer-error'],
    ['a RangeError', new RangeError('Invalid time value'), false, 'programmer-error'],
    ['a SyntaxError', new SyntaxError('Unexpected token'), false, 'programmer-error'],
    ['a ReferenceError', new ReferenceError('y is not defined'), false, 'programmer-error'],
    // our errors: their code decides
    ['STORE_UNAVAILABLE', new AppError('STORE_UNAVAILABLE', 'down'), true, 'app-error'],
    ['LOG_UNAVAILABLE', new AppError('LOG_UNAVAILABLE', 'no ack'), true, 'app-error'],
    ['DELIVERY_FAILED', new AppError('DELIVERY_FAILED', '503'), true, 'app-error'],
    ['VALIDATION_FAILED', new AppError('VALIDATION_FAILED', 'bad'), false, 'app-error'],
    ['CONFIG_INVALID', new AppError('CONFIG_INVALID', 'bad'), false, 'app-error'],
    [
      'an AppError wrapping a refused INSERT (our code wins)',
      new AppError('STORE_UNAVAILABLE', 'x', { cause: chdb(41) }),
      true,
      'app-error',
    ],
    // kafkajs: retried unless configuration, permissions or a missing feature
    ['a broker down', kafka('KafkaJSConnectionError', { code: 'ECONNREFUSED' }), true, 'kafka'],
    ['a request timeout', kafka('KafkaJSRequestTimeoutError'), true, 'kafka'],
    ['NOT_COORDINATOR', protocol('NOT_COORDINATOR', true), true, 'kafka'],
    ['retries exhausted during an outage', exhausted(kafka('KafkaJSConnectionError')), true, 'kafka'],
    ['BROKER_NOT_AVAILABLE (retriable: false in kafkajs)', protocol('BROKER_NOT_AVAILABLE', false), true, 'kafka'],
    ['no group coordinator (retriable: false in kafkajs)', kafka('KafkaJSGroupCoordinatorNotFound', { retriable: false }), true, 'kafka'],
    ['INVALID_TXN_STATE (the committer starts a fresh producer)', protocol('INVALID_TXN_STATE', false), true, 'kafka'],
    ['missing topic permissions', protocol('TOPIC_AUTHORIZATION_FAILED', false), false, 'kafka'],
    ['missing group permissions, wrapped by retries', exhausted(protocol('GROUP_AUTHORIZATION_FAILED', false)), false, 'kafka'],
    ['an unsupported broker version', protocol('UNSUPPORTED_VERSION', false), false, 'kafka'],
    ['a feature kafkajs lacks', kafka('KafkaJSNotImplemented', { retriable: false }), false, 'kafka'],
    [
      'a permission error under originalError',
      kafka('KafkaJSError', { originalError: protocol('CLUSTER_AUTHORIZATION_FAILED', false) }),
      false,
      'kafka',
    ],
    // engine errors: by ClickHouse code
    ['chDB: cannot parse a DateTime (41)', chdb(41), false, 'engine'],
    ['chDB: cannot parse input (27)', chdb(27), false, 'engine'],
    ['chDB: cannot parse text (6)', chdb(6), false, 'engine'],
    ['chDB: syntax error (62)', chdb(62), false, 'engine'],
    ['chDB: value out of range (321)', chdb(321), false, 'engine'],
    ['chDB: unknown table (60, e.g. detached)', chdb(60), true, 'engine'],
    ['chDB: memory limit (241)', chdb(241), true, 'engine'],
    ['server: too many parts (252)', server('252', 'TOO_MANY_PARTS'), true, 'engine'],
    ['server: cannot parse a DateTime (41)', server('41', 'CANNOT_PARSE_DATETIME'), false, 'engine'],
    ['a plain error wrapping a refused INSERT', new Error('insert failed', { cause: chdb(27) }), false, 'engine'],
    // anything else: a dependency failure
    ['a socket error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true, 'other'],
    ['a file-system error', Object.assign(new Error('EIO'), { code: 'EIO' }), true, 'other'],
    ['a thrown string', 'boom', true, 'other'],
    [
      'a cause cycle',
      (() => {
        const e = new Error('a') as Error & { cause?: unknown };
        e.cause = e;
        return e;
      })(),
      true,
      'other',
    ],
  ])('%s → retryable %s (%s)', (_name, err, retryable, rule) => {
    expect(retryability(err)).toEqual({ retryable, rule });
  });
});

describe('retryWithBackoff', () => {
  const log = pino({ level: 'silent' });
  const failing = (failures: Error[]) => {
    let calls = 0;
    const fn = () => {
      const err = failures[calls++];
      return err === undefined ? Promise.resolve(calls) : Promise.reject(err);
    };
    return { fn, calls: () => calls };
  };
  const down = () => new AppError('STORE_UNAVAILABLE', 'down');

  it('retries retryable failures until one attempt succeeds', async () => {
    const f = failing([down(), down()]);
    const retries: number[] = [];
    await expect(retryWithBackoff(f.fn, { log, what: 't', initialDelayMs: 1, onRetry: (_e, n) => retries.push(n) })).resolves.toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('rethrows a failure that is not retryable at once', async () => {
    const f = failing([new TypeError('bug')]);
    await expect(retryWithBackoff(f.fn, { log, what: 't', initialDelayMs: 1 })).rejects.toThrow('bug');
    expect(f.calls()).toBe(1);
  });

  it('throws the last failure after maxAttempts', async () => {
    const f = failing([down(), down(), down()]);
    await expect(retryWithBackoff(f.fn, { log, what: 't', initialDelayMs: 1, maxAttempts: 2 })).rejects.toThrow('down');
    expect(f.calls()).toBe(2);
  });

  it('resolves undefined without another attempt once closed or abandoned', async () => {
    let closed = false;
    const f = failing([down(), down()]);
    const closing = retryWithBackoff(f.fn, { log, what: 't', initialDelayMs: 1, isClosed: () => closed, onRetry: () => (closed = true) });
    await expect(closing).resolves.toBeUndefined();
    expect(f.calls()).toBe(1);
    const g = failing([new AppError('VALIDATION_FAILED', 'moved')]);
    await expect(retryWithBackoff(g.fn, { log, what: 't', isAbandoned: () => true })).resolves.toBeUndefined();
  });

  it('an abort cuts the wait short', async () => {
    const stop = new AbortController();
    const f = failing([down()]);
    const started = Date.now();
    const p = retryWithBackoff(f.fn, { log, what: 't', initialDelayMs: 60_000, signal: stop.signal, isClosed: () => stop.signal.aborted });
    setTimeout(() => stop.abort(), 20);
    await expect(p).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
