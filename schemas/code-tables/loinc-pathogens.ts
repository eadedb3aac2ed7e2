/**
 * LOINC tests whose POSITIVE result counts in a laboratory series `lab_<pathogen>`.
 * Negative and indeterminate results count nowhere.
 *
 * Every code below was checked against a published source (loinc.org term pages, HL7
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

export const LOINC_PATHOGEN_TESTS: readonly LoincPathogenEntry[] = [
  {
    loinc: '75377-2',
    series: 'lab_dengue',
    name: 'Dengue virus NS1 Ag [Presence] in Serum, Plasma or Blood by Rapid immunoassay',
    note: 'NS1 rapid test, the usual first-line dengue test in Vietnamese hospitals',
  },
  {
    loinc: '29663-2',
    series: 'lab_dengue',
    name: 'Dengue virus IgM Ab [Presence] in Serum or Plasma by Immunoassay',
  },
  {
    loinc: '77958-7',
    series: 'lab_dengue',
    name: 'DENV 1 and 2 and 3 and 4 RNA NAA+probe Nom (CSF)',
    note:
      'LOINC display name (loinc.org). Serotyping RT-PCR on CSF; "positive" = any serotype ' +
      'detected. The serum/plasma PCR code is still to be confirmed (see LOINC_TO_CONFIRM)',
  },
  {
    loinc: '92142-9',
    series: 'lab_influenza_a',
    name: 'Influenza virus A RNA [Presence] in Respiratory specimen by NAA with probe detection',
    note: 'LOINC 2.77 renamed the system to "Respiratory system specimen"; same code',
  },
  {
    loinc: '34487-9',
    series: 'lab_influenza_a',
    name: 'Influenza virus A RNA [Presence] in Specimen by NAA with probe detection',
  },
  {
    loinc: '92141-1',
    series: 'lab_influenza_b',
    name: 'Influenza virus B RNA [Presence] in Respiratory specimen by NAA with probe detection',
  },
  {
    loinc: '40982-1',
    series: 'lab_influenza_b',
    name: 'Influenza virus B RNA [Presence] in Specimen by NAA with probe detection',
  },
  {
    loinc: '21503-8',
    series: 'lab_measles',
    name: 'Measles virus IgM Ab [Presence] in Serum',
  },
  {
    loinc: '6579-7',
    series: 'lab_vibrio',
    name: 'Vibrio sp identified in Stool by Organism specific culture',
    note:
      'LOINC has no V. cholerae-specific stool culture term we could confirm; the organism is a ' +
      'result value, which ews.lab.v1 does not carry. A positive means "Vibrio isolated", which ' +
      'includes V. parahaemolyticus, so the series is named lab_vibrio, not lab_cholera',
  },
];

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
