/**
 * Chief-complaint vocabulary: which words mean which clinical concept, in Vietnamese and
 * English. Concepts are combined into syndromes by chief-complaint-rules.ts (the ESSENCE
 * design: free text → concepts → syndrome rules).
 *
 * How terms match (so reviewers can predict it):
 * - Case is ignored; matching is on whole words, so "sot" never matches inside "sotalol".
 * - Text typed WITHOUT diacritics matches by letters only: "sot" = "sốt", "tieu chay" =
 *   "tiêu chảy", "d" = "đ".
 * - Text typed WITH diacritics must carry the same marks (the tone may sit on either vowel,
 *   "hoà" = "hòa"): "sót" (left behind) and "sỏi" (stone) do not match "sốt" / "sởi".
 * - Where several terms start at the same word, the longest wins and its words are used up:
 *   "sốt xuất huyết" is dengue, not also "sốt".
 * - Terms never span punctuation, except those marked `crossesCommas`.
 */

/** A term: the text, or the text with matching options. */
export type ComplaintTerm =
  | string
  | {
      readonly text: string;
      /** Unaccented text does not match: the bare letters are another common word. */
      readonly accentedOnly?: true;
      /** The term may span commas, as in "hand, foot and mouth". */
      readonly crossesCommas?: true;
      readonly note?: string;
    };

/** One concept: a label for reviewers and the terms that mean it. */
export interface ComplaintConcept {
  readonly label: string;
  readonly terms: readonly ComplaintTerm[];
}

