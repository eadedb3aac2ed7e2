import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { isAppError } from '../../platform/errors.ts';
import type { ConsumedBatch, ConsumedRecord } from '../../platform/event-log/types.ts';
import type { InboundFormat } from '../../schemas/topics.ts';
import { decodeBody } from '../decode-body.ts';
import type { IngestService } from '../ingest-service.ts';
import type { FhirIngest } from '../fhir/fhir-ingest.ts';
import { redactFhirBytes } from '../fhir/fhir-redact.ts';
import type { Hl7Ingest } from '../hl7/hl7-ingest.ts';
import { redactHl7 } from '../hl7/hl7-redact.ts';
import { capHeader } from '../request-peer.ts';
import type { InboundRoute } from './inbound-config.ts';
import { fhirExpected, planRecord } from './inbound-plan.ts';

export interface InboundDeps {
  ingest: IngestService;
  fhir: FhirIngest;
  hl7: Hl7Ingest;
  routes: readonly InboundRoute[];
  /** A consumed record's headers and value bytes (platform/event-log/kafka.ts). */
  headersOf: (record: ConsumedRecord) => Record<string, string>;
  bytesOf: (record: ConsumedRecord) => Buffer;
  log: Logger;
  metrics: Registry;
  /** Test only: false keeps refused messages unredacted (the privacy scan's negative control). Default true. */
  redact?: boolean | undefined;
}

/** Thrown when a record could not be stored now (the store or the log down): the batch is retried, uncommitted. */
export class InboundUnavailable extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The Kafka entry's batch handler: each record of an inbound topic through the same path as
 * its HTTP route — POST /v1/events, POST /fhir, POST /hl7v2 — as the hospital the topic names.
 * It resolves once every record's events are on the event topics and its refusals recorded
 * (dead letters raised here join the batch's offset commit in one transaction); it throws when
 * something could not be stored, and the consumer retries the batch without committing. A
 * record's own faults never throw: they are dead letters.
 */
export function createInboundHandler(deps: InboundDeps) {
  const hospitalOf = new Map(deps.routes.map((r) => [r.topic, r.hospital]));
  const redact = deps.redact !== false;
  const records = new Counter({
    name: 'ews_ingest_kafka_records_total',
    help: 'Inbound Kafka records handled, by format and outcome (ingested: read and ingested, its events may still be refused one by one; refused: dead-lettered whole)',
    labelNames: ['format', 'outcome'],
    registers: [deps.metrics],
  });

  /** A record refused whole: dead-lettered with its bytes (redacted for its format, then scrubbed by ingest). */
  const refuse = async (
    r: ConsumedRecord,
    format: InboundFormat | 'unknown',
    code: string,
    reason: string,
    raw: Uint8Array,
    extra: Record<string, unknown> = {},
  ) => {
    records.inc({ format, outcome: 'refused' });
    await deps.ingest.rejectBody({
      source: sourceOf(r),
      reason_code: code,
      reason,
      details: { format, topic: r.topic, partition: r.partition, offset: r.offset, ...extra },
      raw,
    });
  };

  const handleRecord = async (r: ConsumedRecord, hospital: string) => {
    const headers = deps.headersOf(r);
    const bytes = deps.bytesOf(r);
    const plan = planRecord(headers, hospital);
    if (!plan.ok) {
      const extra = plan.claimed === undefined ? {} : { authenticated_hospital_id: hospital, claimed_hospital_id: plan.claimed };
      await refuse(r, 'unknown', plan.reason_code, plan.reason, redact ? redactAny(bytes) : bytes, {
        ...extra,
        content_type: capHeader(headers['content-type']),
      });
      return;
    }
    const source = sourceOf(r);
    if (plan.format === 'ews-json') {
      let items;
      try {
        items = decodeBody(bytes, plan.contentType);
      } catch (err) {
        if (!isAppError(err) || err.status >= 500) throw err;
        await refuse(r, plan.format, err.code, err.message, bytes);
        return;
      }
      await deps.ingest.ingest(items, source, hospital);
    } else if (plan.format === 'fhir-r4') {
      try {
        await deps.fhir(bytes, fhirExpected(peekJson(bytes)), hospital, source);
      } catch (err) {
        if (!isAppError(err) || err.status >= 500) throw err;
        await refuse(r, plan.format, err.code, err.message, redact ? redactFhirBytes(bytes) : bytes);
        return;
      }
    } else {
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        const latin1 = bytes.toString('latin1');
        await refuse(
          r,
          plan.format,
          'BODY_NOT_UTF8',
          'the message is not valid UTF-8 / bản tin không phải UTF-8 hợp lệ',
          redact ? Buffer.from(redactHl7(latin1), 'latin1') : bytes,
        );
        return;
      }
      const answer = await deps.hl7.handle(text, 'kafka', hospital);
      if (answer.unavailable === true) throw new InboundUnavailable(`HL7 message at ${source}@${r.offset} could not be stored now`);
    }
    records.inc({ format: plan.format, outcome: 'ingested' });
  };

  return async (batch: ConsumedBatch): Promise<void> => {
    const hospital = hospitalOf.get(batch.topic);
    if (hospital === undefined) throw new Error(`inbound batch from ${batch.topic}, which names no hospital (KAFKA_INBOUND_HOSPITALS)`);
    // Every record of the batch at once, started in offset order: each one's path up to its append
    // is synchronous, so the appends queue in that order on the one producer (one request in
    // flight) and share its round trips, and a hospital's messages keep their order on the event
    // topics (an A08 after its A04). All settle before the handler does: a retry of the batch
    // never overlaps with a straggler of the attempt before (its dead letters would be counted twice).
    const outcomes = await Promise.allSettled(batch.records.map((r) => handleRecord(r, hospital)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  };
}

/** Where an inbound refusal came from: the hospital's topic (not the offset: `source` is a low-cardinality column; the offset is in details). */
const sourceOf = (r: ConsumedRecord) => `kafka:${r.topic}`;

/** The resource type of a FHIR record, for choosing the route it would have been posted to; undefined when it is not JSON (FHIR ingest then says so). */
function peekJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A record of unknown format may be anything: HL7's identifying fields are removed from what looks like HL7, FHIR's from the rest. */
const redactAny = (bytes: Buffer): Uint8Array =>
  bytes.subarray(0, 3).toString('latin1') === 'MSH' ? Buffer.from(redactHl7(bytes.toString('latin1')), 'latin1') : redactFhirBytes(bytes);
