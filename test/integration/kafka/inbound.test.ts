import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Message } from 'kafkajs';
import { encounter, lab, ndjson, startTestPipeline } from '../../helpers/pipeline.ts';
import { produceRaw, readAll, requireBroker, testKafka, uniqueName } from '../../helpers/kafka.ts';
import { visitBundle } from '../../helpers/fhir.ts';
import { adt, oru } from '../../helpers/hl7.ts';
import { deadLetterV1, INBOUND_TOPIC, TOPICS } from '../../../schemas/topics.ts';

/**
 * The Kafka entry on a real broker: a hospital's integration engine publishes ews JSON, FHIR R4
 * and HL7 v2 records to its own topic; the pipeline's inbound group ingests them exactly as the
 * HTTP routes would (same validation, pseudonymisation, dead letters) and the processors count
 * them. Every bad record is one dead letter naming why; none keeps a patient identifier.
 */
const broker = await requireBroker('inbound.test.ts');
const prefix = `${uniqueName('inb')}.`;
const group = uniqueName('inb-group');
const inboundGroup = uniqueName('inb-in');
const ownTopic = `${prefix}${INBOUND_TOPIC}.BV-TEST`;
const mappedTopic = `${prefix}mirth.bvb.out`;

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let kafka: Kafka;
let admin: Admin;

const rec = (format: string | undefined, value: string | Buffer, headers: Record<string, string> = {}): Message => ({
  value,
  headers: { ...(format === undefined ? {} : { 'ews-format': format }), ...headers },
});
const json = (events: unknown[]) => JSON.stringify(events);

