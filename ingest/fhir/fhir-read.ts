import type { CodeableConcept, Coding, Identifier, Reference, Resource } from '@medplum/fhirtypes';

/**
 * Defensive readers over FHIR JSON received from a hospital. The input is typed with the
 * @medplum/fhirtypes definitions, but nothing guarantees it matches them: every element is
 * checked for its JSON type before use, so a number where a string belongs reads as absent
 * instead of throwing.
 */

/** A received value as one of the FHIR types: its elements may be anything. */
export type Untrusted<T> = { [K in keyof T]?: unknown };

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The object's elements typed as the FHIR type, each still unknown. */
export const view = <T>(v: unknown): Untrusted<T> | undefined => (isObject(v) ? v : undefined);

export const codings = (cc: unknown): Untrusted<Coding>[] =>
  arr(view<CodeableConcept>(cc)?.coding)
    .map((c) => view<Coding>(c))
    .filter((c): c is Untrusted<Coding> => c !== undefined);

export const reference = (v: unknown): string | undefined => str(view<Reference>(v)?.reference);

export const resourceType = (v: unknown): string | undefined => str(view<Resource>(v)?.resourceType);

/** `system|value` of an identifier; undefined when it has no value. */
export function identifierKey(v: unknown): string | undefined {
  const id = view<Identifier>(v);
  const value = str(id?.value);
  if (value === undefined) return undefined;
  return `${str(id?.system) ?? ''}|${value}`;
}

/** A FHIR dateTime: a year, a month, a day, or a date-time with seconds and an offset. */
export const FHIR_DATE_TIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Vietnam's offset: a dateTime that is a day alone is taken as that day's local midnight. */
export const LOCAL_OFFSET = '+07:00';

/** The instant of a FHIR dateTime as the event contract holds it (RFC 3339 with an offset); a day alone → local midnight. */
export function eventTime(v: string): string | undefined {
  if (!FHIR_DATE_TIME.test(v)) return undefined;
  if (DAY.test(v)) return `${v}T00:00:00${LOCAL_OFFSET}`;
  return v.length > 10 ? v : undefined;
}

/** Whole years from a birth day (YYYY-MM-DD) to the day of `at` (its own local date); undefined for a partial birth date. */
export function ageAt(birthDate: string, at: string): number | undefined {
  if (!DAY.test(birthDate) || !DAY.test(at.slice(0, 10))) return undefined;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = at.slice(0, 10).split('-').map(Number) as [number, number, number];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}
