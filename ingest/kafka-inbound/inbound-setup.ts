import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { ConsumedBatch } from '../../platform/event-log/types.ts';
import { recordBytes, recordHeaders } from '../../platform/event-log/kafka.ts';
import type { ingestConfigSchema } from '../config.ts';
import type { IngestService } from '../ingest-service.ts';
import type { CommuneLookup } from '../validate.ts';
import { createFhirIngest } from '../fhir/fhir-ingest.ts';
import { createHl7Ingest } from '../hl7/hl7-ingest.ts';
import type { kafkaInboundConfigSchema } from './inbound-config.ts';
import { createInboundHandler } from './inbound-consumer.ts';

/**
 * The inbound handler from the configuration: the ingest service the HTTP routes use, with
 * FHIR and HL7 v2 ingest set up as their routes set them up (commune sources, PID-11
 * components, event-time window, redaction).
 */
export function inboundHandler(d: {
  ingest: IngestService;
  units: CommuneLookup;
  config: Readonly<z.output<typeof ingestConfigSchema> & z.output<typeof kafkaInboundConfigSchema>>;
  clock: Clock;
  log: Logger;
  metrics: Registry;
  /** Test only: false keeps refused messages unredacted. */
  redact?: boolean | undefined;
}): (batch: ConsumedBatch) => Promise<void> {
  const { config } = d;
  const log = d.log.child({ module: 'kafka-inbound' });
  const fhir = createFhirIngest({
    ingest: d.ingest,
    units: d.units,
    now: () => d.clock.now(),
    eventTimeWindow: { maxPastDays: config.EWS_EVENT_MAX_PAST_DAYS, maxFutureDays: config.EWS_EVENT_MAX_FUTURE_DAYS },
    communeFrom: config.EWS_FHIR_COMMUNE_FROM,
    redact: d.redact,
  });
  const hl7 = createHl7Ingest({
    ingest: d.ingest,
    clock: d.clock,
    // Its ACK counter is the HTTP/MLLP one's (registered there): the inbound records are counted by ews_ingest_kafka_records_total.
    metrics: new Registry(),
    log,
    map: { communeComponents: config.EWS_HL7_COMMUNE_COMPONENTS },
    redact: d.redact,
  });
  return createInboundHandler({
    ingest: d.ingest,
    fhir,
    hl7,
    routes: config.KAFKA_INBOUND_HOSPITALS,
    headersOf: recordHeaders,
    bytesOf: recordBytes,
    log,
    metrics: d.metrics,
    redact: d.redact,
  });
}
