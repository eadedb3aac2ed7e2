import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { groupLag, produceRaw, readAll, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import {
  countDiff,
  expectedCounts,
  letterBytes,
  totalOf,
  logMessage,
  messageBytes,
  NAIVE_COUNTS_SQL,
  poisonMessage,
  simulatedEvents,
  storedCounts,
  topicOf,
} from '../../helpers/kafka-data.ts';
import { runScript, spawnEws, type Child } from '../../helpers/kafka-processes.ts';
import { createRng } from '../../../simulator/random.ts';
import { createStore } from '../../../platform/clickhouse.ts';
import { deadLetterV1, TOPICS } from '../../../schemas/topics.ts';

/**
 * Exactly-once effect on counts across kill -9 of a processor process, on a real broker and
 * the real store: 100,000 events, 5 % exact resends, 1 % poison. The processor (`ews serve
 * --role processor`, a child process) is killed with SIGKILL four times — mid-batch with its
 * store write in flight, between the store write and the offset commit, inside the commit
 * transaction after its dead letters were sent, and from outside at a random moment — then
 * restarted until the group has no lag. Every (syndrome, commune, day) count must equal the
 * count of distinct input events, and the dead-letter topic must hold each poison message
 * exactly once. The negative control counts the same rows without idempotency.
 */
const broker = await requireBroker('crash.test.ts');
const seed = Number(process.env['EWS_CRASH_SEED'] ?? Date.now() % 1_000_000);
const DISTINCT = 100_000;
const prefix = `${uniqueName('crash')}.`;
const group = uniqueName('crash-group');
const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };
const dir = mkdtempSync(join(tmpdir(), 'ews-crash-'));

