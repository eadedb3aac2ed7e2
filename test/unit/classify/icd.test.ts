import { describe, expect, it } from 'vitest';
import { classifyEncounter, normaliseIcdCode, type EncounterInput } from '../../../processors/classify/index.ts';

type Setting = EncounterInput['setting'];

// [codes, setting, age, expected] — expected lists are in SYNDROMES order.
const cases: [string[], Setting, number | undefined, string[]][] = [
  // ili J09–J11, sari J09–J18 inpatient only
  [['J08'], 'outpatient', undefined, []],
  [['J09'], 'outpatient', undefined, ['ili', 'novel_influenza']],
  [['J09'], 'inpatient', undefined, ['ili', 'sari', 'novel_influenza']],
  [['J11.1'], 'emergency', undefined, ['ili']],
  [['J11.1'], 'inpatient', undefined, ['ili', 'sari']],
  [['J12.9'], 'outpatient', undefined, []],
  [['J12.9'], 'inpatient', undefined, ['sari']],
  [['J18.9'], 'inpatient', undefined, ['sari']],
  [['J18.9'], 'emergency', undefined, []],
  [['J19'], 'inpatient', undefined, []],
  // acute_diarrhoea A00–A09
  [['A00.1'], 'outpatient', undefined, ['acute_diarrhoea', 'cholera']],
  [['A01.0'], 'outpatient', undefined, ['acute_diarrhoea']],
  [['A09.9'], 'outpatient', undefined, ['acute_diarrhoea']],
  [['A10'], 'outpatient', undefined, []],
  [['A15.0'], 'outpatient', undefined, []],
  // dengue A90, A91, A97
  [['A90'], 'outpatient', undefined, ['dengue']],
  [['A91'], 'outpatient', undefined, ['dengue']],
  [['A97.1'], 'outpatient', undefined, ['dengue']],
  [['A92.0'], 'outpatient', undefined, []],
  // hfmd B08.4 only
  [['B08.4'], 'outpatient', undefined, ['hfmd']],
  [['B08.5'], 'outpatient', undefined, []],
  [['B08'], 'outpatient', undefined, []],
  [['B08.40'], 'outpatient', undefined, ['hfmd']],
  // measles_rubella B05, B06
  [['B05.9'], 'outpatient', undefined, ['measles_rubella']],
  [['B06'], 'outpatient', undefined, ['measles_rubella']],
  [['B07'], 'outpatient', undefined, []],
  // meningitis_encephalitis A39, A83–A87, G00–G05
  [['A39.0'], 'inpatient', undefined, ['meningitis_encephalitis']],
  [['A82.9'], 'inpatient', undefined, []],
  [['A83.0'], 'inpatient', undefined, ['meningitis_encephalitis']],
  [['A87.9'], 'inpatient', undefined, ['meningitis_encephalitis']],
  [['A88'], 'inpatient', undefined, []],
  [['G00.9'], 'inpatient', undefined, ['meningitis_encephalitis']],
  [['G05.1'], 'inpatient', undefined, ['meningitis_encephalitis']],
  [['G06.0'], 'inpatient', undefined, []],
  // afp A80 (any age), G61.0 (under 15; missing age counts)
  [['A80.9'], 'inpatient', 40, ['afp']],
  [['G61.0'], 'inpatient', undefined, ['afp']],
  [['G61.0'], 'inpatient', 14, ['afp']],
  [['G61.0'], 'inpatient', 15, []],
  [['G61.0'], 'inpatient', 40, []],
  [['G61.1'], 'inpatient', 5, []],
  [['G61'], 'inpatient', 5, []],
  // jaundice_hepatitis B15–B17, R17
  [['B15.9'], 'outpatient', undefined, ['jaundice_hepatitis']],
  [['B17.1'], 'outpatient', undefined, ['jaundice_hepatitis']],
  [['B18.1'], 'outpatient', undefined, []],
  [['R17'], 'outpatient', undefined, ['jaundice_hepatitis']],
  [['R16.0'], 'outpatient', undefined, []],
  // fever_unspecified R50
  [['R50.9'], 'outpatient', undefined, ['fever_unspecified']],
  [['R51'], 'outpatient', undefined, []],
  // group-A diseases: one category each (VHF four), nothing from neighbouring codes
  [['A20.0'], 'outpatient', undefined, ['plague']],
  [['A21'], 'outpatient', undefined, []],
  [['A95.9'], 'inpatient', undefined, ['viral_haemorrhagic_fever']],
  [['A96.2'], 'inpatient', undefined, ['viral_haemorrhagic_fever']],
  [['A96.0'], 'inpatient', undefined, []],
  [['A98.3'], 'inpatient', undefined, ['viral_haemorrhagic_fever']],
  [['A98.4'], 'inpatient', undefined, ['viral_haemorrhagic_fever']],
  [['A98.5'], 'inpatient', undefined, []],
  [['A92.3'], 'inpatient', undefined, []],
  [['B03'], 'outpatient', undefined, ['smallpox']],
  [['B04'], 'outpatient', undefined, []],
  [['U04.9'], 'inpatient', undefined, ['sars']],
  [['J10.1'], 'outpatient', undefined, ['ili']],
  // several codes, several syndromes, each once and in table order
  [['A09', 'J10.1'], 'inpatient', undefined, ['ili', 'sari', 'acute_diarrhoea']],
  [['R50.9', 'A90'], 'outpatient', undefined, ['dengue', 'fever_unspecified']],
  [['A90', 'A91', 'A97.0'], 'outpatient', undefined, ['dengue']],
  [['B08.4', 'G04.9'], 'inpatient', 3, ['hfmd', 'meningitis_encephalitis']],
];

describe('ICD-10 anchors', () => {
  it.each(cases)('%j in %s (age %s) → %j', (diagnoses, setting, age, expected) => {
    expect(classifyEncounter({ setting, diagnoses, age_years: age })).toEqual(expected);
  });
});

describe('ICD-10 code normalisation', () => {
  it.each([
    ['J11.1', 'J111'],
    ['j111', 'J111'],
    ['J11.1 ', 'J111'],
    [' b08.4', 'B084'],
    ['G02.0*', 'G020'],
    ['J1', ''],
    ['11.1', ''],
    ['JX1', ''],
    ['', ''],
  ])('%j → %j', (raw, canonical) => {
    expect(normaliseIcdCode(raw)).toBe(canonical);
  });

  it.each(['j111', 'J11.1 ', ' j11.1', 'J111', 'J11.1'])('writes %j the same way', (code) => {
    expect(classifyEncounter({ setting: 'outpatient', diagnoses: [code] })).toEqual(['ili']);
  });
});

describe('codes versus chief complaint', () => {
  it('a valid code decides, even one that maps to no syndrome', () => {
    expect(classifyEncounter({ setting: 'outpatient', diagnoses: ['I10'], chief_complaint: 'sốt' })).toEqual([]);
  });

  it('the complaint decides when no code is valid', () => {
    expect(classifyEncounter({ setting: 'outpatient', diagnoses: ['', '  ', 'xx'], chief_complaint: 'sốt' })).toEqual([
      'fever_unspecified',
    ]);
  });

  it('the temperature is not used when a code is present', () => {
    expect(classifyEncounter({ setting: 'outpatient', diagnoses: ['I10'], temperature_c: 39.5 })).toEqual([]);
  });
});