describe.skipIf(!broker)('Kafka inbound entry (ews.inbound.v1.<hospital>)', () => {
  beforeAll(async () => {
    p = await startTestPipeline({
      hospitals: ['BV-TEST', 'BV-B'],
      env: {
        KAFKA_BROKERS: broker!.brokers,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP: group,
        KAFKA_INBOUND_GROUP: inboundGroup,
        KAFKA_INBOUND_HOSPITALS: 'BV-TEST, BV-B=mirth.bvb.out',
        KAFKA_INBOUND_CONSUMERS: '2',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_PRODUCE_TIMEOUT_MS: '10000',
      },
    });
    kafka = testKafka(broker!.brokers);
    admin = kafka.admin();
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await p?.cleanup();
    const topics = [TOPICS.encounters, TOPICS.labs, TOPICS.deadletter].map((t) => prefix + t);
    await admin?.deleteTopics({ topics: [...topics, ownTopic, mappedTopic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('creates each hospital’s inbound topic: the default name and a mapped one', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [ownTopic, mappedTopic] });
    expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      [ownTopic, 6],
      [mappedTopic, 6],
    ]);
  });

  it('ingests JSON, NDJSON, FHIR and HL7 records as counted events; dead-letters every bad record once', { timeout: 90_000 }, async () => {
    const good: Message[] = [
      rec('ews-json', json([encounter({ event_id: 'K-E1' }), lab({ event_id: 'K-L1' })])),
      rec(
        'ews-json',
        ndjson([encounter({ event_id: 'K-E2' }), encounter({ event_id: 'K-E3', chief_complaint: 'sốt, gọi 0912 345 678' })]),
        {
          'content-type': 'application/x-ndjson',
        },
      ),
      // No ews-format: the content type names it.
      rec(undefined, json([encounter({ event_id: 'K-E4' })]), { 'content-type': 'application/json' }),
      // The header may repeat the topic's hospital.
      rec('ews-json', json([encounter({ event_id: 'K-E5' })]), { 'ews-hospital': 'BV-TEST' }),
      rec('fhir-r4', JSON.stringify(visitBundle('batch', 'k1'))),
      rec('hl7v2', adt({ facility: 'BV-TEST', visit: 'K-HV1' })),
      rec('hl7v2', oru({ facility: 'BV-TEST', order: 'K-ORD1' })),
      // A resend: the same events, counted once.
      rec('ews-json', json([encounter({ event_id: 'K-E1' }), lab({ event_id: 'K-L1' })])),
    ];
    const bad: [Message, string][] = [
      [rec('ews-json', json([encounter({ event_id: 'K-X1', commune_code: 'X' })])), 'VALIDATION_FAILED'],
      [rec('ews-json', json([encounter({ event_id: 'K-X2', hospital_id: 'BV-B' })])), 'HOSPITAL_MISMATCH'],
      // A header naming another hospital than the topic's: refused whole, its valid event too.
      [rec('ews-json', json([encounter({ event_id: 'K-X3' })]), { 'ews-hospital': 'BV-B' }), 'HOSPITAL_MISMATCH'],
      [rec(undefined, json([encounter({ event_id: 'K-X4' })])), 'UNSUPPORTED_MEDIA_TYPE'],
      [rec('csv', 'K-X5,09187,A90'), 'UNSUPPORTED_MEDIA_TYPE'],
      [rec('ews-json', '{"event_id":"K-X6","patient_id":"PATIENT-123",'), 'BODY_UNPARSEABLE'],
      [rec('fhir-r4', 'not json at all'), 'BODY_UNPARSEABLE'],
      [rec('fhir-r4', JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Nguyễn' }] })), 'MAPPING_FAILED'],
      [rec('hl7v2', 'garbage that is not HL7'), 'BODY_UNPARSEABLE'],
      [rec('hl7v2', adt({ facility: 'BV-B', visit: 'K-HX1' })), 'MAPPING_FAILED'],
      [
        rec('hl7v2', Buffer.concat([Buffer.from(adt({ facility: 'BV-TEST', visit: 'K-HX2' })), Buffer.from([0xff, 0xfe])])),
        'BODY_NOT_UTF8',
      ],
    ];
    await produceRaw(kafka, ownTopic, [...good, ...bad.map(([m]) => m)]);
    await produceRaw(kafka, mappedTopic, [rec('ews-json', json([encounter({ event_id: 'K-B1', hospital_id: 'BV-B' })]))]);
    await waitFor(async () => (await countOf('BV-TEST')) >= 10 && (await countOf('BV-B')) >= 1, 60_000);
    await p.settle();

    // 2 + 2 + 1 + 1 JSON, 2 FHIR (encounter + lab), 2 HL7 (ADT + ORU); the resend adds none.
    expect(await countOf('BV-TEST')).toBe(10);
    expect(await countOf('BV-B')).toBe(1);
    const ids = await eventIds();
    expect(ids.filter((i) => i.startsWith('K-X') || i.includes('K-HX'))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['K-E1', 'K-E2', 'K-E3', 'K-E4', 'K-E5', 'K-L1', 'K-B1']));

    const letters = (await readAll(kafka, prefix + TOPICS.deadletter)).map((m) => deadLetterV1.parse(JSON.parse(m.value)));
    expect(letters.map((l) => l.code).sort()).toEqual(bad.map(([, code]) => code).sort());
    expect(letters.every((l) => l.source.startsWith('kafka:') || l.source === 'hl7:kafka')).toBe(true);
    const header = letters.find((l) => l.code === 'HOSPITAL_MISMATCH' && l.reason.includes('ews-hospital'));
    expect(header?.details).toMatchObject({ authenticated_hospital_id: 'BV-TEST', claimed_hospital_id: 'BV-B' });
    // Nothing identifying kept: patient ids, MRNs, names, phones.
    for (const l of letters)
      for (const pii of ['PATIENT-123', 'MRN123456', 'Nguyen^Van', 'Nguyễn', '0912345678']) expect(l.raw).not.toContain(pii);
    // Stored events carry the scrubbed complaint.
    const complaint = await p.store.query({
      query: "SELECT chief_complaint FROM events FINAL WHERE event_id = 'K-E3'",
      format: 'JSONEachRow',
    });
    expect(JSON.stringify(await complaint.json())).toContain('[phone]');
  });
});

async function countOf(hospital: string): Promise<number> {
  const rows = await p.store.query({
    query: 'SELECT count() AS n FROM events FINAL WHERE hospital_id = {h:String}',
    query_params: { h: hospital },
    format: 'JSONEachRow',
  });
  return Number((await rows.json<{ n: string }>())[0]!.n);
}

async function eventIds(): Promise<string[]> {
  const rows = await p.store.query({ query: 'SELECT DISTINCT event_id FROM events ORDER BY event_id', format: 'JSONEachRow' });
  return (await rows.json<{ event_id: string }>()).map((r) => r.event_id);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
