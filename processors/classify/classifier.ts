import { AppError } from '../../platform/errors.ts';
import { compileComplaintClassifier } from './complaint-classifier.ts';
import { normaliseIcdCode } from './icd-code.ts';
import { compileIcdMatcher } from './icd-matcher.ts';
import { compileLabMatcher } from './lab-matcher.ts';
import { createSyndromeBits } from './syndrome-bits.ts';
import { DEFAULT_TABLES, type ClassifierTables } from './tables.ts';
import type { EncounterContext, EncounterInput, EventInput, LabInput, Syndrome, SyndromeId, TestSeriesId } from './types.ts';

/** The classification functions compiled from one set of tables. Pure: no I/O, no clock. */
export interface Classifier {
  /** The syndrome definitions version the classifier applies (`v1`, …): stored with each event it classifies. */
  readonly version: string;
  /**
   * Syndromes of an encounter. With at least one valid ICD-10 code, the codes alone decide;
   * without, the chief complaint and the measured temperature do. The array is frozen and
   * shared between calls; copy it before changing it.
   */
  classifyEncounter(e: EncounterInput): readonly SyndromeId[];
  /**
   * `[lab_<pathogen>]` for a positive result of a listed LOINC test, `[cxr_…]` for a flagged
   * finding of an AI chest X-ray reader (a listed local code), else `[]`.
   */
  classifyLab(l: LabInput): readonly TestSeriesId[];
  /**
   * Dispatches on `schema`. Throws AppError VALIDATION_FAILED (not retryable) for any
   * other schema, so the shell dead-letters the event instead of dropping it silently.
   */
  classifyEvent(ev: EventInput): readonly Syndrome[];
}

/**
 * Compiles the tables once (term index, ICD category map, every possible output list), so
 * classifying an event does no regex compilation and almost no allocation. Throws AppError
 * CONFIG_INVALID naming the table entry when a table is malformed.
 */
export function createClassifier(tables: ClassifierTables = DEFAULT_TABLES): Classifier {
  const bits = createSyndromeBits(tables.syndromes);
  const icd = compileIcdMatcher(tables.icd10, bits);
  const complaint = compileComplaintClassifier(tables.complaint, bits);
  const lab = compileLabMatcher(tables.loinc, [...tables.labSeries, ...(tables.screeningSeries ?? [])], tables.local);

  const classifyEncounter = (e: EncounterInput): readonly SyndromeId[] => {
    const ctx: EncounterContext = { setting: e.setting, age: e.age_years ?? undefined };
    let coded = false;
    let mask = 0;
    for (const raw of e.diagnoses ?? []) {
      const code = normaliseIcdCode(raw);
      if (code === '') continue;
      coded = true;
      mask |= icd(code, ctx);
    }
    // A coded diagnosis is the clinician's conclusion; free text would only add noise.
    if (!coded) mask = complaint(e.chief_complaint, e.temperature_c, ctx);
    return bits.ids(mask);
  };

  const classifyEvent = (ev: EventInput): readonly Syndrome[] => {
    switch (ev.schema) {
      case 'ews.encounter.v1':
        return classifyEncounter(ev);
      case 'ews.lab.v1':
        return lab(ev);
      default:
        throw new AppError('VALIDATION_FAILED', 'cannot classify event: unknown schema', {
          details: { schema: (ev as { schema?: unknown }).schema },
        });
    }
  };

  return { version: tables.version, classifyEncounter, classifyLab: lab, classifyEvent };
}
