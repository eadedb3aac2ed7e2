import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { groupLag, produceRaw, readAll, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import { countDiff, expectedCounts, NAIVE_COUNTS_SQL, onDaysOf, simulatedEvents, storedCounts, totalOf } from '../../helpers/kafka-data.ts';
import { runScript, spawnEws, type Child } from '../../helpers/kafka-processes.ts';
import { visitBundle } from '../../helpers/fhir.ts';
import { adt } from '../../helpers/hl7.ts';
import { createRng } from '../../../simulator/random.ts';
import { createStore } from '../../../platform/clickhouse.ts';
import { deadLetterV1, INBOUND_TOPIC, TOPICS } from '../../../schemas/topics.ts';

/**
 * Exactly-once effect on counts through the Kafka entry, across kill -9 of the ingest process
 * that consumes a hospital's inbound topic: 8,000 distinct events in ews JSON records (arrays
 * and NDJSON of 1–5 events), 150 FHIR Bundles and 150 HL7 ADT messages, 3 % of the valid
 * records sent again byte for byte, and 5 % bad records of six kinds. `ews serve --role
 * ingest` is killed with SIGKILL four times — mid-batch with its appends in flight, after a
 * batch's events are on the event topics but before its offsets commit, inside the commit
 * transaction after its dead letters were sent, and from outside at a random moment — then
 * restarted until the inbound group has no lag. A processor then counts the event topics. Every
 * (syndrome, commune, day) count must equal the count of distinct events, every FHIR and HL7
 * event must be stored once, and the dead-letter topic must hold each bad record exactly once.
 * Negative control: the same stored rows counted without idempotency are wrong, by more than the
 * resends explain (the kills did leave appended, uncommitted batches that were replayed).
 */
const broker = await requireBroker('inbound-crash.test.ts');
const seed = Number(process.env['EWS_CRASH_SEED'] ?? Date.now() % 1_000_000);
const DISTINCT = 8_000;
const FHIR = 150;
const HL7 = 150;
const HOSPITAL = 'BV-CRASH';
const prefix = `${uniqueName('icrash')}.`;
const inboundGroup = uniqueName('icrash-in');
const processorGroup = uniqueName('icrash-proc');
const inbound = `${prefix}${INBOUND_TOPIC}.${HOSPITAL}`;
const eventTopics = [TOPICS.encounters, TOPICS.labs].map((t) => prefix + t);
const dir = mkdtempSync(join(tmpdir(), 'ews-icrash-'));

describe.skipIf(!broker)('inbound consumer killed -9 at any point (crash test of the Kafka entry)', () => {
  let kafka: Kafka;
  let admin: Admin;
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) c.process.kill('SIGKILL');
    if (process.env['EWS_CRASH_DEBUG']) {
      children.forEach((c, i) => writeFileSync(join(dir, `child-${i}.log`), c.stderr()));
      process.stderr.write(`inbound crash test debug: topics ${prefix}*, data and child logs in ${dir}\n`);
    } else {
      rmSync(dir, { recursive: true, force: true });
      await admin?.deleteTopics({ topics: [inbound, ...eventTopics, prefix + TOPICS.deadletter] }).catch(() => undefined);
    }
    await admin?.disconnect();
  });

  it(`counts equal the distinct events; each bad record is dead-lettered once (seed ${seed})`, { timeout: 400_000 }, async () => {
    const started = Date.now();
    const rng = createRng(seed);
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [inbound, ...eventTopics, prefix + TOPICS.deadletter].map((topic) => ({ topic, numPartitions: 6 })),
    });

    // Valid records: JSON arrays or NDJSON of 1–5 simulated events, FHIR Bundles, HL7 ADTs.
    const events = simulatedEvents(DISTINCT, seed).map((e) => ({ ...e, hospital_id: HOSPITAL }));
    const valid: Message[] = [];
    for (let i = 0; i < events.length;) {
      const n = 1 + rng.int(5);
      const group = events.slice(i, i + n);
      i += n;
      valid.push(
        rng.chance(0.5)
          ? { key: `j${i}`, value: JSON.stringify(group), headers: { 'ews-format': 'ews-json' } }
          : {
              key: `n${i}`,
              value: group.map((e) => JSON.stringify(e)).join('\n'),
              headers: { 'ews-format': 'ews-json', 'content-type': 'application/x-ndjson' },
            },
      );
    }
    for (let i = 0; i < FHIR; i++)
      valid.push({ key: `f${i}`, value: JSON.stringify(visitBundle('batch', `c${i}`)), headers: { 'ews-format': 'fhir-r4' } });
    for (let i = 0; i < HL7; i++)
      valid.push({
        key: `h${i}`,
        value: adt({ facility: HOSPITAL, visit: `CV-${i}`, control: `C${i}` }),
        headers: { 'ews-format': 'hl7v2' },
      });
    const resent = Array.from({ length: Math.round(valid.length * 0.03) }, () => valid[rng.int(valid.length)]!);
    // Bad records, each refused in one dead letter that names it (event_id or offset).
    const bad: Message[] = [];
    const like = events[0]!;
    for (let i = 0; bad.length < Math.round(valid.length * 0.05); i++) {
      const kinds: (() => Message)[] = [
        () => ({ value: JSON.stringify([{ ...like, event_id: `BAD-V${i}`, commune_code: 'X' }]), headers: { 'ews-format': 'ews-json' } }),
        () => ({
          value: JSON.stringify([{ ...like, event_id: `BAD-H${i}`, hospital_id: 'BV-OTHER' }]),
          headers: { 'ews-format': 'ews-json' },
        }),
        () => ({
          value: JSON.stringify([{ ...like, event_id: `BAD-X${i}` }]),
          headers: { 'ews-format': 'ews-json', 'ews-hospital': 'BV-OTHER' },
        }),
        () => ({ value: JSON.stringify([{ ...like, event_id: `BAD-F${i}` }]) }),
        () => ({ value: `[{"event_id":"BAD-J${i}",`, headers: { 'ews-format': 'ews-json' } }),
        () => ({ value: `not fhir #${i}`, headers: { 'ews-format': 'fhir-r4' } }),
      ];
      bad.push({ key: `b${i}`, ...kinds[i % kinds.length]!() });
    }
    const all = [...valid, ...resent, ...bad];
    for (let i = all.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    // Small produce requests: a fetch returns whole record batches, so small ones make many consumer batches.
    await produceRaw(kafka, inbound, all, 12);
    expect(await groupLag(admin, inboundGroup, [inbound])).toBe(all.length);

    const base = {
      KAFKA_BROKERS: broker!.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // Small fetches: many batches, so every crash point is reached mid-stream.
      KAFKA_PARTITION_FETCH_BYTES: String(16 * 1024),
      EWS_PSEUDONYM_KEY: 'crash-test-key-crash-test-key-0123',
      EWS_PRINT_ALERTS: 'false',
      EWS_LOG_LEVEL: 'warn',
      PORT: '0',
    };
    const ingestEnv = {
      ...base,
      EWS_DATA_DIR: join(dir, 'ingest'),
      KAFKA_GROUP: `${inboundGroup}-unused`,
      KAFKA_INBOUND_GROUP: inboundGroup,
      KAFKA_INBOUND_HOSPITALS: HOSPITAL,
    };
    const start = (hook?: string) => {
      const c = spawnEws(['serve', '--role', 'ingest'], hook ? { ...ingestEnv, KAFKA_TEST_HOOK: hook } : ingestEnv);
      children.push(c);
      return c;
    };
    const lag = () => groupLag(admin, inboundGroup, [inbound]);
    const kills: string[] = [];
    const expectKilledBy = async (c: Child, what: string) => {
      const exit = await Promise.race([c.exited, new Promise<{ signal: null }>((r) => setTimeout(() => r({ signal: null }), 90_000))]);
      expect(exit.signal, `${what}: ${c.stderr().slice(-3000)}`).toBe('SIGKILL');
      kills.push(`${what} (lag then ${await lag()})`);
      if (process.env['EWS_CRASH_DEBUG']) process.stderr.write(`killed: ${kills.at(-1)}\n`);
    };

    // 1–3: the ingest process kills itself at a crash point, at a random batch.
    // About 300 batches in all, a third of them with dead letters (and so a commit transaction).
    const hooks = [`mid-batch:${20 + rng.int(40)}`, `mid-transaction:${5 + rng.int(15)}`, `after-write:${10 + rng.int(30)}`];
    for (const hook of hooks) {
      const c = start(hook);
      await expectKilledBy(c, hook);
      expect(c.stderr()).toContain(`SIGKILL at ${hook.replace(':', ' #')}`);
    }
    // 4: kill -9 from outside once it has committed a random amount more.
    const lagBefore = await lag();
    const outside = start();
    const progress = 200 + rng.int(Math.max(1, Math.floor(lagBefore / 3)));
    for (;;) {
      const now = await lag();
      if (lagBefore - now >= progress || now === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    outside.process.kill('SIGKILL');
    await expectKilledBy(outside, `outside kill after ≥${progress} more commits`);
    expect(await lag()).toBeGreaterThan(0);

    // 5: restart and run to zero lag, then stop cleanly.
    const last = start();
    await waitForZeroLag(admin, inboundGroup, [inbound], 150_000);
    last.process.kill('SIGTERM');
    expect((await last.exited).code, last.stderr().slice(-3000)).toBe(0);

    // The processors count what the inbound consumers put on the event topics.
    const store = join(dir, 'processor', 'clickhouse');
    await runScript('./kafka-prepare-store.ts', [store, ...NAIVE_COUNTS_SQL]);
    const processor = spawnEws(['serve', '--role', 'processor'], {
      ...base,
      EWS_DATA_DIR: join(dir, 'processor'),
      KAFKA_GROUP: processorGroup,
    });
    children.push(processor);
    await waitForZeroLag(admin, processorGroup, eventTopics, 150_000);
    processor.process.kill('SIGTERM');
    expect((await processor.exited).code, processor.stderr().slice(-3000)).toBe(0);

    const db = await createStore({ database: 'ews', dataDir: store });
    try {
      const expected = expectedCounts(events);
      const counts = onDaysOf(expected, await storedCounts(db));
      expect(countDiff(expected, counts), `kills: ${kills.join('; ')}`).toEqual([]);
      const rows = await db.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' });
      // Each Bundle is an encounter and a lab; each ADT an encounter.
      expect(Number((await rows.json<{ n: string }>())[0]!.n)).toBe(DISTINCT + 2 * FHIR + HL7);

      // Negative control: counted without idempotency, the same run is wrong — by more than the
      // resends explain, so the kills did leave batches on the event topics uncommitted, replayed.
      const naive = onDaysOf(expected, await storedCounts(db, 'naive_counts', 'sum(n)'));
      expect(countDiff(expected, naive).length).toBeGreaterThan(0);
      const resentJson = resent.flatMap((m) => (m.headers?.['ews-format'] === 'ews-json' ? String(m.value).split(/\n|\},\{/) : [])).length;
      const ids = new Set(events.map((e) => e.event_id));
      expect(ids.size).toBe(DISTINCT);
      const appended = await endOffsets(admin, eventTopics);
      expect(appended, `kills: ${kills.join('; ')}`).toBeGreaterThan(DISTINCT + 2 * FHIR + HL7 + resentJson);
      expect(totalOf(naive)).toBeGreaterThan(totalOf(expected));

      // Each bad record exactly once on the dead-letter topic.
      const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
      const keyOf = (l: (typeof letters)[number]) => {
        const d = l.details as { partition?: number; offset?: number } | undefined;
        return l.event_id ?? `${d?.partition}/${d?.offset}`;
      };
      const keys = letters.map(keyOf);
      const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
      expect(dup, 'dead-lettered twice').toEqual([]);
      expect(letters.length).toBe(bad.length);
      expect(letters.filter((l) => l.event_id?.startsWith('BAD-V')).every((l) => l.code === 'VALIDATION_FAILED')).toBe(true);
      expect(letters.filter((l) => l.event_id?.startsWith('BAD-H')).every((l) => l.code === 'HOSPITAL_MISMATCH')).toBe(true);
      process.stderr.write(
        `inbound crash test (seed ${seed}): ${all.length} records, kills: ${kills.join('; ')}; ${appended} records on the event topics for ${DISTINCT + 2 * FHIR + HL7} events; naive count ${totalOf(naive)} vs distinct ${totalOf(expected)}; ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    } finally {
      await db.close();
    }
  });
});

/** Records on the topics (sum of their partitions' end offsets: no one else writes them). */
async function endOffsets(admin: Admin, topics: string[]): Promise<number> {
  let n = 0;
  for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) n += Number(p.high);
  return n;
}
