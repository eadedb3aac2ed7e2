/**
 * What the simulated hospitals see: baseline daily visits per 30,000 residents for each kind
 * of encounter, its seasonality over the year in northern Vietnam, and how it is coded.
 * Figures are illustrative, shaped on published patterns (dengue in the rainy season peaking
 * Sep–Nov, influenza-like illness in winter–spring, diarrhoea in summer, HFMD in spring and
 * autumn), not calibrated estimates.
 */
export interface VisitProfile {
  id: string;
  /** Mean visits per day per 30,000 residents at a seasonal factor of 1. */
  rate: number;
  /** Multiplier by month (Jan..Dec). */
  season: readonly number[];
  diagnoses: readonly (readonly string[])[];
  /** Complaints used when the hospital sends no diagnosis (Vietnamese, as typed at triage). */
  complaints: readonly string[];
  setting?: 'inpatient' | 'emergency';
  ageRange: readonly [number, number];
  /** Share of these visits with a lab test, and its LOINC code and positivity. */
  lab?: { share: number; code: string; positivity: number };
}

const flat = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

export const PROFILES: readonly VisitProfile[] = [
  {
    id: 'ili',
    rate: 1.2,
    season: [2.2, 2.4, 1.8, 1.2, 0.8, 0.7, 0.8, 0.9, 0.9, 1.0, 1.3, 1.8],
    diagnoses: [['J11.1'], ['J10.1'], ['J11.1', 'R50.9']],
    complaints: ['sốt, ho, đau họng', 'sot ho dau hong', 'ho, sổ mũi, sốt 38.5', 'cúm, đau mỏi người'],
    ageRange: [1, 80],
    lab: { share: 0.05, code: '34487-9', positivity: 0.4 },
  },
  {
    id: 'sari',
    rate: 0.12,
    season: [1.8, 1.8, 1.4, 1.1, 0.8, 0.7, 0.8, 0.8, 0.9, 1.0, 1.2, 1.5],
    diagnoses: [['J18.9'], ['J15.9'], ['J10.0']],
    complaints: [],
    setting: 'inpatient',
    ageRange: [0, 90],
  },
  {
    id: 'acute_diarrhoea',
    rate: 0.7,
    season: [0.6, 0.6, 0.7, 0.9, 1.3, 1.6, 1.7, 1.5, 1.1, 0.9, 0.7, 0.6],
    diagnoses: [['A09'], ['A09.0'], ['A08.0'], ['A04.9']],
    complaints: ['tiêu chảy', 'đi ngoài phân lỏng nhiều lần', 'tieu chay, non', 'đau bụng, tiêu chảy'],
    ageRange: [0, 85],
  },
  {
    id: 'dengue',
    rate: 0.05,
    season: [0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 5, 12, 16, 12, 4],
    diagnoses: [['A90'], ['A91'], ['A97.0'], ['A97.1']],
    complaints: ['sốt xuất huyết', 'sốt cao, phát ban, đau hốc mắt', 'sot xuat huyet'],
    ageRange: [5, 70],
    lab: { share: 0.5, code: '75377-2', positivity: 0.7 },
  },
  {
    id: 'hfmd',
    rate: 0.12,
    season: [0.5, 0.6, 1.2, 1.8, 1.6, 0.9, 0.6, 0.7, 1.4, 1.8, 1.3, 0.7],
    diagnoses: [['B08.4']],
    complaints: ['tay chân miệng', 'loét miệng, nổi bọng nước tay chân'],
    ageRange: [0, 6],
  },
  {
    id: 'fever_unspecified',
    rate: 0.5,
    season: [1.2, 1.2, 1.0, 0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.1],
    diagnoses: [['R50.9']],
    complaints: ['sốt', 'sốt cao 39 độ', 'fever'],
    ageRange: [0, 90],
  },
  {
    id: 'measles_rubella',
    rate: 0.01,
    season: [1.5, 2, 2, 1.5, 1, 0.6, 0.5, 0.5, 0.6, 0.8, 1, 1.2],
    diagnoses: [['B05.9'], ['B06.9']],
    complaints: ['sởi', 'sốt phát ban'],
    ageRange: [0, 30],
    lab: { share: 0.6, code: '21503-8', positivity: 0.6 },
  },
  {
    id: 'meningitis_encephalitis',
    rate: 0.02,
    season: [0.8, 0.8, 0.9, 1, 1.2, 1.5, 1.5, 1.2, 1, 0.9, 0.8, 0.8],
    diagnoses: [['G03.9'], ['A87.9'], ['G04.9']],
    complaints: [],
    setting: 'inpatient',
    ageRange: [0, 60],
  },
  {
    id: 'jaundice_hepatitis',
    rate: 0.04,
    season: flat,
    diagnoses: [['B15.9'], ['B16.9'], ['R17']],
    complaints: ['vàng da, vàng mắt'],
    ageRange: [10, 80],
  },
  {
    id: 'other',
    rate: 8,
    season: flat,
    diagnoses: [
      ['I10'],
      ['E11.9'],
      ['K29.7'],
      ['M54.5'],
      ['S61.0'],
      ['N39.0'],
      ['K21.9'],
      ['H10.9'],
      ['L30.9'],
      ['Z00.0'],
      ['I10', 'E78.5'],
    ],
    complaints: [
      'đau lưng',
      'khám sức khỏe định kỳ',
      'không sốt, đau bụng',
      'tăng huyết áp tái khám',
      'đau đầu, chóng mặt',
      'ho nhẹ, không sốt',
    ],
    ageRange: [0, 95],
  },
];

/** Visits by day of week (Sunday first): hospitals are busiest on Monday, quiet at weekends. */
export const DAY_OF_WEEK = [0.55, 1.3, 1.15, 1.05, 1.0, 1.0, 0.75] as const;