describe.skipIf(!broker)('processor killed -9 at any point (crash test)', () => {
  let kafka: Kafka;
  let admin: Admin;
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) c.process.kill('SIGKILL');
    if (process.env['EWS_CRASH_DEBUG']) {
      children.forEach((c, i) => writeFileSync(join(dir, `child-${i}.log`), c.stderr()));
      process.stderr.write(`crash test debug: topics ${prefix}*, group ${group}, data and child logs in ${dir}\n`);
    } else {
      rmSync(dir, { recursive: true, force: true });
      // Keeps the development broker small; the names are never reused anyway.
      await admin?.deleteTopics({ topics: [...Object.values(topics), prefix + TOPICS.deadletter] }).catch(() => undefined);
    }
    await admin?.disconnect();
  });

  it(`counts equal the distinct events; the dead-letter topic holds exactly the poison (seed ${seed})`, { timeout: 300_000 }, async () => {
    const started = Date.now();
    const rng = createRng(seed);
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...Object.values(topics), prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })),
    });

    // Input: distinct events, 5 % of them sent again byte for byte, 1 % poison; shuffled.
    const events = simulatedEvents(DISTINCT, seed);
    const byTopic: Record<string, Message[]> = { [topics.encounters]: [], [topics.labs]: [] };
    for (const ev of events) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
    const resent = Array.from({ length: DISTINCT * 0.05 }, () => events[rng.int(events.length)]!);
    for (const ev of resent) byTopic[topicOf(ev, topics)]!.push(logMessage(ev));
    const poison: Message[] = [];
    for (let i = 0; i < DISTINCT * 0.01; i++) {
      const m = poisonMessage(i, events[rng.int(events.length)]!);
      poison.push(m);
      byTopic[rng.chance(0.3) ? topics.labs : topics.encounters]!.push(m);
    }
    for (const [topic, messages] of Object.entries(byTopic)) {
      for (let i = messages.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [messages[i], messages[j]] = [messages[j]!, messages[i]!];
      }
      await produceRaw(kafka, topic, messages);
    }
    const total = Object.values(byTopic).reduce((n, m) => n + m.length, 0);
    expect(await groupLag(admin, group, Object.values(topics))).toBe(total);

    await runScript('./kafka-prepare-store.ts', [join(dir, 'clickhouse'), ...NAIVE_COUNTS_SQL]);
    const env = {
      KAFKA_BROKERS: broker!.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP: group,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // Small fetches: many batches, so every crash point is reached mid-stream.
      KAFKA_PARTITION_FETCH_BYTES: String(256 * 1024),
      EWS_DATA_DIR: dir,
      EWS_PSEUDONYM_KEY: 'crash-test-key-crash-test-key-0123',
      EWS_PRINT_ALERTS: 'false',
      EWS_LOG_LEVEL: 'warn',
      PORT: '0',
    };
    const start = (hook?: string) => {
      const c = spawnEws(['serve', '--role', 'processor'], hook ? { ...env, KAFKA_TEST_HOOK: hook } : env);
      children.push(c);
      return c;
    };
    const kills: string[] = [];
    const expectKilledBy = async (c: Child, what: string) => {
      const exit = await c.exited;
      expect(exit.signal, `${what}: ${c.stderr().slice(-3000)}`).toBe('SIGKILL');
      kills.push(`${what} (lag then ${await groupLag(admin, group, Object.values(topics))})`);
    };

    // 1–3: the processor kills itself at a crash point, at a random batch.
    // Batches of one run number in the hundreds; up to 12 partitions are handled at once.
    const hooks = [`mid-batch:${15 + rng.int(40)}`, `after-write:${15 + rng.int(40)}`, `mid-transaction:${10 + rng.int(30)}`];
    for (const hook of hooks) {
      const c = start(hook);
      await expectKilledBy(c, hook);
      expect(c.stderr()).toContain(`SIGKILL at ${hook.replace(':', ' #')}`);
    }
    // 4: kill -9 from outside once it has committed a random amount more.
    const lagBefore = await groupLag(admin, group, Object.values(topics));
    const outside = start();
    const progress = 1000 + rng.int(8000);
    for (;;) {
      const lag = await groupLag(admin, group, Object.values(topics));
      if (lagBefore - lag >= progress || lag === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    outside.process.kill('SIGKILL');
    await expectKilledBy(outside, `outside kill after ≥${progress} more commits`);
    expect(await groupLag(admin, group, Object.values(topics))).toBeGreaterThan(0);

    // 5: restart and run to zero lag, then stop cleanly.
    const last = start();
    await waitForZeroLag(admin, group, Object.values(topics), 150_000);
    last.process.kill('SIGTERM');
    expect((await last.exited).code, last.stderr().slice(-3000)).toBe(0);

    const store = await createStore({ database: 'ews', dataDir: join(dir, 'clickhouse') });
    try {
      const expected = expectedCounts(events);
      const counts = await storedCounts(store);
      expect(countDiff(expected, counts), `kills: ${kills.join('; ')}`).toEqual([]);
      // Negative control: counted without idempotency, the same run is wrong (resends, and
      // replays of batches written but not committed when the process died).
      const naive = await storedCounts(store, 'naive_counts', 'sum(n)');
      const naiveTotal = totalOf(naive);
      const distinctTotal = totalOf(expected);
      expect(countDiff(expected, naive).length).toBeGreaterThan(0);
      // …and more than the resends explain: batches were written, lost uncommitted, replayed.
      expect(naiveTotal).toBeGreaterThan(totalOf(expectedCounts([...events, ...resent], { distinct: false })));
      const rows = await store.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' });
      expect(Number((await rows.json<{ n: string }>())[0]!.n)).toBe(DISTINCT);

      // Each poison message exactly once on the dead-letter topic, with its original bytes.
      const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
      const raw = letterBytes;
      if (letters.length !== poison.length) {
        const seen = new Map<string, string[]>();
        for (const l of letters) seen.set(raw(l), [...(seen.get(raw(l)) ?? []), l.source]);
        process.stderr.write(`dead-letter duplicates: ${JSON.stringify([...seen.values()].filter((v) => v.length > 1).slice(0, 20))}\n`);
      }
      expect(letters.length).toBe(poison.length);
      expect(letters.map(raw).sort()).toEqual(poison.map(messageBytes).sort());
      expect(new Set(letters.map((l) => l.source)).size).toBe(poison.length);
      process.stderr.write(
        `crash test (seed ${seed}): ${total} messages, kills: ${kills.join('; ')}; naive count ${naiveTotal} vs distinct ${distinctTotal}; ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    } finally {
      await store.close();
    }
  });
});
