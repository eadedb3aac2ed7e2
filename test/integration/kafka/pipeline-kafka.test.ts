import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import { encounter, lab, startTestPipeline, ingestHeaders, registerOnDataDir, adminHeaders } from '../../helpers/pipeline.ts';
import { groupLag, produceRaw, readAll, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import {
  countDiff,
  expectedCounts,
  letterBytes,
  logMessage,
  messageBytes,
  onDaysOf,
  poisonMessage,
  simulatedEvents,
  storedCounts,
  topicOf,
} from '../../helpers/kafka-data.ts';
import { spawnEws } from '../../helpers/kafka-processes.ts';
import { deadLetterV1, TOPICS } from '../../../schemas/topics.ts';

/**
 * The one-process pipeline with KAFKA_BROKERS set: ingest → Kafka → processors → ClickHouse,
 * on a real broker, in its own topics and group.
 */
const broker = await requireBroker('pipeline-kafka.test.ts');
const prefix = `${uniqueName('pk')}.`;
const group = uniqueName('pk-group');
const topic = (t: string) => prefix + t;
const all = [TOPICS.encounters, TOPICS.labs].map(topic);

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let kafka: Kafka;
let admin: Admin;

const post = (events: unknown[]) =>
  p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });

describe.skipIf(!broker)('pipeline on Kafka (KAFKA_BROKERS set)', () => {
  beforeAll(async () => {
    p = await startTestPipeline({
      env: {
        KAFKA_BROKERS: broker!.brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP: group,
        // Two group members in this one process, sharing its embedded store.
        KAFKA_CONSUMERS: '2',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_PRODUCE_TIMEOUT_MS: '10000',
      },
    });
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await p?.cleanup();
    await admin?.deleteTopics({ topics: [...all, topic(TOPICS.deadletter)] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('creates its topics with the configured partitions', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [...all, topic(TOPICS.deadletter)] });
    expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      [all[0]!]: 6,
      [all[1]!]: 6,
      [topic(TOPICS.deadletter)]: 6,
    });
  });

  it('runs KAFKA_CONSUMERS members of the group in this one process, sharing the partitions', async () => {
    const deadline = Date.now() + 20_000;
    let members: { memberAssignment: Buffer }[] = [];
    while (Date.now() < deadline) {
      ({ members } = (await admin.describeGroups([group])).groups[0]!);
      if (members.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(members).toHaveLength(2);
  });

  it('POST /v1/events answers after the broker has the events; processors count them', async () => {
    const res = await post([
      encounter({ event_id: 'k1', diagnoses: ['A90'] }),
      encounter({ event_id: 'k2', diagnoses: ['A91'] }),
      lab({ event_id: 'kl1' }),
    ]);
    expect(res.json()).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
    // Acknowledged means on the broker, keyed by commune, pseudonymised.
    const onTopic = await readAll(kafka, topic(TOPICS.encounters));
    expect(onTopic.map((m) => m.key)).toEqual(['09187', '09187']);
    expect(new Set(onTopic.map((m) => m.partition)).size).toBe(1);
    const rec = JSON.parse(onTopic[0]!.value) as { event: Record<string, unknown>; received_at: string };
    expect(rec.event['patient_key']).toMatch(/^k1:[0-9a-f]{32}$/);
    expect(rec.event).not.toHaveProperty('patient_id');
    await p.settle();
    const counts = await p.app.inject({
      headers: adminHeaders,
      url: '/v1/counts?syndrome=dengue&from=2026-11-20&to=2026-11-20&commune=09187',
    });
    expect(counts.json()).toEqual({ rows: [{ commune_code: '09187', date: '2026-11-20', syndrome: 'dengue', count: 2 }] });
  });

  it('refused events go to the dead-letter topic (and the dead_letters table) with the reason', async () => {
    const res = await post([encounter({ event_id: 'bad1', commune_code: '1234' })]);
    expect(res.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    const letters = (await readAll(kafka, topic(TOPICS.deadletter))).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
    const mine = letters.filter((l) => l.event_id === 'bad1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ code: 'VALIDATION_FAILED', source: 'http:/v1/events', raw_encoding: 'utf8' });
    expect(mine[0]!.reason).toContain('commune_code');
    expect(JSON.parse(mine[0]!.raw)).toMatchObject({ event_id: 'bad1' });
  });

  it('poison records go to the dead-letter topic and the partition moves on', async () => {
    const events = simulatedEvents(300, 5);
    const like = events.find((e) => e['schema'] === 'ews.encounter.v1')!;
    const poison = Array.from({ length: 8 }, (_, i) => poisonMessage(i, like));
    // Valid events before and after the poison, in the poison's partition (same key).
    const before = events.slice(0, 150);
    const after = events.slice(150);
    const enc = (evs: typeof events) => evs.filter((e) => topicOf(e, { encounters: 'e', labs: 'l' }) === 'e').map(logMessage);
    const labs = events.filter((e) => e['schema'] === 'ews.lab.v1').map(logMessage);
    await produceRaw(kafka, topic(TOPICS.encounters), [...enc(before), ...poison, ...enc(after)]);
    await produceRaw(kafka, topic(TOPICS.labs), labs);
    await waitForZeroLag(admin, group, all, 30_000);
    await p.settle();

    const letters = (await readAll(kafka, topic(TOPICS.deadletter)))
      .map((m) => deadLetterV1.parse(JSON.parse(m.value)))
      .filter((l) => l.source.startsWith(topic(TOPICS.encounters)));
    expect(letters).toHaveLength(poison.length);
    expect(letters.map(letterBytes).sort()).toEqual(poison.map(messageBytes).sort());
    expect(new Set(letters.map((l) => l.code))).toEqual(new Set(['RECORD_UNREADABLE', 'RECORD_INVALID']));
    expect(letters.every((l) => /^.+\/\d+\/\d+$/.test(l.source))).toBe(true);
    // The valid events on both sides of the poison are all counted, once.
    const expected = expectedCounts(events);
    expect(countDiff(expected, onDaysOf(expected, await storedCounts(p.store)))).toEqual([]);
  });

  it('a failing store is retried with backoff and nothing is skipped or committed early', async () => {
    const events = simulatedEvents(400, 6, 20_500);
    await p.store.command({ query: 'DETACH TABLE events' });
    let reattached = false;
    try {
      for (const t of [TOPICS.encounters, TOPICS.labs]) {
        await produceRaw(kafka, topic(t), events.filter((e) => topicOf(e, TOPICS) === t).map(logMessage));
      }
      await new Promise((r) => setTimeout(r, 2500));
      expect(await groupLag(admin, group, all)).toBe(events.length);
      const metrics = (await p.app.inject({ headers: adminHeaders, url: '/metrics' })).body;
      expect(metrics).toMatch(/ews_kafka_retries_total\{operation="handle"\} [1-9]/);
      await p.store.command({ query: 'ATTACH TABLE events' });
      reattached = true;
    } finally {
      if (!reattached) await p.store.command({ query: 'ATTACH TABLE events' });
    }
    await waitForZeroLag(admin, group, all, 60_000);
    const expected = expectedCounts(events);
    expect(countDiff(expected, onDaysOf(expected, await storedCounts(p.store)))).toEqual([]);
  });

  it('when the dead-letter publish fails the offset is not committed; it is once the topic is back', async () => {
    const dl = topic(TOPICS.deadletter);
    const seenBefore = (await readAll(kafka, dl)).length;
    await admin.deleteTopics({ topics: [dl], timeout: 10_000 });
    for (let i = 0; i < 50 && (await admin.listTopics()).includes(dl); i++) await new Promise((r) => setTimeout(r, 200));
    const like = simulatedEvents(1, 9)[0]!;
    await produceRaw(kafka, topic(TOPICS.encounters), [poisonMessage(100, like)]);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await groupLag(admin, group, all)).toBe(1);
    await admin.createTopics({ topics: [{ topic: dl, numPartitions: 6 }], waitForLeaders: true });
    await waitForZeroLag(admin, group, all, 60_000);
    const letters = await readAll(kafka, dl);
    expect(seenBefore).toBeGreaterThan(0);
    // The recreated topic holds exactly the one poison record, once.
    expect(letters).toHaveLength(1);
    expect(deadLetterV1.parse(JSON.parse(letters[0]!.value)).raw).toBe(poisonMessage(100, like).value);
  });

  it('ews produce sends a file through the same validation; the pipeline counts it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ews-produce-'));
    try {
      // The file is one hospital's (the one whose key is given), plus one line naming another.
      const events = simulatedEvents(2000, 41, 20_700).map((e) => ({ ...e, hospital_id: 'BV-UPLOAD' }));
      const lines = events.map((e) => JSON.stringify(e));
      const foreign = JSON.stringify({ ...events[5]!, event_id: 'foreign-1', hospital_id: 'BV-OTHER' });
      lines.splice(10, 0, '{"schema":"ews.lab.v1","event_id":"broken"}', 'not json at all', lines[3]!, foreign);
      writeFileSync(join(dir, 'upload.ndjson'), lines.join('\n') + '\n');
      const key = await registerOnDataDir(join(dir, 'data'), 'BV-UPLOAD');
      const env = {
        KAFKA_BROKERS: broker!.brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
        EWS_DATA_DIR: join(dir, 'data'),
      };
      // Without a key, or with one nobody issued, nothing is sent.
      const nokey = spawnEws(['produce', join(dir, 'upload.ndjson'), '--json'], env);
      expect((await nokey.exited).code).toBe(2);
      expect(nokey.stderr()).toMatch(/a hospital API key is required: --key KEY or EWS_HOSPITAL_KEY/);
      const wrong = spawnEws(['produce', join(dir, 'upload.ndjson'), '--json', '--key', `ews_hk_${'x'.repeat(43)}`], env);
      expect((await wrong.exited).code).toBe(2);
      expect(wrong.stderr()).toMatch(/not recognised/);
      const child = spawnEws(['produce', join(dir, 'upload.ndjson'), '--json'], { ...env, EWS_HOSPITAL_KEY: key });
      let out = '';
      child.process.stdout!.removeAllListeners('data');
      child.process.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      expect((await child.exited).code, child.stderr()).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ lines: 2004, accepted: 2000, duplicates: 1, rejected: 3 });
      expect(child.stderr()).toContain('100%');
      await p.settle();
      const expected = expectedCounts(events);
      expect(countDiff(expected, onDaysOf(expected, await storedCounts(p.store)))).toEqual([]);
      const letters = (await readAll(kafka, topic(TOPICS.deadletter)))
        .map((m) => deadLetterV1.parse(JSON.parse(m.value)))
        .filter((l) => l.source === 'file:upload.ndjson');
      expect(letters.map((l) => l.code).sort()).toEqual(['BODY_UNPARSEABLE', 'HOSPITAL_MISMATCH', 'VALIDATION_FAILED']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ews serve --role ingest publishes what it accepts; the processors here count it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ews-ingest-role-'));
    // The ingest process's own operational store knows the hospital (as after ews hospitals add).
    const key = await registerOnDataDir(dir);
    const child = spawnEws(['serve', '--role', 'ingest'], {
      KAFKA_BROKERS: broker!.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP: group,
      EWS_DATA_DIR: dir,
      EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
      EWS_LOG_LEVEL: 'warn',
      PORT: '0',
    });
    try {
      let out = '';
      child.process.stdout!.removeAllListeners('data');
      child.process.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      for (let i = 0; i < 200 && !/http:\/\/localhost:\d+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      const url = /http:\/\/localhost:\d+/.exec(out)?.[0];
      expect(url, `${out}\n${child.stderr()}`).toBeDefined();
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify([encounter({ event_id: 'role-ingest-1', occurred_at: '2025-03-03T08:00:00+07:00' })]),
      });
      expect(await res.json()).toMatchObject({ accepted: 1 });
      await p.settle();
      const counts = await p.app.inject({
        headers: adminHeaders,
        url: '/v1/counts?syndrome=dengue&from=2025-03-03&to=2025-03-03&commune=09187',
      });
      expect(counts.json()).toEqual({ rows: [{ commune_code: '09187', date: '2025-03-03', syndrome: 'dengue', count: 1 }] });
      // The ingest role joined no consumer group: the two members are still this process's.
      expect((await admin.describeGroups([group])).groups[0]!.members).toHaveLength(2);
    } finally {
      child.process.kill('SIGTERM');
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports consumer lag, batch sizes, dead letters and commit latency in /metrics', async () => {
    const body = (await p.app.inject({ headers: adminHeaders, url: '/metrics' })).body;
    for (const name of [
      'ews_kafka_consumer_lag_records',
      'ews_kafka_consumer_batch_records_count',
      'ews_kafka_deadletters_total',
      'ews_kafka_commit_seconds_count',
      'ews_kafka_produce_seconds_count',
    ]) {
      expect(body, name).toContain(name);
    }
    expect(body).toMatch(/ews_kafka_deadletters_total\{via="batch"\} [1-9]/);
    expect(body).toMatch(/ews_kafka_commit_seconds_count\{kind="transaction"\} [1-9]/);
  });
});
