import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { EventLog, LogRecord } from '../platform/event-log/types.ts';
import type { DeadLetter, DeadLetterStore } from '../schemas/dead-letter.ts';
import type { Clock } from '../platform/clock.ts';
import { TOPICS } from '../schemas/topics.ts';
import type { LogRecordV1 } from '../schemas/events.ts';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../schemas/event-time.ts';
import { capText } from '../schemas/dead-letter.ts';
import { MAX_ECHO, validateEvent, type CommuneLookup, type FieldError } from './validate.ts';
import { identityKey, type DedupIndex } from './dedup-index.ts';
import { scrubText } from './scrub.ts';
import { privateBytes, privatePayload } from './private-payload.ts';

/**
 * One item of a request body: its decoded value, or why it could not be decoded, or (for a
 * message in another standard, FHIR or HL7 v2, that was parsed but could not be mapped to an
 * event) the mapping's field errors, whose paths name the element of that standard
 * (`Encounter.subject`, `PID-7`). Such an item's `raw` is the message with its identifying
 * elements (names, identifiers, telecom, address lines) already removed by the mapper: it is
 * stored in the dead letter after free-text scrubbing only.
 */
export type BodyItem =
  | { raw: string; value: unknown }
  | { raw: string; decodeError: string }
  | { raw: string; mappingErrors: readonly FieldError[]; format: string; event_id?: string | undefined; hospital_id?: string | undefined };

