import { MARKERS, scrubBytes, scrubText } from './scrub.ts';

/** Fields of an event kept as they are in a dead letter: identifiers and codes, not free text. */
const KEPT_FIELDS = new Set([
  'schema',
  'event_id',
  'hospital_id',
  'occurred_at',
  'commune_code',
  'sex',
  'setting',
  'diagnoses',
  'test_code',
  'result',
]);

/**
 * The payload of a refused event as a dead letter keeps it: `patient_id` replaced by its
 * pseudonym (`[patient]` when it is not a string or the hospital is not named), every other
 * string but the identifiers and codes (chief_complaint, unknown fields, nested values)
 * scrubbed. Returns the text received when nothing changed, else the event re-serialised as
 * JSON: still an event ingest accepts, so the dead letter can be replayed (ingest/README.md).
 */
export function privatePayload(raw: string, value: unknown, pseudonymise: (hospitalId: string, patientId: string) => string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const out = scrubValue(value, undefined);
    return out.changed ? JSON.stringify(out.value) : raw;
  }
  const rec = value as Record<string, unknown>;
  const patientId = typeof rec['patient_id'] === 'string' ? rec['patient_id'] : undefined;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'patient_id') {
      const hospital = rec['hospital_id'];
      set(copy, k, patientId !== undefined && typeof hospital === 'string' ? pseudonymise(hospital, patientId) : MARKERS.patient);
      changed = true;
    } else if (KEPT_FIELDS.has(k)) {
      set(copy, k, v);
    } else {
      const key = scrubText(k, patientId);
      const out = scrubValue(v, patientId);
      set(copy, key, out.value);
      changed ||= out.changed || key !== k;
    }
  }
  return changed ? JSON.stringify(copy) : raw;
}

/** Bytes that could not be decoded into an event, scrubbed as text (ingest/scrub.ts). */
export function privateBytes<T extends string | Uint8Array>(raw: T): T | Uint8Array {
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'utf8');
    const out = scrubBytes(bytes);
    return out === bytes ? raw : out;
  }
  return scrubBytes(raw);
}

function scrubValue(v: unknown, patientId: string | undefined): { value: unknown; changed: boolean } {
  if (typeof v === 'string') {
    const s = scrubText(v, patientId);
    return { value: s, changed: s !== v };
  }
  if (v === null || typeof v !== 'object') return { value: v, changed: false };
  let changed = false;
  if (Array.isArray(v)) {
    const arr = v.map((x) => {
      const out = scrubValue(x, patientId);
      changed ||= out.changed;
      return out.value;
    });
    return { value: arr, changed };
  }
  const copy: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const key = scrubText(k, patientId);
    const out = scrubValue(x, patientId);
    changed ||= out.changed || key !== k;
    set(copy, key, out.value);
  }
  return { value: copy, changed };
}

/** An own property even for a key such as "__proto__" (refused input may hold any key). */
function set(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
