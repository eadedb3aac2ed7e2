/**
 * Classify stage, pure core: hospital events in, syndrome and lab-series ids out.
 * The tables live in schemas/code-tables; this module compiles and applies them.
 */
import { CXR_SERIES, LAB_SERIES } from '../../schemas/code-tables/loinc-pathogens.ts';
import { GROUP_A_SYNDROME_IDS, SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';
import { AppError } from '../../platform/errors.ts';
import { definitionSet, DefinitionsError, type DefinitionSet } from '../../schemas/code-tables/definitions.ts';
import { createClassifier, type Classifier } from './classifier.ts';
import { tablesFor } from './tables.ts';
import type { CxrSeriesId, LabSeriesId, Syndrome } from './types.ts';

export { createClassifier, type Classifier } from './classifier.ts';
export { DEFAULT_TABLES, tablesFor, type ClassifierTables } from './tables.ts';
export { normaliseIcdCode } from './icd-code.ts';
export type { CxrSeriesId, EncounterInput, EventInput, LabInput, LabSeriesId, Syndrome, SyndromeId, TestSeriesId } from './types.ts';
export { SYNDROMES, SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';
export { CXR_SERIES, LAB_SERIES, LOCAL_CODES, LOCAL_CODE_SYSTEM } from '../../schemas/code-tables/loinc-pathogens.ts';

/** Laboratory series ids (`lab_<pathogen>`), in table order. */
export const LAB_SERIES_IDS: readonly LabSeriesId[] = LAB_SERIES.map((s) => s.id);

/** AI chest X-ray series (`cxr_<finding>`), in table order. */
export const CXR_SERIES_IDS: readonly CxrSeriesId[] = CXR_SERIES.map((s) => s.id);

/** Every series the classifier can emit: clinical syndromes, laboratory series, then AI chest X-ray series. */
export const DETECTED_SERIES: readonly Syndrome[] = [...SYNDROME_IDS, ...LAB_SERIES_IDS, ...CXR_SERIES_IDS];

/**
 * The series the statistical detectors run on: all but the group-A diseases (cholera, plague…),
 * whose single case is an alert by rule (alerts/rules.default.yaml), not by a baseline: their
 * series are almost always zero and would only cost detection time.
 */
export const STATISTICAL_SERIES: readonly Syndrome[] = DETECTED_SERIES.filter(
  (s) => !(GROUP_A_SYNDROME_IDS as readonly string[]).includes(s),
);

let shared: Classifier | undefined;
const byVersion = new Map<string, Classifier>();

/**
 * The classifier of one version of the syndrome definitions (`v1`, …, or `latest`), compiled
 * on first use and reused. Throws AppError CONFIG_INVALID for a version not shipped.
 */
export function classifierFor(version: string): Classifier {
  let set: DefinitionSet;
  try {
    set = definitionSet(version);
  } catch (err) {
    if (err instanceof DefinitionsError) throw new AppError('CONFIG_INVALID', err.message);
    throw err;
  }
  let c = byVersion.get(set.version);
  if (!c) {
    c = createClassifier(tablesFor(set));
    byVersion.set(set.version, c);
  }
  return c;
}

/**
 * The classifier built from DEFAULT_TABLES. Compiled on first use, not at import (no work
 * at import time), then reused; it holds no resources, so there is nothing to close.
 */
export function defaultClassifier(): Classifier {
  shared ??= createClassifier();
  return shared;
}

/** {@link Classifier.classifyEncounter} of the default classifier. */
export const classifyEncounter: Classifier['classifyEncounter'] = (e) => defaultClassifier().classifyEncounter(e);
/** {@link Classifier.classifyLab} of the default classifier. */
export const classifyLab: Classifier['classifyLab'] = (l) => defaultClassifier().classifyLab(l);
/** {@link Classifier.classifyEvent} of the default classifier. */
export const classifyEvent: Classifier['classifyEvent'] = (ev) => defaultClassifier().classifyEvent(ev);
