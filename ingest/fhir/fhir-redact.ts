/**
 * What a dead letter keeps of a FHIR message that could not be mapped: the message without the
 * elements that identify a person. A pure core. Free text left in it (a complaint, a note) is
 * scrubbed afterwards by ingest-service, as every dead letter's text is.
 *
 * Removed, in every resource:
 * - `telecom`, `photo`, `contact`, `communication` and the narrative `text` (its div may name the patient);
 * - of a person (Patient, Practitioner, RelatedPerson, Person): `name` and `identifier` (MRNs,
 *   national ids) — replaced by the marker `[patient]` so the dead letter shows they were there;
 * - of an address: `line` and `text` (district, city, commune extension and postal code stay: the commune is counted);
 * - of a reference: `display` and `identifier` (a subject's MRN, a name typed as display).
 * The identifiers of an Encounter or Observation stay: they are the event ids, stored anyway.
 */

const PERSON_TYPES = new Set(['Patient', 'Practitioner', 'RelatedPerson', 'Person']);
const ALWAYS_REMOVED = new Set(['telecom', 'photo', 'contact', 'communication']);
export const REDACTED = '[patient]';

/** Most levels walked; deeper values are dropped (the routes refuse deeper bodies before this). */
const MAX_DEPTH = 80;

/** A copy of a parsed FHIR value with the identifying elements removed. */
export function redactFhir(value: unknown): unknown {
  return walk(value, 0, false);
}

function walk(v: unknown, depth: number, inAddress: boolean): unknown {
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1, inAddress));
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string, unknown>;
  const person = typeof obj['resourceType'] === 'string' && PERSON_TYPES.has(obj['resourceType']);
  // A Reference: `reference`, a `display` without a `code` (a Coding has both), or one `identifier`
  // object (a resource's identifiers are an array).
  const isReference =
    !('resourceType' in obj) &&
    ('reference' in obj || ('display' in obj && !('code' in obj)) || ('identifier' in obj && !Array.isArray(obj['identifier'])));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) {
    if (ALWAYS_REMOVED.has(k)) continue;
    if (k === 'text' && (inAddress || (typeof x === 'object' && x !== null && 'div' in x))) continue;
    if (k === 'line' && inAddress) continue;
    if (person && (k === 'name' || k === 'identifier')) {
      set(out, k, REDACTED);
      continue;
    }
    if (isReference && (k === 'display' || k === 'identifier')) continue;
    set(out, k, walk(x, depth + 1, k === 'address'));
  }
  return out;
}

/** An own property even for a key such as "__proto__" (received input may hold any key). */
function set(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

// Keys whose string values (or arrays of strings) identify a person in FHIR JSON.
const TEXT_KEYS = /("(?:family|given|prefix|suffix|line|value|text|display|div)"\s*:\s*)(\[[^\]]*\]?|"(?:[^"\\]|\\.)*"?)/g;

/**
 * The same for a body that is not (whole) JSON — broken, cut at the size limit: the string
 * values of keys that may name a person (`family`, `given`, `line`, `value` — an identifier's
 * or a telecom's —, `text`, `display`) become `"[patient]"`. Works on the bytes as latin1, so
 * bytes that are not UTF-8 stay as received.
 */
export function redactFhirBytes(raw: Uint8Array): Uint8Array {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const out = text.replace(TEXT_KEYS, (_m, key: string) => `${key}"${REDACTED}"`);
  return out === text ? raw : Buffer.from(out, 'latin1');
}
