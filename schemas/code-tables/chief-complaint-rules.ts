import type { ComplaintConceptId } from './chief-complaint-terms.ts';
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
  readonly anyOf: readonly (readonly ComplaintConceptId[])[];
  readonly settings?: readonly EncounterSetting[];
  /** Only patients younger than this count, in whole years; a missing age counts. */
  readonly maxAgeYearsExclusive?: number;
  /** The rule does not fire when any of these syndromes fired from the same complaint. */
  readonly unless?: readonly SyndromeId[];
  readonly note?: string;
}

/** A measured temperature at or above this (°C) counts as the `fever` concept. */
export const FEVER_THRESHOLD_C = 38.0;

export const COMPLAINT_RULES: readonly ComplaintRule[] = [
  {
    syndrome: 'ili',
    anyOf: [['influenza'], ['fever', 'cough'], ['fever', 'sore_throat']],
    note: 'CDC ILINet / ESSENCE ILI: fever with cough or sore throat, or influenza named',
  },
  {
    syndrome: 'sari',
    anyOf: [['fever', 'cough'], ['influenza']],
    settings: ['inpatient'],
    note: 'WHO SARI: fever and cough needing admission',
  },
  { syndrome: 'sari', anyOf: [['sari_named']] },
  { syndrome: 'acute_diarrhoea', anyOf: [['diarrhoea']] },
  { syndrome: 'dengue', anyOf: [['dengue']], note: 'Named only: fever with bleeding is not specific enough' },
  { syndrome: 'hfmd', anyOf: [['hfmd']] },
  {
    syndrome: 'measles_rubella',
    anyOf: [['measles'], ['fever', 'rash', 'cough'], ['fever', 'rash', 'coryza'], ['fever', 'rash', 'conjunctivitis']],
    note:
      'WHO suspected measles: fever and rash with cough, coryza or conjunctivitis. Rash alone never ' +
      'counts, nor the lay term "sốt phát ban", which also covers roseola and other exanthems',
  },
  {
    syndrome: 'meningitis_encephalitis',
    anyOf: [
      ['meningitis_encephalitis'],
      ['meningeal_signs'],
      ['fever', 'neck_stiffness'],
      ['fever', 'seizure'],
      ['fever', 'altered_consciousness'],
    ],
    note: 'WHO acute encephalitis syndrome: fever with seizure or altered consciousness. Seizure alone (epilepsy) does not count',
  },
  { syndrome: 'afp', anyOf: [['polio']], note: 'Suspected polio counts at any age' },
  {
    syndrome: 'afp',
    anyOf: [['flaccid_paralysis']],
    maxAgeYearsExclusive: 15,
    note: 'WHO AFP surveillance: children under 15',
  },
  { syndrome: 'jaundice_hepatitis', anyOf: [['jaundice'], ['acute_hepatitis']] },
  {
    syndrome: 'fever_unspecified',
    anyOf: [['fever']],
    unless: ['ili', 'sari', 'acute_diarrhoea', 'dengue', 'hfmd', 'measles_rubella', 'meningitis_encephalitis', 'afp', 'jaundice_hepatitis'],
    note: 'R50 means fever without a known cause: any other syndrome explains the fever',
  },
];
