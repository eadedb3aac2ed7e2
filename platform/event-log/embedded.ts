import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  fstatSync,
  write,
  writeFileSync,
  readFileSync,
  ftruncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import type { ConsumedBatch, ConsumedRecord, EventLog, SubscribeOptions, Subscription } from './types.ts';
import { retryWithBackoff } from '../retry.ts';

/**
 * An embedded durable log: one append-only file per topic (`<dir>/<topic>.log`), one record
 * per line as `key<TAB>value` (values are JSON text, which never holds a raw newline). Appends are group-committed: concurrent callers share one
 * write + fsync, and each resolves only after its bytes are on disk. A line cut short by a
 * crash is truncated on open, so readers only ever see whole records. Offsets are byte
 * positions; a group's committed offset lives in `<dir>/<topic>.<group>.offset`, replaced
 * atomically (write temp file, fsync, rename).
 */
export function createEmbeddedLog(options: { dir: string; logger: Logger; metrics?: Registry }): EventLog {
  const syncSeconds = options.metrics
    ? new Histogram({
        name: 'ews_platform_log_sync_seconds',
        help: 'Embedded event log: time to write and fdatasync one group commit',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [options.metrics],
      })
    : undefined;
  // The log holds health events: readable by the owner only (directories 0700, files 0600).
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const topics = new Map<string, TopicFile>();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const subscriptions = new Set<Subscription>();

  const topicFile = (topic: string): TopicFile => {
    let t = topics.get(topic);
    if (!t) {
      t = openTopic(options.dir, topic, options.logger);
      topics.set(topic, t);
    }
    return t;
  };

  const flush = (t: TopicFile): void => {
    if (t.flushing || t.pending.length === 0) return;
    t.flushing = true;
    // Write and fdatasync on libuv's thread pool: the event loop keeps parsing requests
    // meanwhile, and everything appended during one sync shares the next one.
    const batch = t.pending;
    t.pending = [];
    const buf = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data));
    const endTimer = syncSeconds?.startTimer();
    void writeAll(t.fd, buf, t.size)
      .then(() => new Promise<void>((resolve, reject) => fdatasync(t.fd, (err) => (err ? reject(err) : resolve()))))
      .then(
        () => {
          t.size += buf.length;
          endTimer?.();
          for (const p of batch) p.resolve();
          emitter.emit(t.topic);
        },
        (err: Error) => {
          // The file may now hold part of this batch past `size`: cut it so a later append
          // does not land behind bytes nobody acknowledged.
          try {
            ftruncateSync(t.fd, t.size);
          } catch {
            /* the next open truncates the torn tail anyway */
          }
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        t.flushing = false;
        flush(t);
      });
  };

  return {
    append(topic, records) {
      if (records.length === 0) return Promise.resolve();
      const t = topicFile(topic);
      let text = '';
      for (const r of records) {
        if (/[\t\n]/.test(r.key) || r.value.includes('\n'))
          return Promise.reject(new TypeError('log keys hold no tab or newline, values no newline'));
        text += `${r.key}\t${r.value}\n`;
      }
      return new Promise<void>((resolve, reject) => {
        t.pending.push({ data: Buffer.from(text, 'utf8'), resolve, reject });
        flush(t);
      });
    },

    subscribe(opts: SubscribeOptions) {
      // The executor runs at once; a throw in it (unreadable offsets) rejects, as from an async method.
      return new Promise<Subscription>((resolve) => {
        const files = opts.topics.map((topic) => topicFile(topic));
        const sub = startConsumer(options.dir, files, opts, emitter, options.logger);
        subscriptions.add(sub);
        resolve({
          lag: () => sub.lag(),
          close: async () => {
            subscriptions.delete(sub);
            await sub.close();
          },
        });
      });
    },

    async close() {
      for (const s of [...subscriptions]) await s.close();
      subscriptions.clear();
      for (const t of topics.values()) {
        while (t.flushing || t.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
        closeSync(t.fd);
      }
      topics.clear();
    },
  };
}

interface TopicFile {
  topic: string;
  fd: number;
  /** Durable size in bytes: the high-water mark readers may read up to. */
  size: number;
  pending: { data: Buffer; resolve: () => void; reject: (e: Error) => void }[];
  flushing: boolean;
}

function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number): void => {
      if (offset >= buf.length) return resolve();
      write(fd, buf, offset, buf.length - offset, position + offset, (err, n) => (err ? reject(err) : step(offset + n)));
    };
    step(0);
  });
}

