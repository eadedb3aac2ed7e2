import { z } from 'zod';

/**
 * Hospital event format v1: the public interface hospitals send. Field names are part of
 * the contract; change them only with a new schema version (ews.encounter.v2 …).
 */

/**
 * An identifier is text without control characters (C0, DEL, C1) and without unpaired UTF-16
 * surrogates: both would let two different ids become one (a separator joined into a key, or
 * the U+FFFD an unpaired surrogate turns into when stored as UTF-8), and neither belongs in an id.
 */
const ID_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;
const ID_TEXT_MESSAGE = 'must not contain control characters (U+0000–U+001F, U+007F–U+009F) or unpaired surrogates';

const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time with an offset, e.g. 2026-07-01T08:30:00+07:00' });

export const commonFields = {
  event_id: z
    .string({ message: 'is required (string, 1–128 characters)' })
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(ID_TEXT, ID_TEXT_MESSAGE),
  hospital_id: z
    .string({ message: 'is required (string, 1–64 characters)' })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(ID_TEXT, ID_TEXT_MESSAGE),
  occurred_at: rfc3339,
  commune_code: z
    .string({ message: 'is required (5-digit administrative code)' })
    .regex(/^\d{5}$/, 'must be a 5-digit administrative code'),
  patient_id: z
    .string({ message: 'is required' })
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .regex(ID_TEXT, ID_TEXT_MESSAGE),
  sex: z.enum(['male', 'female', 'other', 'unknown'], { message: 'must be one of male, female, other, unknown' }),
  age_years: z
    .number({ message: 'must be an integer 0–130' })
    .int('must be an integer')
    .min(0, 'must be ≥ 0')
    .max(130, 'must be ≤ 130')
    .optional(),
};

export const icd10Code = z
  .string()
  .trim()
  .regex(/^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{1,4})?$/, 'must be an ICD-10 code such as A90 or J11.1');

export const encounterV1 = z
  .object({
    schema: z.literal('ews.encounter.v1'),
    ...commonFields,
    setting: z.enum(['outpatient', 'emergency', 'inpatient', 'telehealth'], {
      message: 'must be one of outpatient, emergency, inpatient, telehealth',
    }),
    diagnoses: z.array(icd10Code, { message: 'must be an array of ICD-10 codes (may be empty)' }).max(50, 'at most 50 codes'),
    chief_complaint: z.string({ message: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
    temperature_c: z.number({ message: 'must be a number (°C)' }).min(25, 'must be ≥ 25 °C').max(45, 'must be ≤ 45 °C').optional(),
  })
  .strict();

export const labV1 = z
  .object({
    schema: z.literal('ews.lab.v1'),
    ...commonFields,
    // A LOINC code, or a local code EWS-… for results LOINC has no term for (AI chest X-ray
    // findings, schemas/code-tables/loinc-pathogens.ts LOCAL_CODES).
    test_code: z
      .string({ message: 'is required (LOINC code, e.g. 75377-6)' })
      .regex(/^(?:\d{1,7}-\d|EWS-[A-Z0-9]+(?:-[A-Z0-9]+)*)$/, 'must be a LOINC code such as 75377-6 (or a local code such as EWS-CXR-TB)'),
    result: z.enum(['positive', 'negative', 'indeterminate'], { message: 'must be one of positive, negative, indeterminate' }),
  })
  .strict();

export const hospitalEventV1 = z.discriminatedUnion('schema', [encounterV1, labV1], {
  message: 'schema must be "ews.encounter.v1" or "ews.lab.v1"',
});

export type EncounterV1 = z.infer<typeof encounterV1>;
export type LabV1 = z.infer<typeof labV1>;
export type HospitalEventV1 = z.infer<typeof hospitalEventV1>;

export const EVENT_SCHEMAS = ['ews.encounter.v1', 'ews.lab.v1'] as const;
export type EventSchemaName = (typeof EVENT_SCHEMAS)[number];

/**
 * What the event log carries: the validated event with the patient identifier already
 * replaced by its HMAC pseudonym (`patient_key`) and the time ingest accepted it.
 */
export type LoggedEventV1 = Omit<EncounterV1, 'patient_id'> | Omit<LabV1, 'patient_id'>;
export interface LogRecordV1 {
  event: LoggedEventV1 & { patient_key: string };
  received_at: string;
}

/** JSON Schema (draft 2020-12) export of the public event contract. */
export function eventJsonSchemas(): Record<string, unknown> {
  return {
    'ews.encounter.v1': z.toJSONSchema(encounterV1, { io: 'input' }),
    'ews.lab.v1': z.toJSONSchema(labV1, { io: 'input' }),
  };
}
