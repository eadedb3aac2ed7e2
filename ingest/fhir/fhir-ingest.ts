import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { AppError } from '../../platform/errors.ts';
import type { EventTimeWindow } from '../../schemas/event-time.ts';
import type { BodyItem, IngestResult, IngestService } from '../ingest-service.ts';
import { jsonDepth } from '../json-spans.ts';
import { validateEvent, type CommuneLookup, type FieldError } from '../validate.ts';
import { mapFhir, type CommuneSource, type EntryResult, type Mapped, type Unmapped } from './fhir-map.ts';
import { fieldOutcome, infoOutcome, responseBundle } from './fhir-outcome.ts';
import { redactFhir } from './fhir-redact.ts';

/** Deepest nesting a FHIR message may have: a Bundle's extensions nest far less; recursive walks stay far from the stack's limit. */
export const MAX_FHIR_DEPTH = 64;
export const FHIR_FORMAT = 'fhir-r4';

export interface FhirIngestDeps {
  ingest: IngestService;
  units: CommuneLookup;
  now: () => number;
  eventTimeWindow: Readonly<EventTimeWindow>;
  communeFrom: readonly CommuneSource[];
  /** Test only: false keeps identifying elements (the FHIR privacy scan's negative control); default true. */
  redact?: boolean | undefined;
}

/** What to answer: an HTTP status and a FHIR resource. */
export interface FhirAnswer {
  status: number;
  body: Resource;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The FHIR flow between the route and ingest: decode (UTF-8, depth, JSON), map, then ingest the
 * events as POST /v1/events does (validation, pseudonymisation, scrubbing, dead letters). A body
 * refused whole throws an AppError (the route dead-letters the bytes); a message that is JSON but
 * not a resource of the expected type is dead-lettered here (redacted) and answered 400.
 */
export function createFhirIngest(deps: FhirIngestDeps) {
  return async (
    body: Uint8Array,
    expected: 'Bundle' | 'Encounter' | 'Observation',
    hospital: string,
    source: string,
  ): Promise<FhirAnswer> => {
    const value = decode(body);
    const redact = deps.redact !== false;
    const parsed = mapFhir(value, expected, { hospital, communeFrom: deps.communeFrom, redact });
    if (!parsed.ok) {
      await deps.ingest.rejectBody({
        source,
        reason_code: 'MAPPING_FAILED',
        reason: parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        details: { format: FHIR_FORMAT, errors: parsed.errors },
        raw: JSON.stringify(redact ? redactFhir(value) : value),
      });
      return { status: 400, body: fieldOutcome(parsed.errors, 'MAPPING_FAILED', 'structure') };
    }
    const m = parsed.message;
    if (m.kind === 'resource') {
      const result = await deps.ingest.ingest([itemOf(m.result)], source, hospital);
      const outcome = outcomes(result, [m.result])[0]!;
      return { status: outcome.http, body: outcome.outcome };
    }
    const events = m.entries.filter((e): e is Mapped | Unmapped => e.kind !== 'companion');
    if (m.type === 'transaction') {
      // All or nothing: refused entries are dead-lettered and named; none of the others is stored.
      const refused = events.filter((e) => e.kind === 'error' || precheck(e, hospital, deps) !== undefined);
      if (refused.length > 0) {
        const result = await deps.ingest.ingest(refused.map(itemOf), source, hospital);
        const issues = outcomes(result, refused).flatMap((o) => o.outcome.issue);
        return { status: 400, body: { resourceType: 'OperationOutcome', issue: issues } satisfies OperationOutcome };
      }
    }
    const result = await deps.ingest.ingest(events.map(itemOf), source, hospital);
    const answers = outcomes(result, events);
    let k = 0;
    const entries = m.entries.map((e: EntryResult) => {
      if (e.kind === 'companion')
        return { status: '200 OK', outcome: infoOutcome('READ', `${e.resourceType} read through references; not stored`) };
      const a = answers[k++]!;
      return { status: `${a.http} ${STATUS_TEXT[a.http]}`, outcome: a.outcome };
    });
    return { status: 200, body: responseBundle(m.type === 'transaction' ? 'transaction-response' : 'batch-response', entries) };
  };
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 403: 'Forbidden', 422: 'Unprocessable Entity' };

export type FhirIngest = ReturnType<typeof createFhirIngest>;

function decode(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new AppError('BODY_NOT_UTF8', 'request body is not valid UTF-8: send FHIR JSON encoded as UTF-8 / nội dung không phải UTF-8');
  }
  if (text.trim() === '') throw new AppError('BODY_EMPTY', 'request body is empty: send a FHIR resource / nội dung rỗng');
  const depth = jsonDepth(text);
  if (depth > MAX_FHIR_DEPTH)
    throw new AppError('BODY_UNPARSEABLE', `request body is nested ${depth} levels deep: at most ${MAX_FHIR_DEPTH} / lồng quá sâu`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const m = err instanceof Error ? err.message.slice(0, 200) : '';
    throw new AppError('BODY_UNPARSEABLE', `request body is not valid JSON: ${m} / nội dung không phải JSON hợp lệ`);
  }
}

