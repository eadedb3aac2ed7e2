import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { BodyItem, IngestResult, IngestService } from '../ingest-service.ts';
import { mismatchMessage } from '../ingest-service.ts';
import { buildAck, type AckCode, type AckError } from './hl7-ack.ts';
import { mapHl7, type Hl7Error, type Hl7Header, type Hl7MapOptions } from './hl7-map.ts';
import { personalValues, redactHl7, withoutPersonal } from './hl7-redact.ts';

/** Where a field of the JSON contract comes from in a message: the ERR-2 location of a validation error. */
const SOURCE_FIELD: Record<string, { segment: string; field: number }> = {
  event_id: { segment: 'PV1', field: 19 },
  hospital_id: { segment: 'MSH', field: 4 },
  commune_code: { segment: 'PID', field: 11 },
  patient_id: { segment: 'PID', field: 3 },
  sex: { segment: 'PID', field: 8 },
  age_years: { segment: 'PID', field: 7 },
  setting: { segment: 'PV1', field: 2 },
  diagnoses: { segment: 'DG1', field: 3 },
  chief_complaint: { segment: 'OBX', field: 5 },
  temperature_c: { segment: 'OBX', field: 5 },
  test_code: { segment: 'OBX', field: 3 },
  result: { segment: 'OBX', field: 5 },
};

export interface Hl7Answer {
  ack: string;
  code: AckCode;
  result?: IngestResult | undefined;
  /** True when the store could not take the message (an AR to resend later; HTTP 503). */
  unavailable?: boolean;
}

export interface Hl7IngestDeps {
  ingest: IngestService;
  clock: Clock;
  metrics: Registry;
  log: Logger;
  map: Readonly<Hl7MapOptions>;
  /** Test only: `false` keeps refused messages as received, the negative control of the privacy scan. Default true. */
  redact?: boolean | undefined;
}

/**
 * One HL7 v2 message, from any transport, through the same ingest as POST /v1/events: mapped,
 * then validated, pseudonymised, scrubbed, deduplicated and appended, or dead-lettered
 * (BODY_UNPARSEABLE, MAPPING_FAILED with HL7 paths, VALIDATION_FAILED, HOSPITAL_MISMATCH). The
 * ACK is built once that is durable; a failure of the store is an AR (the sender resends).
 */
