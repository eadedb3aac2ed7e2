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

/** ICD-10 (WHO 2019) anchors of each syndrome. An encounter may match several. */
export const ICD10_SYNDROME_ANCHORS: readonly Icd10Anchor[] = [
  { syndrome: 'ili', codes: ['J09-J11'], note: 'Influenza, identified or not' },
  {
    syndrome: 'sari',
    codes: ['J09-J18'],
    settings: ['inpatient'],
    note: 'Influenza and pneumonia needing admission (WHO SARI); J12-J18 alone is not ILI',
  },
  { syndrome: 'acute_diarrhoea', codes: ['A00-A09'], note: 'Intestinal infectious diseases' },
  { syndrome: 'dengue', codes: ['A90', 'A91', 'A97'], note: 'A90/A91 pre-2019 dengue codes, A97 WHO 2019' },
  { syndrome: 'hfmd', codes: ['B08.4'], note: 'Enteroviral vesicular stomatitis with exanthem' },
  { syndrome: 'measles_rubella', codes: ['B05', 'B06'] },
  {
    syndrome: 'meningitis_encephalitis',
    codes: ['A39', 'A83-A87', 'G00-G05'],
    note: 'Meningococcal disease, viral encephalitis/meningitis, CNS inflammation',
  },
  { syndrome: 'afp', codes: ['A80'], note: 'Poliomyelitis: any age (WHO: suspected polio at any age)' },
  {
    syndrome: 'afp',
    codes: ['G61.0'],
    maxAgeYearsExclusive: 15,
    note: 'Guillain-Barré counts as AFP only under 15 years (WHO AFP surveillance definition)',
  },
  { syndrome: 'jaundice_hepatitis', codes: ['B15-B17', 'R17'], note: 'Acute viral hepatitis; unspecified jaundice' },
  { syndrome: 'fever_unspecified', codes: ['R50'], note: 'Fever of other and unknown origin' },
  // Group-A diseases: WHO ICD-10 (2019) categories. Each also keeps its place in the broader
  // syndrome above (A00 in acute_diarrhoea, J09 in ili/sari), so the statistical series do not
  // change; the group-A series exist so that one case can alert at once.
  { syndrome: 'cholera', codes: ['A00'], note: 'A00 Cholera (WHO ICD-10); also counts in acute_diarrhoea' },
  { syndrome: 'plague', codes: ['A20'], note: 'A20 Plague, every form (bubonic, pneumonic, septicaemic)' },
  {
    syndrome: 'novel_influenza',
    codes: ['J09'],
    note:
      'J09 Influenza due to identified zoonotic or pandemic influenza virus (A/H5N1, A/H7N9, A/H5N6, ' +
      'A/H9N2); also counts in ili (and sari when admitted)',
  },
  {
    syndrome: 'viral_haemorrhagic_fever',
    codes: ['A95', 'A96.2', 'A98.3', 'A98.4'],
    note:
      'A95 yellow fever, A96.2 Lassa fever, A98.3 Marburg, A98.4 Ebola virus disease; dengue (A90/A91/A97) ' +
      'stays in dengue. West Nile fever (A92.3) is group A but not counted here: no syndrome of its own yet',
  },
  { syndrome: 'smallpox', codes: ['B03'], note: 'B03 Smallpox (eradicated 1980: a single case is an emergency)' },
  {
    syndrome: 'sars',
    codes: ['U04'],
    note: 'U04 SARS (WHO ICD-10 provisional code). MERS has no WHO ICD-10 code and is not counted',
  },
];