function itemOf(e: Mapped | Unmapped): BodyItem {
  if (e.kind === 'event') return { raw: JSON.stringify(e.event), value: e.event };
  return { raw: e.raw, mappingErrors: e.errors, format: FHIR_FORMAT, event_id: e.event_id, hospital_id: e.hospital_id };
}

/** Why a mapped event of a transaction would be refused by ingest (the same checks, before anything is stored); undefined when it would not. */
function precheck(e: Mapped, hospital: string, deps: FhirIngestDeps): string | undefined {
  const v = validateEvent(e.event, deps.units, { receivedAt: deps.now(), window: deps.eventTimeWindow });
  if (!v.ok) return v.reason;
  return v.event.hospital_id === hospital ? undefined : 'hospital_mismatch';
}

/**
 * Each item's answer from ingest's result: refused → 422 (403 when it names another hospital)
 * with its errors at FHIR expressions. Stored ones: 201 when the batch had no resend, 200 when
 * all were resends; ingest counts them, so a batch of both answers 200 for each.
 */
function outcomes(result: IngestResult, items: readonly (Mapped | Unmapped)[]): { http: number; outcome: OperationOutcome }[] {
  const rejected = new Map(result.rejected.map((r) => [r.index, r]));
  const stored = result.duplicates === 0 ? 201 : 200;
  return items.map((item, i) => {
    const r = rejected.get(i);
    if (r === undefined)
      return stored === 201
        ? { http: 201, outcome: infoOutcome('ACCEPTED', 'stored as an event / đã lưu thành sự kiện') }
        : {
            http: 200,
            outcome: infoOutcome('STORED', 'stored, or already stored: a resend is the same event / đã lưu (gửi lại là cùng sự kiện)'),
          };
    const reason = item.kind === 'error' ? 'MAPPING_FAILED' : r.code === 'HOSPITAL_MISMATCH' ? 'HOSPITAL_MISMATCH' : 'VALIDATION_FAILED';
    const errors = r.errors.map((e): FieldError => ({ path: item.kind === 'error' ? e.path : pathOf(item, e.path), message: e.message }));
    return {
      http: reason === 'HOSPITAL_MISMATCH' ? 403 : 422,
      outcome: fieldOutcome(
        errors,
        reason,
        reason === 'HOSPITAL_MISMATCH' ? 'forbidden' : reason === 'MAPPING_FAILED' ? 'invalid' : 'business-rule',
      ),
    };
  });
}

/** The FHIR element an event field came from (`diagnoses.1` → its Condition's code), else the resource. */
export function pathOf(item: Mapped, field: string): string {
  return item.paths[field] ?? item.paths[field.split('.')[0]!] ?? item.paths['schema']!;
}