export const COMPLAINT_CONCEPTS = {
  fever: {
    label: 'Fever (sốt)',
    terms: [
      'sốt',
      'sốt rét run',
      { text: 'st', note: 'Clinicians\' abbreviation of sốt ("st cao 39 độ"); "đoạn ST" / "ST chênh" of ECGs are ignored' },
      'fever',
      'fevers',
      'feverish',
      'febrile',
      'pyrexia',
      'high temperature',
    ],
  },
  malaria: {
    // Kept apart so "sốt rét" (malaria) is neither fever_unspecified nor missed as "sốt";
    // no syndrome uses it yet.
    label: 'Malaria (sốt rét)',
    terms: ['sốt rét', 'malaria'],
  },
  cough: { label: 'Cough (ho)', terms: ['ho', 'ho khan', 'ho đờm', 'ho có đờm', 'ho đàm', 'ho có đàm', 'cough', 'coughs', 'coughing'] },
  sore_throat: {
    label: 'Sore throat (đau họng)',
    terms: ['đau họng', 'viêm họng', 'rát họng', 'sore throat', 'throat pain', 'pharyngitis'],
  },
  influenza: {
    label: 'Influenza named (cúm)',
    terms: ['cúm', 'hội chứng cúm', 'flu', 'influenza', 'ili', 'h1n1', 'h3n2', 'h5n1'],
  },
  sari_named: {
    label: 'SARI named',
    terms: ['sari', 'nhiễm trùng hô hấp cấp tính nặng', 'severe acute respiratory infection'],
  },
  diarrhoea: {
    label: 'Diarrhoea (tiêu chảy)',
    terms: [
      'tiêu chảy',
      'ỉa chảy',
      'ỉa lỏng',
      'đi lỏng',
      'đi ngoài lỏng',
      'đi ngoài phân lỏng',
      'đi ngoài ra nước',
      'đi ngoài toàn nước',
      'ỉa nhiều lần',
      'đi ngoài nhiều lần',
      'đi cầu lỏng',
      'đi cầu nhiều lần',
      'đi tiêu lỏng',
      'tiêu lỏng',
      'phân lỏng',
      'phân toé nước',
      'kiết lỵ',
      'hội chứng lỵ',
      'bệnh tả',
      'dịch tả',
      'viêm dạ dày ruột',
      'diarrhea',
      'diarrhoea',
      'loose stool',
      'loose stools',
      'watery stool',
      'watery stools',
      'dysentery',
      'gastroenteritis',
      'cholera',
    ],
  },
  dengue: {
    label: 'Dengue named (sốt xuất huyết)',
    terms: [
      'sốt xuất huyết',
      'sxh',
      { text: 'sxhd', note: 'sốt xuất huyết Dengue' },
      { text: 'sốt xh', note: 'xh: xuất huyết' },
      'sốt dengue',
      'xuất huyết dengue',
      'dengue',
      'dhf',
    ],
  },
  hfmd: {
    label: 'Hand, foot and mouth disease named (tay chân miệng)',
    terms: [
      'tay chân miệng',
      { text: 'tcm', note: 'Standard Vietnamese abbreviation of tay chân miệng' },
      'hfmd',
      { text: 'hand foot and mouth', crossesCommas: true },
      { text: 'hand foot mouth', crossesCommas: true },
    ],
  },
  measles: {
    label: 'Measles / rubella named (sởi)',
    terms: [
      { text: 'sởi', accentedOnly: true, note: 'Unaccented "soi" is far more often sỏi (stone) or nội soi (endoscopy)' },
      'measles',
      'rubella',
      'rubeola',
      'german measles',
    ],
  },
  rash: {
    label: 'Rash (phát ban)',
    terms: [
      'phát ban',
      'nổi ban',
      'ban đỏ',
      'ban dát sẩn',
      'nổi mẩn',
      'nổi mẩn đỏ',
      { text: 'ban dạng sởi', note: 'Morbilliform rash: a rash, not measles named' },
      'rash',
      'maculopapular rash',
      'exanthem',
    ],
  },
  coryza: {
    label: 'Runny nose (sổ mũi)',
    terms: ['sổ mũi', 'chảy nước mũi', 'chảy mũi', 'runny nose', 'coryza', 'rhinorrhea', 'rhinorrhoea'],
  },
  conjunctivitis: {
    label: 'Red eyes (đỏ mắt)',
    terms: ['viêm kết mạc', 'đỏ mắt', 'mắt đỏ', 'conjunctivitis', 'red eye', 'red eyes'],
  },
  meningitis_encephalitis: {
    label: 'Meningitis / encephalitis named (viêm màng não, viêm não)',
    terms: [
      'viêm màng não',
      'viêm não',
      'viêm não màng não',
      'viêm não nhật bản',
      { text: 'vnnb', note: 'viêm não Nhật Bản' },
      { text: 'vmn', note: 'viêm màng não' },
      'não mô cầu',
      'meningitis',
      'encephalitis',
      'meningoencephalitis',
      'meningococcal',
    ],
  },
  meningeal_signs: {
    label: 'Meningeal signs (cứng gáy)',
    terms: ['cứng gáy', 'dấu hiệu màng não', 'hội chứng màng não', 'nuchal rigidity', 'meningism', 'meningismus'],
  },
  neck_stiffness: {
    // English "stiff neck" is mostly muscular; it counts only together with fever.
    label: 'Stiff neck (lay wording)',
    terms: ['stiff neck', 'neck stiffness'],
  },
  seizure: {
    label: 'Seizure (co giật)',
    terms: ['co giật', 'lên cơn giật', 'seizure', 'seizures', 'convulsion', 'convulsions'],
  },
  altered_consciousness: {
    label: 'Altered consciousness (lơ mơ, hôn mê, li bì)',
    terms: [
      'lơ mơ',
      'hôn mê',
      'li bì',
      'lừ đừ',
      'rối loạn ý thức',
      'giảm ý thức',
      'lú lẫn',
      'confusion',
      'confused',
      'altered mental status',
      'altered consciousness',
      'coma',
      'comatose',
      'lethargic',
      'lethargy',
      'drowsy',
      'obtunded',
      'unresponsive',
    ],
  },
  flaccid_paralysis: {
    label: 'Acute flaccid paralysis (liệt mềm cấp)',
    terms: [
      'liệt mềm cấp',
      'liệt mềm',
      'acute flaccid paralysis',
      'flaccid paralysis',
      'acute flaccid myelitis',
      'guillain barré',
      'guillain barre',
    ],
  },
  polio: { label: 'Polio named (bại liệt)', terms: ['bại liệt', 'polio', 'poliomyelitis'] },
  jaundice: {
    label: 'Jaundice (vàng da)',
    terms: [
      'vàng da',
      'vàng mắt',
      'vàng da vàng mắt',
      'củng mạc vàng',
      'jaundice',
      'jaundiced',
      'icterus',
      'icteric',
      'yellow eyes',
      'yellow skin',
    ],
  },
  acute_hepatitis: {
    // "viêm gan B/C" alone is left out: in Vietnam those are mostly chronic follow-up visits.
    label: 'Acute hepatitis named (viêm gan cấp, A, E)',
    terms: ['viêm gan cấp', 'viêm gan virus cấp', 'viêm gan a', 'viêm gan e', 'acute hepatitis', 'hepatitis a', 'hepatitis e'],
  },
} as const satisfies Record<string, ComplaintConcept>;

/** Identifier of a chief-complaint concept. */
export type ComplaintConceptId = keyof typeof COMPLAINT_CONCEPTS;

