import type { EncounterSetting } from '../../schemas/code-tables/icd10-syndromes.ts';
import type { CxrSeriesId, LabSeriesId, TestSeriesId } from '../../schemas/code-tables/loinc-pathogens.ts';
import type { SyndromeId } from '../../schemas/code-tables/syndromes.ts';

export type { CxrSeriesId, EncounterSetting, LabSeriesId, SyndromeId, TestSeriesId };

/** What an event counts in: a clinical syndrome, a laboratory series or an AI chest X-ray series. */
export type Syndrome = SyndromeId | LabSeriesId | CxrSeriesId;

/**
 * The fields of an ews.encounter.v1 event the classifier reads. Structural on purpose:
 * the validated event from schemas/events.ts fits, and so does a test literal.
 */
export interface EncounterInput {
  readonly setting: EncounterSetting;
  /** ICD-10 codes; case, surrounding spaces and the dot are ignored ("j111" = "J11.1"). */
  readonly diagnoses?: readonly string[] | undefined;
  /** Free text, Vietnamese or English, with or without diacritics. */
  readonly chief_complaint?: string | null | undefined;
  /** Measured body temperature, °C. */
  readonly temperature_c?: number | null | undefined;
  readonly age_years?: number | null | undefined;
}

/** The fields of an ews.lab.v1 event the classifier reads. */
export interface LabInput {
  /** LOINC code, e.g. "75377-2", or a local code, e.g. "EWS-CXR-TB" (loinc-pathogens.ts LOCAL_CODES). */
  readonly test_code: string;
  readonly result: 'positive' | 'negative' | 'indeterminate';
}

/** An event of either v1 schema, told apart by `schema`. */
export type EventInput = (EncounterInput & { readonly schema: 'ews.encounter.v1' }) | (LabInput & { readonly schema: 'ews.lab.v1' });

/** Setting and age, the encounter context some anchors and rules depend on. */
export interface EncounterContext {
  readonly setting: EncounterSetting;
  readonly age: number | undefined;
}
