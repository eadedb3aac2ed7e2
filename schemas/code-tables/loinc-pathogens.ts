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
  // From definitions v2 on.
  { id: 'lab_cholera', en: 'Vibrio cholerae, positive PCR', vi: 'Vi khuẩn tả (V. cholerae), PCR dương tính' },
  { id: 'lab_hfmd', en: 'Enterovirus A71, positive PCR (HFMD)', vi: 'Enterovirus A71, PCR dương tính (tay chân miệng)' },
] as const;

/** Identifier of a laboratory series. */
export type LabSeriesId = (typeof LAB_SERIES)[number]['id'];

/**
 * Findings of an AI chest X-ray reader (the provinces' smart-health screening): a result the
 * reader flags ("positive") counts in its series, so a TB cluster emerging from screening shows
 * before notifications arrive. LOINC has no term for an AI reader's finding, so they arrive with
 * LOCAL codes (LOCAL_CODES below, listed in `local` of the definitions from v2 on).
 */
export const CXR_SERIES = [
  {
    id: 'cxr_presumptive_tb',
    en: 'AI chest X-ray: presumptive TB',
    vi: 'X-quang ngực đọc bằng AI: nghi lao',
  },
  { id: 'cxr_nodule', en: 'AI chest X-ray: lung nodule', vi: 'X-quang ngực đọc bằng AI: nốt ở phổi' },
] as const;

/** Identifier of an AI chest X-ray series. */
export type CxrSeriesId = (typeof CXR_SERIES)[number]['id'];

/** A series fed by a test result: a laboratory series or an AI chest X-ray series. */
export type TestSeriesId = LabSeriesId | CxrSeriesId;

/** The shape of a LOINC code (digits, hyphen, check digit). */
export const LOINC_CODE_PATTERN = /^\d{1,7}-\d$/;

/**
 * Codes this project defines itself, for results LOINC has no term for. They are LOCAL: no
 * other system knows them, and they can never be mistaken for LOINC (they start `EWS-`).
 * - ews JSON (`ews.lab.v1`): `test_code` is the code itself, e.g. `"EWS-CXR-TB"`.
 * - FHIR Observation: `code.coding` `{ "system": "urn:ews:local", "code": "EWS-CXR-TB" }`.
 * - HL7 v2 OBX-3: `EWS-CXR-TB^AI CXR presumptive TB^99EWS` (a locally defined coding system,
 *   "99zzz" of HL7 table 0396).
 */
export const LOCAL_CODE_SYSTEM = 'urn:ews:local';
/** OBX-3.3 coding system of the local codes in HL7 v2. */
export const LOCAL_CODE_HL7_SYSTEM = '99EWS';
/** The shape of a local code. */
export const LOCAL_CODE_PATTERN = /^EWS-[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

/** The local codes defined so far (each used by `local` of a definitions version to feed a series). */
export const LOCAL_CODES = [
  {
    code: 'EWS-CXR-TB',
    display: 'AI chest X-ray reader: presumptive tuberculosis',
    vi: 'Đọc X-quang ngực bằng AI: nghi lao',
  },
  {
    code: 'EWS-CXR-NODULE',
    display: 'AI chest X-ray reader: lung nodule',
    vi: 'Đọc X-quang ngực bằng AI: nốt ở phổi',
  },
  // Tests whose LOINC term we could not confirm from a published source (LOINC_TO_CONFIRM):
  // hospitals send these local codes until it is; a later definitions version then maps the
  // LOINC code beside them.
  {
    code: 'EWS-EV71-RNA',
    display: 'Enterovirus A71 RNA by PCR, any specimen (LOCAL: LOINC term not confirmed)',
    vi: 'Enterovirus A71 RNA bằng PCR, mọi bệnh phẩm (mã nội bộ: chưa xác nhận mã LOINC)',
  },
  {
    code: 'EWS-DENV-RNA-SER',
    display: 'Dengue virus RNA (any serotype) by RT-PCR in serum or plasma (LOCAL: LOINC term not confirmed)',
    vi: 'RNA vi rút Dengue (mọi típ) bằng RT-PCR trong huyết thanh hoặc huyết tương (mã nội bộ: chưa xác nhận mã LOINC)',
  },
] as const;

/** One local code that feeds a series (`local` of the definitions). */
export interface LocalCodeEntry {
  readonly code: string;
  readonly series: TestSeriesId;
  /** What the code means (its display). */
  readonly name: string;
  readonly note?: string;
}

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
 * Tests asked for whose LOINC code we could not confirm from a published source. They are NOT
 * mapped by a LOINC code (an unconfirmed code silently counts the wrong test); from definitions
 * v2 on they are counted by the LOCAL code named here instead (LOCAL_CODES). Resolve each against
 * the LOINC release (Loinc.csv) or the hospitals' lab catalogues, then publish a version that
 * maps the LOINC code too. Resolved: V. cholerae PCR, 97314-9 "Vibrio cholerae DNA [Presence] in
 * Stool by NAA with probe detection" (lab_cholera, v2); V. cholerae culture has no specific LOINC
 * term (the organism is a result value): 6579-7 feeds lab_vibrio.
 */
export const LOINC_TO_CONFIRM = [
  { wanted: 'Enterovirus A71 RNA by PCR (HFMD)', series: 'lab_hfmd', localCode: 'EWS-EV71-RNA' },
  { wanted: 'Dengue virus RNA in serum or plasma by PCR (pan-serotype)', series: 'lab_dengue', localCode: 'EWS-DENV-RNA-SER' },
] as const;
