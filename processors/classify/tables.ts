import { latestDefinitions, type DefinitionSet } from '../../schemas/code-tables/definitions.ts';
import type { Icd10Anchor } from '../../schemas/code-tables/icd10-syndromes.ts';
import {
  CXR_SERIES,
  LAB_SERIES,
  type LocalCodeEntry,
  type LoincPathogenEntry,
  type TestSeriesId,
} from '../../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';
import type { ComplaintTables } from './complaint-classifier.ts';
import type { SyndromeId } from './types.ts';

/** Everything a classifier is compiled from. Swap parts to test or to trial a new table. */
export interface ClassifierTables {
  /** The definitions version the tables come from (`v1`, …), stored with each event it classifies. */
  readonly version: string;
  /** Clinical syndromes in output order. */
  readonly syndromes: readonly SyndromeId[];
  readonly icd10: readonly Icd10Anchor[];
  /** Laboratory series (`lab_<pathogen>`, fed by LOINC tests), in output order. */
  readonly labSeries: readonly TestSeriesId[];
  /** AI chest X-ray series (`cxr_<finding>`, fed by local codes); none before v2. */
  readonly screeningSeries?: readonly TestSeriesId[];
  readonly loinc: readonly LoincPathogenEntry[];
  /** Local codes (urn:ews:local), e.g. AI chest X-ray findings; none before v2. */
  readonly local?: readonly LocalCodeEntry[];
  readonly complaint: ComplaintTables;
}

/** The classifier tables of one version of the syndrome definitions (schemas/code-tables/definitions.ts). */
export function tablesFor(set: DefinitionSet): ClassifierTables {
  return {
    version: set.version,
    syndromes: SYNDROME_IDS,
    icd10: set.icd10,
    labSeries: LAB_SERIES.map((s) => s.id),
    screeningSeries: CXR_SERIES.map((s) => s.id),
    loinc: set.loinc,
    local: set.local,
    complaint: {
      concepts: set.complaint.concepts,
      cues: set.complaint.cues,
      rules: set.complaint.rules,
      feverThresholdC: set.complaint.feverThresholdC,
    },
  };
}

let latest: ClassifierTables | undefined;
const latestTables = (): ClassifierTables => (latest ??= tablesFor(latestDefinitions()));

/**
 * The tables of the latest shipped definitions. Its fields are read (and the definition files
 * checked) on first use, not at import; spreading it (`{ ...DEFAULT_TABLES, icd10 }`) reads them.
 */
export const DEFAULT_TABLES: ClassifierTables = Object.freeze(
  Object.defineProperties({} as ClassifierTables, {
    version: { enumerable: true, get: () => latestTables().version },
    syndromes: { enumerable: true, get: () => latestTables().syndromes },
    icd10: { enumerable: true, get: () => latestTables().icd10 },
    labSeries: { enumerable: true, get: () => latestTables().labSeries },
    screeningSeries: { enumerable: true, get: () => latestTables().screeningSeries },
    loinc: { enumerable: true, get: () => latestTables().loinc },
    local: { enumerable: true, get: () => latestTables().local },
    complaint: { enumerable: true, get: () => latestTables().complaint },
  }),
);