export function createHl7Ingest(deps: Hl7IngestDeps) {
  const answered = new Counter({
    name: 'ews_ingest_hl7_messages_total',
    help: 'HL7 v2 messages answered, by transport and acknowledgement code',
    labelNames: ['transport', 'ack'],
    registers: [deps.metrics],
  });
  const ackOf = (header: Hl7Header | undefined, code: AckCode, text: string, errors: readonly AckError[]) =>
    buildAck({ header, code, text, errors, now: deps.clock.now(), controlId: randomUUID().replaceAll('-', '').slice(0, 20) });

  const answer = (
    transport: string,
    header: Hl7Header | undefined,
    code: AckCode,
    text: string,
    errors: readonly AckError[],
    result?: IngestResult,
  ) => {
    answered.inc({ transport, ack: code });
    return { ack: ackOf(header, code, text, errors), code, result };
  };

  return {
    /** An AR for a message refused before ingest (not authenticated, too large, not UTF-8): nothing is recorded. */
    refuse(transport: string, text: string, reason: string): Hl7Answer {
      const m = mapHl7(text, deps.map);
      const header = m.kind === 'unparseable' ? undefined : m.header;
      return answer(transport, header, 'AR', reason, [{ code: 207, message: reason }]);
    },

    /** `hospital`: the authenticated hospital (MSH-4 must name it). */
    async handle(text: string, transport: string, hospital: string): Promise<Hl7Answer> {
      const source = `hl7:${transport}`;
      const m = mapHl7(text, deps.map);
      const raw = deps.redact === false ? text : redactHl7(text);
      let result: IngestResult;
      try {
        if (m.kind === 'unparseable') {
          await deps.ingest.ingest([{ raw, decodeError: m.message }], source, hospital);
          return answer(transport, undefined, 'AR', m.message, [{ code: 100, message: m.message }]);
        }
        if (m.hospitalId !== hospital && m.hospitalId !== '') {
          // Refused whole, like an event naming another hospital: no event of it is mapped.
          const message = `MSH-4 ${mismatchMessage(m.hospitalId.slice(0, 64), hospital)}`;
          const errors: Hl7Error[] = [{ path: 'MSH-4', segment: 'MSH', sequence: 1, field: 4, code: 207, message }];
          await deps.ingest.ingest([mappingItem(raw, m.header, errors, m.hospitalId)], source, hospital);
          return answer(transport, m.header, 'AR', message, errors);
        }
        if (m.kind !== 'events') {
          const eventId = m.kind === 'invalid' ? m.eventId : undefined;
          await deps.ingest.ingest([mappingItem(raw, m.header, m.errors, m.hospitalId, eventId)], source, hospital);
          const code: AckCode = m.kind === 'refused' ? 'AR' : 'AE';
          return answer(transport, m.header, code, summary(m.errors), m.errors);
        }
        // A complaint that names its patient ("BN <MRN>", the family name): ingest scrubs only the whole patient_id.
        const personal = deps.redact === false ? [] : personalValues(text);
        const unnamed = (e: Record<string, unknown>) =>
          typeof e['chief_complaint'] === 'string' && personal.length > 0
            ? { ...e, chief_complaint: withoutPersonal(e['chief_complaint'], personal) }
            : e;
        const items: BodyItem[] = m.events.map((value) => ({ raw, value: unnamed(value) }));
        // Labs of an ORU that could not be mapped while others could: dead-lettered beside them.
        if (m.errors.length > 0) items.push(mappingItem(raw, m.header, m.errors, m.hospitalId));
        result = await deps.ingest.ingest(items, source, hospital);
      } catch (err) {
        deps.log.error({ err, transport }, 'HL7 message not ingested');
        const message = 'the message could not be stored now: send it again later / chưa lưu được bản tin: gửi lại sau';
        return {
          ...answer(transport, m.kind === 'unparseable' ? undefined : m.header, 'AR', message, [{ code: 207, message }]),
          unavailable: true,
        };
      }
      const mappedCount = m.events.length;
      const errors: AckError[] = result.rejected.flatMap((r): AckError[] =>
        r.index >= mappedCount
          ? m.errors
          : r.errors.map((e) => {
              const at = SOURCE_FIELD[e.path.split('.')[0] ?? ''];
              return { ...at, sequence: 1, code: at ? 102 : 207, message: `${e.path}: ${e.message}` } satisfies AckError;
            }),
      );
      if (errors.length === 0) {
        const text =
          result.duplicates > 0 && result.accepted === 0
            ? 'already received: counted once / đã nhận trước đó: chỉ đếm một lần'
            : `accepted ${result.accepted} event(s) / đã nhận ${result.accepted} sự kiện`;
        return answer(transport, m.header, 'AA', text, [], result);
      }
      return answer(transport, m.header, 'AE', summary(errors), errors, result);
    },
  };
}

export type Hl7Ingest = ReturnType<typeof createHl7Ingest>;

function mappingItem(raw: string, header: Hl7Header, errors: readonly Hl7Error[], hospitalId: string, eventId?: string): BodyItem {
  return {
    raw,
    format: `hl7v2:${header.type}`,
    mappingErrors: errors.map((e) => ({ path: e.path, message: e.message })),
    event_id: eventId,
    hospital_id: hospitalId || undefined,
  };
}

const summary = (errors: readonly { message: string; path?: string }[]) => {
  const first = errors[0];
  if (!first) return '';
  const more = errors.length > 1 ? ` (+${errors.length - 1})` : '';
  return `${first.message}${more}`;
};