/**
 * Words that change what follows or precedes them. A concept is discarded when it starts
 * within `preScopeWords` words after a pre-cue, or ends within `postScopeWords` words before
 * a post-cue; a scope ends early at any punctuation or at a scope terminator.
 */
export interface ComplaintCues {
  /** "không sốt", "no fever": the concept is absent. */
  readonly negationPre: readonly ComplaintTerm[];
  /** "tiền sử sốt xuất huyết", "tiếp xúc người bị sởi": about the past or someone else. */
  readonly contextPre: readonly ComplaintTerm[];
  /** "cúm âm tính", "fever resolved". */
  readonly negationPost: readonly ComplaintTerm[];
  /** Either side: "đã hết sốt" and "sốt đã hết" (fever gone). */
  readonly negationBoth: readonly ComplaintTerm[];
  /** Look like a cue but are not: "sốt không hạ" (fever not going down). */
  readonly pseudoNegation: readonly ComplaintTerm[];
  /** Conjunctions that end a negation scope: "không sốt và ho" → cough counts. */
  readonly scopeTerminators: readonly ComplaintTerm[];
  /** Phrases that contain a term's words but mean something else: "sót rau" (retained placenta). */
  readonly ignore: readonly ComplaintTerm[];
  readonly preScopeWords: number;
  readonly postScopeWords: number;
}

export const COMPLAINT_CUES: ComplaintCues = {
  negationPre: [
    'không',
    'ko',
    'k',
    'kh',
    'chưa',
    'hết',
    'phủ nhận',
    'loại trừ',
    'no',
    'not',
    'denies',
    'denied',
    'deny',
    'without',
    'negative for',
    'free of',
    'absence of',
  ],
  contextPre: [
    'tiền sử',
    'tiền căn',
    'di chứng',
    'tiếp xúc',
    'tiêm phòng',
    'tiêm chủng',
    'vắc xin',
    'vacxin',
    'history of',
    'sequelae of',
    'contact with',
    'exposure to',
    'exposed to',
    'vaccine',
    'vaccination',
  ],
  negationPost: ['âm tính', 'negative', 'neg', 'resolved', 'ruled out'],
  negationBoth: ['đã hết', 'đã khỏi', 'hết hẳn', 'khỏi hẳn'],
  pseudoNegation: [
    'không rõ',
    'không thể',
    'không đỡ',
    'không giảm',
    'không hạ',
    'không dứt',
    'không cắt',
    'không khỏi',
    'chưa rõ',
    'chưa đỡ',
    'chưa giảm',
    'chưa hạ',
    'chưa khỏi',
    // "hết thuốc hạ sốt": ran out of fever medicine, which says there is fever.
    'hết thuốc',
    { text: 'nó bị', note: 'Unaccented "no bi sot" is "nó bị sốt" (he has fever), not English "no"' },
    'no improvement',
    'not improving',
    'not improved',
    'no relief',
    'not only',
  ],
  scopeTerminators: [
    'và',
    'nhưng',
    'còn',
    'kèm',
    'kèm theo',
    'tuy nhiên',
    'sau đó',
    'and',
    'but',
    'with',
    'however',
    'although',
    'though',
    'plus',
    'then',
  ],
  ignore: [
    // "sót" (left behind) written without diacritics reads as "sot".
    'bỏ sót',
    'sót rau',
    'sót nhau',
    'sót thai',
    'sót lại',
    // "họ" (family name), "hô hấp" (respiratory), "Hồ" (place) without diacritics read as "ho".
    'họ tên',
    'họ và tên',
    'hô hấp',
    'hồ chí minh',
    // Vaccination visits name the disease they prevent.
    'tiêm cúm',
    'tiêm sởi',
    'flu shot',
    'flu vaccine',
    'flu vaccination',
    'influenza vaccine',
    'influenza vaccination',
    'measles vaccine',
    'measles vaccination',
    'stomach flu',
    // Jaundice that R17 excludes: newborn and obstructive.
    'vàng da sơ sinh',
    'vàng da sinh lý',
    'vàng da tắc mật',
    'neonatal jaundice',
    'physiological jaundice',
    // Stroke wording contains "tay chân miệng": "tê tay chân miệng méo".
    'tê tay chân',
    // ECG wording: "đoạn ST chênh lên" is no fever.
    'đoạn st',
    'st chênh',
    'tê bì tay chân',
    'yếu tay chân',
    'liệt tay chân',
  ],
  preScopeWords: 5,
  postScopeWords: 3,
};