export interface Rejection {
  index: number;
  event_id: string | null;
  /** Set when the event was refused for naming another hospital than the authenticated one. */
  code?: 'HOSPITAL_MISMATCH';
  errors: FieldError[];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface IngestDeps {
  log: Logger;
  metrics: Registry;
  clock: Clock;
  eventLog: EventLog;
  deadLetters: DeadLetterStore;
  units: CommuneLookup;
  dedup: DedupIndex;
  pseudonymise: (hospitalId: string, patientId: string) => string;
  /** How far from the receive time an event time may lie. Default DEFAULT_EVENT_TIME_WINDOW (3650 days back, 1 ahead). */
  eventTimeWindow?: Readonly<EventTimeWindow> | undefined;
  /**
   * Test only: `false` keeps free text and refused payloads as received (patient_id included),
   * the negative control of the privacy scan test. Default true.
   */
  scrub?: boolean | undefined;
}

/**
 * The hospital edge: validate, pseudonymise, drop resends, append to the event log. Resolves
 * only after accepted events are durable in the log and refused ones in the dead-letter store.
 */
export function createIngestService(deps: IngestDeps) {
  const accepted = new Counter({
    name: 'ews_ingest_events_accepted_total',
    help: 'Events accepted and durably appended to the event log',
    labelNames: ['schema'],
    registers: [deps.metrics],
  });
  const duplicates = new Counter({
    name: 'ews_ingest_events_duplicate_total',
    help: 'Events refused as resends of an already accepted (hospital_id, event_id)',
    labelNames: ['schema'],
    registers: [deps.metrics],
  });
  const retiredCodes = new Counter({
    name: 'ews_ingest_retired_commune_codes_total',
    help: 'Accepted events that came with a retired (pre-2025) commune code, counted under its current commune (schemas/units/code-map.ts)',
    registers: [deps.metrics],
  });
  const rejected = new Counter({
    name: 'ews_ingest_events_rejected_total',
    help: 'Events or bodies refused and dead-lettered, by schema and reason',
    labelNames: ['schema', 'reason'],
    registers: [deps.metrics],
  });

  const window = deps.eventTimeWindow ?? DEFAULT_EVENT_TIME_WINDOW;
  const scrub = deps.scrub ?? true;
  const text = scrub ? scrubText : (s: string) => s;
  // What a dead letter keeps of a refused item: no raw patient_id, free text scrubbed.
  const payloadOf = scrub ? (raw: string, value: unknown) => privatePayload(raw, value, deps.pseudonymise) : (raw: string) => raw;
  const bytesOf = scrub ? privateBytes : <T>(raw: T) => raw;

  return {
    /**
     * `hospital`: the authenticated hospital; an event naming another is refused for itself
     * (HOSPITAL_MISMATCH), so identities are scoped to it. `null`: a trusted source that
     * authenticated otherwise (ews produce on Kafka).
     */
    async ingest(items: readonly BodyItem[], source: string, hospital: string | null): Promise<IngestResult> {
      const receivedAt = deps.clock.now();
      const receivedIso = new Date(receivedAt).toISOString();
      const byTopic = new Map<string, LogRecord[]>();
      const fresh: { hospital_id: string; event_id: string; schema: string; retired: boolean }[] = [];
      const inBatch = new Set<string>();
      const rejections: Rejection[] = [];
      const letters: DeadLetter[] = [];
      let dupCount = 0;

      items.forEach((item, index) => {
        if ('decodeError' in item) {
          const message = text(capText(item.decodeError, MAX_ECHO * 2));
          rejections.push({ index, event_id: null, errors: [{ path: '', message }] });
          letters.push({ source, reason_code: 'BODY_UNPARSEABLE', reason: message, raw: bytesOf(item.raw) });
          rejected.inc({ schema: 'unknown', reason: 'unparseable' });
          return;
        }
        if ('mappingErrors' in item) {
          const eventId = item.event_id === undefined ? null : capText(item.event_id, MAX_ECHO);
          const errors = scrub
            ? item.mappingErrors.map((e) => ({ path: scrubText(e.path), message: scrubText(e.message) }))
            : [...item.mappingErrors];
          rejections.push({ index, event_id: eventId, errors });
          letters.push({
            source,
            reason_code: 'MAPPING_FAILED',
            reason: errors.map((e) => `${e.path || '(message)'}: ${e.message}`).join('; '),
            event_id: eventId ?? undefined,
            hospital_id: item.hospital_id === undefined ? undefined : capText(item.hospital_id, MAX_ECHO),
            details: { format: item.format, errors },
            raw: text(item.raw),
          });
          rejected.inc({ schema: item.format.slice(0, 40), reason: 'mapping_failed' });
          return;
        }
        const v = validateEvent(item.value, deps.units, { receivedAt, window });
        if (!v.ok) {
          const rec = item.value as Record<string, unknown> | null;
          // Refused ids may be anything: only their beginning is echoed and stored.
          const eventId = typeof rec?.['event_id'] === 'string' ? capText(rec['event_id'], MAX_ECHO) : null;
          const hospitalId = typeof rec?.['hospital_id'] === 'string' ? capText(rec['hospital_id'], MAX_ECHO) : undefined;
          const schema = typeof rec?.['schema'] === 'string' && rec['schema'].startsWith('ews.') ? rec['schema'].slice(0, 40) : 'unknown';
          // Error messages echo keys and values (an unknown field's name): scrubbed like free text.
          const errors = scrub ? v.errors.map((e) => ({ path: scrubText(e.path), message: scrubText(e.message) })) : v.errors;
          rejections.push({ index, event_id: eventId, errors });
          letters.push({
            source,
            reason_code: 'VALIDATION_FAILED',
            reason: errors.map((e) => `${e.path || '(event)'}: ${e.message}`).join('; '),
            event_id: eventId ?? undefined,
            hospital_id: hospitalId,
            details: errors,
            raw: payloadOf(item.raw, item.value),
          });
          rejected.inc({
            schema: schemaLabel(schema),
            reason: v.reason,
          });
          return;
        }
        const ev = v.event;
        if (hospital !== null && ev.hospital_id !== hospital) {
          const message = mismatchMessage(ev.hospital_id, hospital);
          const errors = [{ path: 'hospital_id', message }];
          rejections.push({ index, event_id: ev.event_id, code: 'HOSPITAL_MISMATCH', errors });
          letters.push({
            source,
            reason_code: 'HOSPITAL_MISMATCH',
            reason: message,
            event_id: ev.event_id,
            hospital_id: ev.hospital_id,
            details: { authenticated_hospital_id: hospital, errors },
            raw: payloadOf(item.raw, item.value),
          });
          rejected.inc({ schema: ev.schema, reason: 'hospital_mismatch' });
          return;
        }
        const key = identityKey(ev.hospital_id, ev.event_id);
        if (inBatch.has(key) || deps.dedup.has(ev.hospital_id, ev.event_id)) {
          dupCount++;
          duplicates.inc({ schema: ev.schema });
          return;
        }
        inBatch.add(key);
        const { patient_id, ...rest } = ev;
        if (rest.schema === 'ews.encounter.v1' && rest.chief_complaint !== undefined && scrub)
          rest.chief_complaint = scrubText(rest.chief_complaint, patient_id);
        const record: LogRecordV1 = {
          event: { ...rest, patient_key: deps.pseudonymise(ev.hospital_id, patient_id) },
          received_at: receivedIso,
        };
        const topic = ev.schema === 'ews.encounter.v1' ? TOPICS.encounters : TOPICS.labs;
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ key: ev.commune_code, value: JSON.stringify(record) });
        fresh.push({ hospital_id: ev.hospital_id, event_id: ev.event_id, schema: ev.schema, retired: v.mappedFrom !== undefined });
      });

      await Promise.all([
        ...[...byTopic].map(([topic, records]) => deps.eventLog.append(topic, records)),
        deps.deadLetters.record(letters, receivedAt),
      ]);
      // Mark as seen only once durable: a failed append must leave a resend acceptable.
      for (const f of fresh) {
        deps.dedup.add(f.hospital_id, f.event_id);
        accepted.inc({ schema: f.schema });
        if (f.retired) retiredCodes.inc();
      }
      if (rejections.length > 0) deps.log.debug({ source, rejected: rejections.length }, 'events rejected');
      return { accepted: fresh.length, duplicates: dupCount, rejected: rejections };
    },

    /** Records a body refused as a whole (unreadable, too large, wrong content type). */
    async rejectBody(letter: DeadLetter): Promise<void> {
      rejected.inc({ schema: 'unknown', reason: letter.reason_code.toLowerCase() });
      const raw = bytesOf(letter.raw);
      // raw_bytes counts what was received only when raw holds its beginning; a whole body
      // that scrubbing changed is stored whole, at its new size.
      const cut = letter.raw_bytes !== undefined && letter.raw_bytes > byteLength(letter.raw);
      await deps.deadLetters.record([{ ...letter, raw, raw_bytes: cut ? letter.raw_bytes : undefined }], deps.clock.now());
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

/** Why an event naming another hospital is refused; both ids are at most 64 characters (the contract). */
export const mismatchMessage = (claimed: string, authenticated: string) =>
  `hospital_id ${claimed} is not the authenticated hospital ${authenticated}: a hospital may send only its own events / ` +
  `hospital_id ${claimed} không phải bệnh viện đã xác thực ${authenticated}: bệnh viện chỉ được gửi sự kiện của mình`;

const byteLength = (raw: string | Uint8Array) => (typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength);

const schemaLabel = (s: string) => (s === 'ews.encounter.v1' || s === 'ews.lab.v1' ? s : 'unknown');
