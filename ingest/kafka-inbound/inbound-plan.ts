import { capText } from '../../schemas/dead-letter.ts';
import { INBOUND_FORMATS, INBOUND_HEADERS, type InboundFormat } from '../../schemas/topics.ts';
import { MAX_ECHO } from '../validate.ts';
import { mismatchMessage } from '../ingest-service.ts';

/** Content types that name a format when `ews-format` is absent (as the HTTP routes take them). */
const BY_CONTENT_TYPE: Readonly<Record<string, InboundFormat>> = {
  'application/json': 'ews-json',
  'application/x-ndjson': 'ews-json',
  'application/ndjson': 'ews-json',
  'application/jsonl': 'ews-json',
  'application/fhir+json': 'fhir-r4',
  'x-application/hl7-v2+er7': 'hl7v2',
  'application/hl7-v2': 'hl7v2',
};

/** What to do with one inbound record, from its headers and the hospital its topic names. */
export type InboundPlan =
  | { ok: true; format: InboundFormat; contentType: string }
  | { ok: false; reason_code: 'UNSUPPORTED_MEDIA_TYPE' | 'HOSPITAL_MISMATCH'; reason: string; claimed?: string };

/**
 * Reads an inbound record's headers (names lower-cased, values as text). The hospital is the
 * topic's; an `ews-hospital` header may only repeat it — one naming another hospital is refused
 * whole (HOSPITAL_MISMATCH), since a header is whatever the publisher wrote. The format is
 * `ews-format`, else the `content-type`. Pure.
 */
export function planRecord(headers: Readonly<Record<string, string>>, hospital: string): InboundPlan {
  const claimed = headers[INBOUND_HEADERS.hospital];
  if (claimed !== undefined && claimed !== hospital) {
    const shown = capText(claimed, MAX_ECHO);
    return {
      ok: false,
      reason_code: 'HOSPITAL_MISMATCH',
      reason: `header ${INBOUND_HEADERS.hospital}: ${mismatchMessage(shown, hospital)} (the topic names the hospital)`,
      claimed: shown,
    };
  }
  const contentType = (headers[INBOUND_HEADERS.contentType] ?? '').split(';')[0]!.trim().toLowerCase();
  const named = headers[INBOUND_HEADERS.format]?.trim().toLowerCase();
  const format = named !== undefined ? INBOUND_FORMATS.find((f) => f === named) : BY_CONTENT_TYPE[contentType];
  if (format === undefined) {
    const said =
      named !== undefined
        ? `header ${INBOUND_HEADERS.format} is '${capText(named, MAX_ECHO)}'`
        : contentType
          ? `no header ${INBOUND_HEADERS.format}, and content-type '${capText(contentType, MAX_ECHO)}' names no format`
          : `no header ${INBOUND_HEADERS.format}`;
    return {
      ok: false,
      reason_code: 'UNSUPPORTED_MEDIA_TYPE',
      reason: `${said}: it must be one of ${INBOUND_FORMATS.join(', ')} / header ${INBOUND_HEADERS.format} phải là một trong ${INBOUND_FORMATS.join(', ')}`,
    };
  }
  // ews JSON is a JSON array (or one event) unless the content type says NDJSON.
  return { ok: true, format, contentType: contentType || (format === 'ews-json' ? 'application/json' : contentType) };
}

/**
 * The FHIR resource a record holds, as the HTTP route's path would say: Bundle, Encounter or
 * Observation (read from `resourceType`); anything else is handed on as a Bundle, and FHIR
 * ingest refuses it naming what it is. Pure.
 */
export function fhirExpected(value: unknown): 'Bundle' | 'Encounter' | 'Observation' {
  const type = typeof value === 'object' && value !== null ? (value as { resourceType?: unknown }).resourceType : undefined;
  return type === 'Encounter' || type === 'Observation' ? type : 'Bundle';
}