function openTopic(dir: string, topic: string, log: Logger): TopicFile {
  if (!/^[A-Za-z0-9._-]+$/.test(topic)) throw new Error(`invalid topic name: ${topic}`);
  const fd = openSync(join(dir, `${topic}.log`), 'a+', 0o600);
  // A file an earlier version created readable by others is tightened too.
  fchmodSync(fd, 0o600);
  let size = fstatSync(fd).size;
  // Drop a torn tail: everything after the last newline was never acknowledged.
  if (size > 0) {
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const lastNl = tail.lastIndexOf(0x0a);
    const keep = lastNl < 0 ? size - tail.length : size - tail.length + lastNl + 1;
    if (keep !== size) {
      log.warn({ topic, dropped_bytes: size - keep }, 'truncating torn tail of embedded log');
      ftruncateSync(fd, keep);
      fsyncSync(fd);
      size = keep;
    }
  }
  return { topic, fd, size, pending: [], flushing: false };
}

function offsetPath(dir: string, topic: string, group: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(group)) throw new Error(`invalid group name: ${group}`);
  return join(dir, `${topic}.${group}.offset`);
}

function readCommitted(dir: string, topic: string, group: string): number {
  const p = offsetPath(dir, topic, group);
  if (!existsSync(p)) return 0;
  const n = Number(readFileSync(p, 'utf8').trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`corrupt offset file ${p}`);
  return n;
}

function writeCommitted(dir: string, topic: string, group: string, offset: number): void {
  const p = offsetPath(dir, topic, group);
  const tmp = `${p}.tmp`;
  writeFileSync(tmp, String(offset), { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, p);
}

const MAX_READ_BYTES = 8 << 20;

function readBatch(t: TopicFile, from: number, maxRecords: number): ConsumedBatch {
  const records: ConsumedRecord[] = [];
  const len = Math.min(t.size - from, MAX_READ_BYTES);
  if (len <= 0) return { topic: t.topic, partition: 0, records, nextOffset: from };
  const buf = Buffer.alloc(len);
  readSync(t.fd, buf, 0, len, from);
  let pos = 0;
  while (records.length < maxRecords) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const tab = buf.indexOf(0x09, pos);
    const split = tab >= 0 && tab < nl ? tab : pos;
    records.push({
      topic: t.topic,
      partition: 0,
      offset: from + pos,
      key: buf.toString('utf8', pos, split),
      value: buf.toString('utf8', split === pos ? pos : split + 1, nl),
    });
    pos = nl + 1;
  }
  if (records.length === 0 && len === MAX_READ_BYTES) throw new Error(`record larger than ${MAX_READ_BYTES} bytes in ${t.topic}`);
  return { topic: t.topic, partition: 0, records, nextOffset: from + pos };
}

function startConsumer(dir: string, files: TopicFile[], opts: SubscribeOptions, emitter: EventEmitter, log: Logger): Subscription {
  const positions = new Map(files.map((t) => [t.topic, readCommitted(dir, t.topic, opts.group)]));
  const maxRecords = opts.maxBatchRecords ?? 20_000;
  let closed = false;
  let wake: (() => void) | undefined;
  const onAppend = () => wake?.();
  for (const t of files) emitter.on(t.topic, onAppend);

  // Like Kafka's fetch.min.bytes / fetch.max.wait.ms: a megabyte per batch makes
  // the store's inserts several times cheaper per row than one small batch per append, at
  // the cost of at most `maxWaitMs` of latency.
  const minBytes = opts.minBatchBytes ?? 1024 * 1024;
  const maxWaitMs = opts.maxWaitMs ?? 500;
  const waitingSince = new Map<string, number>();
  const loop = (async () => {
    while (!closed) {
      let progressed = false;
      let nextCheck = 1000;
      for (const t of files) {
        const from = positions.get(t.topic) ?? 0;
        if (from >= t.size) continue;
        const since = waitingSince.get(t.topic) ?? Date.now();
        waitingSince.set(t.topic, since);
        const waited = Date.now() - since;
        if (t.size - from < minBytes && waited < maxWaitMs) {
          nextCheck = Math.min(nextCheck, maxWaitMs - waited);
          continue;
        }
        waitingSince.delete(t.topic);
        const batch = readBatch(t, from, maxRecords);
        if (batch.records.length === 0) continue;
        await retryWithBackoff(() => opts.handler(batch), {
          log,
          what: `handle batch ${t.topic}@${from}`,
          isClosed: () => closed,
        });
        if (closed) return;
        writeCommitted(dir, t.topic, opts.group, batch.nextOffset);
        positions.set(t.topic, batch.nextOffset);
        progressed = true;
      }
      if (!progressed && !closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, nextCheck);
        });
      }
      wake = undefined;
    }
  })();

  return {
    lag: () => files.reduce((sum, t) => sum + Math.max(0, t.size - (positions.get(t.topic) ?? 0)), 0),
    close: async () => {
      closed = true;
      wake?.();
      for (const t of files) emitter.off(t.topic, onAppend);
      await loop.catch((err: unknown) => log.error({ err }, 'consumer loop failed'));
    },
  };
}
