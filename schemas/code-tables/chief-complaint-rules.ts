import type { EncounterSetting } from './icd10-syndromes.ts';
import type { SyndromeId } from './syndromes.ts';

/**
 * How chief-complaint concepts become syndromes. Used only when an encounter has no
 * (valid) ICD-10 diagnosis. Rules favour precision: a single nonspecific word (rash,
 * seizure, "stiff neck") never raises a syndrome on its own.
 */
export interface ComplaintRule {
  readonly syndrome: SyndromeId;
  /** The rule fires when every concept of at least one group is present. */
  readonly anyOf: readonly (readonly string[])[];
  readonly settings?: readonly EncounterSetting[];
  /** Only patients younger than this count, in whole years; a missing age counts. */
  readonly maxAgeYearsExclusive?: number;
  /** The rule does not fire when any of these syndromes fired from the same complaint. */
  readonly unless?: readonly SyndromeId[];
  readonly note?: string;
}

// The rules themselves, and `feverThresholdC` (a measured temperature at or above it, °C,
// counts as the `fever` concept), are data: `complaint` of schemas/code-tables/definitions/vN.json.
