/**
 * The words and formats of alert messages, in Vietnamese and English (./messages.ts,
 * ./sms-text.ts). Pure; dates are formatted in Asia/Ho_Chi_Minh whatever the host's zone.
 */
import { LAB_SERIES } from '../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROMES } from '../schemas/code-tables/syndromes.ts';
import { DATA_QUALITY_NAME, DATA_QUALITY_SERIES } from '../schemas/code-tables/syndrome-names.ts';

export type Language = 'vi' | 'en';
export type MessageLevel = 'red' | 'yellow';

const NAMES = new Map<string, { vi: string; en: string }>([
  ...SYNDROMES.map((s) => [s.id, { vi: s.vi, en: s.en }] as const),
  ...LAB_SERIES.map((s) => [s.id, { vi: s.vi, en: s.en }] as const),
  [DATA_QUALITY_SERIES, DATA_QUALITY_NAME],
]);

/** Short names for SMS, used only when the full name does not fit (see sms-text.ts). */
const SHORT = new Map<string, { vi: string; en: string }>([
  ['ili', { vi: 'Hội chứng cúm', en: 'ILI' }],
  ['sari', { vi: 'NKHHCT nặng', en: 'SARI' }],
  ['acute_diarrhoea', { vi: 'Tiêu chảy cấp', en: 'Acute diarrhoea' }],
  ['dengue', { vi: 'SXH Dengue', en: 'Dengue' }],
  ['hfmd', { vi: 'Tay chân miệng', en: 'HFMD' }],
  ['measles_rubella', { vi: 'Sởi/rubella', en: 'Measles/rubella' }],
  ['meningitis_encephalitis', { vi: 'Viêm màng não/viêm não', en: 'Meningitis/encephalitis' }],
  ['afp', { vi: 'Liệt mềm cấp', en: 'AFP' }],
  ['jaundice_hepatitis', { vi: 'Viêm gan cấp', en: 'Acute hepatitis' }],
  ['fever_unspecified', { vi: 'Sốt chưa rõ', en: 'Fever' }],
  ['cholera', { vi: 'Tả', en: 'Cholera' }],
  ['plague', { vi: 'Dịch hạch', en: 'Plague' }],
  ['novel_influenza', { vi: 'Cúm A động vật/đại dịch', en: 'Novel influenza' }],
  ['viral_haemorrhagic_fever', { vi: 'SXH do vi rút (Ebola…)', en: 'VHF (Ebola…)' }],
  ['smallpox', { vi: 'Đậu mùa', en: 'Smallpox' }],
  ['sars', { vi: 'SARS', en: 'SARS' }],
  ['lab_dengue', { vi: 'Dengue XN+', en: 'Dengue lab+' }],
  ['lab_influenza_a', { vi: 'Cúm A XN+', en: 'Flu A lab+' }],
  ['lab_influenza_b', { vi: 'Cúm B XN+', en: 'Flu B lab+' }],
  ['lab_measles', { vi: 'Sởi XN+', en: 'Measles lab+' }],
  ['lab_vibrio', { vi: 'Vibrio XN+', en: 'Vibrio lab+' }],
]);

/** Display name of a syndrome or laboratory series; the id itself when unknown. */
export const seriesName = (id: string, lang: Language): string => NAMES.get(id)?.[lang] ?? id;
export const seriesShortName = (id: string, lang: Language): string => SHORT.get(id)?.[lang] ?? seriesName(id, lang);

export const LEVEL_WORD: Record<Language, Record<MessageLevel, string>> = {
  vi: { red: 'ĐỎ', yellow: 'VÀNG' },
  en: { red: 'RED', yellow: 'YELLOW' },
};

/** Human name of a detector or rule (`algorithm` of a signal). */
export function algorithmName(algorithm: string, lang: Language): string {
  if (algorithm.startsWith('rule:')) return `${lang === 'vi' ? 'Quy tắc' : 'Rule'} ${algorithm.slice(5)}`;
  if (algorithm.startsWith('ears_')) return `EARS ${algorithm.slice(5).toUpperCase()}`;
  if (algorithm.startsWith('farrington')) return algorithm === 'farrington' ? 'Farrington' : `Farrington (${algorithm.slice(11)})`;
  if (algorithm === 'space_time_permutation_scan') return lang === 'vi' ? 'Quét cụm không gian – thời gian' : 'Space-time permutation scan';
  const known: Record<string, string> = {
    essence: 'ESSENCE',
    ewma: 'EWMA',
    noufaily: 'Noufaily',
    regression: lang === 'vi' ? 'Hồi quy' : 'Regression',
  };
  return known[algorithm] ?? algorithm;
}

/** 3.4 → "3,4" in Vietnamese, "3.4" in English; at most `digits` decimals, none when whole. */
export function formatNumber(n: number, lang: Language, digits = 1): string {
  const s = Number.isInteger(n) ? String(n) : n.toFixed(digits).replace(/\.?0+$/, '');
  return lang === 'vi' ? s.replace('.', ',') : s;
}

/** p-values to three decimals, "< 0.001" below that. */
export function formatP(p: number, lang: Language): string {
  const s = p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
  return lang === 'vi' ? s.replace('.', ',') : s;
}

/** "2026-06-01" → "01/06/2026" (both languages: the Vietnamese order, unambiguous with the year). */
export function formatDay(day: string, withYear = true): string {
  const [y, m, d] = day.split('-');
  return withYear ? `${d}/${m}/${y}` : `${d}/${m}`;
}

const VN_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as "14:05 01/06/2026" in Vietnam time (UTC+7). */
export function formatInstant(iso: string): string {
  const parts = Object.fromEntries(VN_TIME.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

/** Centrally governed cities are "thành phố", the other provinces "tỉnh". */
const CITIES = new Set(['Hà Nội', 'Hồ Chí Minh', 'Hải Phòng', 'Đà Nẵng', 'Cần Thơ', 'Huế']);

export interface PlaceNames {
  /** Commune-level unit name without its prefix, e.g. "Đình Bảng"; absent for a province alert. */
  readonly commune?: string | undefined;
  readonly communeType?: 'phuong' | 'xa' | undefined;
  readonly province: string;
  /** Number of communes of a space-time cluster (its centre is `commune`). */
  readonly clusterSize?: number | undefined;
}

/** "phường Đình Bảng, tỉnh Bắc Ninh" / "Đình Bảng Ward, Bắc Ninh Province". */
export function placeText(p: PlaceNames, lang: Language, short = false): string {
  const city = CITIES.has(p.province);
  const province = short
    ? p.province
    : lang === 'vi'
      ? `${city ? 'thành phố' : 'tỉnh'} ${p.province}`
      : `${p.province} ${city ? 'City' : 'Province'}`;
  if (p.commune === undefined) return province;
  const unit =
    lang === 'vi'
      ? `${p.communeType === 'phuong' ? 'phường' : 'xã'} ${p.commune}`
      : `${p.commune} ${p.communeType === 'phuong' ? 'Ward' : 'Commune'}`;
  const cluster =
    p.clusterSize !== undefined && p.clusterSize > 1
      ? lang === 'vi'
        ? `cụm ${p.clusterSize} xã/phường quanh ${unit}`
        : `cluster of ${p.clusterSize} communes around ${unit}`
      : unit;
  return `${cluster}, ${province}`;
}
