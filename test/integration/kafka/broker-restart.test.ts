import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { encounter, ingestHeaders, startTestPipeline, adminHeaders } from '../../helpers/pipeline.ts';
import { groupLag, produceRaw, requireBroker, testKafka, uniqueName, waitForZeroLag } from '../../helpers/kafka.ts';
import { privateBroker, type PrivateBroker } from '../../helpers/kafka-broker.ts';
import { countDiff, expectedCounts, logMessage, onDaysOf, simulatedEvents, storedCounts, topicOf } from '../../helpers/kafka-data.ts';
import { TOPICS } from '../../../schemas/topics.ts';

/**
 * The broker is stopped while the pipeline consumes (and while a hospital posts), then
 * restarted: nothing is lost, nothing is counted twice. It runs on a broker of its own (the
 * project's local broker on another port), so the shared test broker is not disturbed.
 */
// The shared broker's availability decides whether Kafka tests run here at all (and makes
// sure the jars exist); this test then starts its own from the same jars.
const shared = await requireBroker('broker-restart.test.ts');
const prefix = `${uniqueName('restart')}.`;
const group = uniqueName('restart-group');
const topics = { encounters: prefix + TOPICS.encounters, labs: prefix + TOPICS.labs };

describe.skipIf(!shared)('broker stopped and restarted during consumption', () => {
  let broker: PrivateBroker;
  let p: Awaited<ReturnType<typeof startTestPipeline>> | undefined;
  let kafka: Kafka;
  let admin: Admin;
  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await p?.cleanup();
    await broker?.remove();
  });

  it('loses nothing and doubles nothing', { timeout: 240_000 }, async () => {
    broker = privateBroker();
    await broker.start();
    kafka = testKafka(broker.brokers);
    p = await startTestPipeline({
      env: {
        KAFKA_BROKERS: broker.brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP: group,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_PRODUCE_TIMEOUT_MS: '3000',
        // Small fetches keep the consumer busy for a while, so the broker stops mid-stream.
        KAFKA_PARTITION_FETCH_BYTES: String(32 * 1024),
      },
    });
    admin = kafka.admin();
    await admin.connect();
    const byTopic = (events: ReturnType<typeof simulatedEvents>) => {
      const out: Record<string, Message[]> = { [topics.encounters]: [], [topics.labs]: [] };
      for (const ev of events) out[topicOf(ev, topics)]!.push(logMessage(ev));
      return out;
    };
    const before = simulatedEvents(20_000, 31);
    for (const [topic, messages] of Object.entries(byTopic(before))) await produceRaw(kafka, topic, messages);
    const all = Object.values(topics);
    for (;;) {
      const lag = await groupLag(admin, group, all);
      if (lag < before.length * 0.8) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await admin.disconnect();

    await broker.stop();
    const lagAtStop = p.lag();
    // While the broker is down a hospital's post is refused (503), not acknowledged.
    const post = () =>
      p!.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...ingestHeaders(p!), 'content-type': 'application/json' },
        payload: JSON.stringify([encounter({ event_id: 'during-outage', occurred_at: '2025-06-01T09:00:00+07:00' })]),
      });
    const refused = await post();
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 'LOG_UNAVAILABLE' } });
    await new Promise((r) => setTimeout(r, 3000));
    await broker.start();

    // The hospital sends again, as a client does after a 503, until it is accepted. (Its
    // first attempt may also land once the producer's retries get through; the store counts
    // the event once either way.)
    let status = 0;
    for (let i = 0; i < 10 && status !== 200; i++) status = (await post()).statusCode;
    expect(status).toBe(200);
    const after = simulatedEvents(10_000, 32, 20_400);
    for (const [topic, messages] of Object.entries(byTopic(after))) await produceRaw(kafka, topic, messages);
    admin = kafka.admin();
    await admin.connect();
    await waitForZeroLag(admin, group, all, 180_000);
    await p.settle();

    expect(lagAtStop).toBeGreaterThan(0);
    const expected = expectedCounts([...before, ...after]);
    expect(countDiff(expected, onDaysOf(expected, await storedCounts(p.store)))).toEqual([]);
    const outage = await p.app.inject({
      headers: adminHeaders,
      url: '/v1/counts?syndrome=_visits&from=2025-06-01&to=2025-06-01&commune=09187',
    });
    expect(outage.json()).toEqual({ rows: [{ commune_code: '09187', date: '2025-06-01', syndrome: '_visits', count: 1 }] });
  });
});
