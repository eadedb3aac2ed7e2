import { COMPLAINT_RULES, FEVER_THRESHOLD_C } from '../../schemas/code-tables/chief-complaint-rules.ts';
import { COMPLAINT_CONCEPTS, COMPLAINT_CUES } from '../../schemas/code-tables/chief-complaint-terms.ts';
import { ICD10_SYNDROME_ANCHORS, type Icd10Anchor } from '../../schemas/code-tables/icd10-syndromes.ts';
import { LAB_SERIES, LOINC_PATHOGEN_TESTS, type LabSeriesId, type LoincPathogenEntry } from '../../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';
import type { ComplaintTables } from './complaint-classifier.ts';
import type { SyndromeId } from './types.ts';

/** Everything a classifier is compiled from. Swap parts to test or to trial a new table. */
export interface ClassifierTables {
  /** Clinical syndromes in output order. */
  readonly syndromes: readonly SyndromeId[];
  readonly icd10: readonly Icd10Anchor[];
  readonly labSeries: readonly LabSeriesId[];
  readonly loinc: readonly LoincPathogenEntry[];
  readonly complaint: ComplaintTables;
}

/** The reviewed tables in schemas/code-tables. */
export const DEFAULT_TABLES: ClassifierTables = {
  syndromes: SYNDROME_IDS,
  icd10: ICD10_SYNDROME_ANCHORS,
  labSeries: LAB_SERIES.map((s) => s.id),
  loinc: LOINC_PATHOGEN_TESTS,
  complaint: {
    concepts: COMPLAINT_CONCEPTS,
    cues: COMPLAINT_CUES,
    rules: COMPLAINT_RULES,
    feverThresholdC: FEVER_THRESHOLD_C,
  },
};
