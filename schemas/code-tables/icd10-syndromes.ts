import type { SyndromeId } from './syndromes.ts';

/** Encounter settings of the v1 event contract. */
export type EncounterSetting = 'outpatient' | 'emergency' | 'inpatient' | 'telehealth';

/**
 * One ICD-10 anchor of a syndrome. `codes` entries are either a 3-character category
 * range `"J09-J18"` (inclusive, by category, so every subcode of J09…J18 matches) or a
 * code prefix `"A90"` / `"B08.4"` (the code and all its subcodes match).
 */
export interface Icd10Anchor {
  readonly syndrome: SyndromeId;
  readonly codes: readonly string[];
  /** Only encounters in these settings count (default: every setting). */
  readonly settings?: readonly EncounterSetting[];
  /** Only patients younger than this count, in whole years; a missing age counts. */
  readonly maxAgeYearsExclusive?: number;
  /** Why the anchor is drawn this way, for the reviewing epidemiologist. */
  readonly note?: string;
}

// The anchors themselves are data: `icd10` of schemas/code-tables/definitions/vN.json
// (definitions.ts), ICD-10 (WHO 2019). An encounter may match several.
