/**
 * LOINC tests whose POSITIVE result counts in a laboratory series `lab_<pathogen>`.
 * Negative and indeterminate results count nowhere.
 *
 * The tests are listed in the versioned definitions (`loinc` of definitions/vN.json); this
 * file names the series they count in. Every code there was checked against a published source (loinc.org term pages, HL7
 * implementation guides, the Swiss FOPH ELM value sets, reference-lab catalogues), and
 * `name` is its LOINC long common name (its display name where the note says so). Add
 * codes only the same way: a plausible code with a valid check digit can still be the
 * wrong test.
 */
export const LAB_SERIES = [
  { id: 'lab_dengue', en: 'Dengue virus, positive test', vi: 'Vi rút Dengue, xét nghiệm dương tính' },
  { id: 'lab_influenza_a', en: 'Influenza A virus, positive test', vi: 'Vi rút cúm A, xét nghiệm dương tính' },
  { id: 'lab_influenza_b', en: 'Influenza B virus, positive test', vi: 'Vi rút cúm B, xét nghiệm dương tính' },
  { id: 'lab_measles', en: 'Measles virus, positive test', vi: 'Vi rút sởi, xét nghiệm dương tính' },
  {
    id: 'lab_vibrio',
    en: 'Vibrio spp. isolated from stool',
    vi: 'Phân lập Vibrio trong phân',
  },
] as const;

/** Identifier of a laboratory series. */
export type LabSeriesId = (typeof LAB_SERIES)[number]['id'];

/** One LOINC test that feeds a laboratory series. */
export interface LoincPathogenEntry {
  readonly loinc: string;
  readonly series: LabSeriesId;
  /** LOINC long common name (or display name, see note). */
  readonly name: string;
  /** Why the code is here and what a positive means, for the reviewer. */
  readonly note?: string;
}

// The tests themselves are data: `loinc` of schemas/code-tables/definitions/vN.json
// (definitions.ts), each with its series, LOINC long common name and a note.

/**
 * Tests the brief asked for whose LOINC code we could not confirm from a published source.
 * They are deliberately NOT mapped: an unconfirmed code silently counts the wrong test.
 * Resolve each against the LOINC release (Loinc.csv) or the hospitals' lab catalogues.
 */
export const LOINC_TO_CONFIRM = [
  { wanted: 'Enterovirus A71 RNA by PCR (HFMD)', series: 'lab_enterovirus_a71' },
  { wanted: 'Dengue virus RNA in serum or plasma by PCR (pan-serotype)', series: 'lab_dengue' },
  { wanted: 'Vibrio cholerae-specific stool culture or PCR', series: 'lab_cholera' },
] as const;
