/**
 * Syndromes the pipeline counts, with display names for officers (Vietnamese) and
 * reports (English). The id is part of stored counts and alert keys: never rename one;
 * retire it and add a new id instead.
 */
export const SYNDROMES = [
  { id: 'ili', en: 'Influenza-like illness', vi: 'Hội chứng cúm' },
  { id: 'sari', en: 'Severe acute respiratory infection', vi: 'Nhiễm trùng hô hấp cấp tính nặng' },
  { id: 'acute_diarrhoea', en: 'Acute diarrhoea', vi: 'Tiêu chảy cấp' },
  { id: 'dengue', en: 'Dengue', vi: 'Sốt xuất huyết Dengue' },
  { id: 'hfmd', en: 'Hand, foot and mouth disease', vi: 'Bệnh tay chân miệng' },
  { id: 'measles_rubella', en: 'Measles / rubella', vi: 'Sởi / rubella' },
  { id: 'meningitis_encephalitis', en: 'Meningitis / encephalitis', vi: 'Viêm màng não / viêm não' },
  { id: 'afp', en: 'Acute flaccid paralysis', vi: 'Liệt mềm cấp' },
  { id: 'jaundice_hepatitis', en: 'Acute jaundice / hepatitis', vi: 'Vàng da / viêm gan cấp' },
  { id: 'fever_unspecified', en: 'Fever, unspecified', vi: 'Sốt chưa rõ nguyên nhân' },
  // Group-A diseases (Law 03/2007/QH12 on prevention of infectious diseases, art. 3(1)(a);
  // reported case by case under Circular 54/2015/TT-BYT). They feed immediate rules: one case
  // alerts. Counted from ICD-10 codes only (see icd10-syndromes.ts), never from free text.
  { id: 'cholera', en: 'Cholera', vi: 'Bệnh tả' },
  { id: 'plague', en: 'Plague', vi: 'Bệnh dịch hạch' },
  {
    id: 'novel_influenza',
    en: 'Zoonotic or pandemic influenza (A/H5N1, A/H7N9, …)',
    vi: 'Cúm do vi rút cúm động vật hoặc đại dịch (A/H5N1, A/H7N9, …)',
  },
  {
    id: 'viral_haemorrhagic_fever',
    en: 'Viral haemorrhagic fever (Ebola, Marburg, Lassa, yellow fever)',
    vi: 'Sốt xuất huyết do vi rút (Ebola, Marburg, Lassa, sốt vàng)',
  },
  { id: 'smallpox', en: 'Smallpox', vi: 'Bệnh đậu mùa' },
  { id: 'sars', en: 'Severe acute respiratory syndrome (SARS)', vi: 'Viêm đường hô hấp cấp nặng do vi rút (SARS)' },
] as const;

/** Identifier of a clinical syndrome (from ICD-10 codes or the chief complaint). */
export type SyndromeId = (typeof SYNDROMES)[number]['id'];

/** Clinical syndrome ids in display order. */
export const SYNDROME_IDS: readonly SyndromeId[] = SYNDROMES.map((s) => s.id);

/**
 * Group-A diseases with a syndrome of their own (Law 03/2007/QH12 art. 3(1)(a)): counted so that
 * one case raises an immediate rule (alerts/rules.default.yaml). Their series are almost always
 * zero, so statistical detectors and the space-time scan gain nothing on them: leave them out of
 * the detectors' syndromes. Poliomyelitis is watched through `afp`, which stays statistical too.
 */
export const GROUP_A_SYNDROME_IDS: readonly SyndromeId[] = [
  'cholera',
  'plague',
  'novel_influenza',
  'viral_haemorrhagic_fever',
  'smallpox',
  'sars',
];
