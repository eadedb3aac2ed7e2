/**
 * SMS text: segment counting (GSM 03.38 / 3GPP TS 23.038) and the fitting of an alert into
 * one segment where possible. Pure.
 *
 * A segment holds 160 GSM-7 septets, or 70 UCS-2 (UTF-16) code units; a longer text is sent
 * as concatenated segments of 153 septets or 67 code units (the user-data header takes the
 * rest). Characters of the GSM-7 extension table (^ { } \ [ ~ ] | € and form feed) take two
 * septets (escape + character). One character outside GSM-7 makes the whole text UCS-2.
 */
import { LEVEL_WORD, formatDay, formatNumber, seriesName, seriesShortName, type Language } from './message-words.ts';

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export interface SmsSize {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly units: number;
  readonly segments: number;
}

/**
 * The encoding a text needs, its length in that encoding and how many segments it takes.
 * Segments of a long text are packed greedily without splitting an escape pair (GSM-7
 * extension character) or a surrogate pair (UCS-2), as handsets and gateways do.
 */
export function smsSize(text: string): SmsSize {
  const costs: number[] = [];
  let gsm = true;
  for (const ch of text) {
    if (BASIC.has(ch)) costs.push(1);
    else if (EXTENSION.has(ch)) costs.push(2);
    else gsm = false;
    if (!gsm) break;
  }
  if (!gsm) {
    const ucs: number[] = [];
    for (const ch of text) ucs.push(ch.length);
    return { encoding: 'UCS-2', ...pack(ucs, 70, 67) };
  }
  return { encoding: 'GSM-7', ...pack(costs, 160, 153) };
}

/** Total units, and segments: one if the total fits `single`, else greedy packs of `multi`. */
function pack(costs: readonly number[], single: number, multi: number): { units: number; segments: number } {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= single) return { units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > multi) {
      segments++;
      used = 0;
    }
    used += c;
  }
  return { units, segments };
}

/**
 * Vietnamese without diacritics: đ → d, Đ → D, every tone and vowel mark removed (the text
 * is decomposed, combining marks U+0300–U+036F dropped, then recomposed), so composed and
 * decomposed input fold the same. Characters still outside GSM-7 become "?".
 */
export function foldVietnamese(text: string): string {
  const folded = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[–—]/g, '-')
    .replace(/…/g, '...')
    .normalize('NFC');
  let out = '';
  for (const ch of folded) out += BASIC.has(ch) || EXTENSION.has(ch) ? ch : '?';
  return out;
}

export type SmsEvent = 'opened' | 'level_raised' | 'escalated' | 'outbreak_ended';

export interface SmsFields {
  readonly event: SmsEvent;
  readonly level: 'red' | 'yellow';
  readonly syndrome: string;
  readonly commune?: string | undefined;
  readonly communeType?: 'phuong' | 'xa' | undefined;
  readonly province: string;
  readonly observed: number;
  readonly expected: number | null;
  /** Last day of the alert, YYYY-MM-DD (local). */
  readonly day: string;
  readonly link: string;
}

export interface SmsText extends SmsSize {
  readonly text: string;
  /** Diacritics removed (Vietnamese folded to fit GSM-7). */
  readonly folded: boolean;
  /** Shortening steps applied, in order (see {@link SHORTENING_ORDER}). */
  readonly shortened: readonly ShorteningStep[];
}

/**
 * What is given up, in this order, until the text fits one segment: the expected count, the
 * year of the date, the province, the full syndrome name (for its short name), the "phường /
 * xã" word (for "P." / "X."). The level, the syndrome, the commune, the count and the link
 * are never dropped; a text that still does not fit is sent in several segments.
 */
export const SHORTENING_ORDER = ['expected', 'year', 'province', 'short_name', 'unit_word'] as const;
export type ShorteningStep = (typeof SHORTENING_ORDER)[number];

const HEAD: Record<Language, Record<SmsEvent, (level: string) => string>> = {
  vi: {
    opened: (l) => `CẢNH BÁO ${l}`,
    level_raised: (l) => `NÂNG MỨC ${l}`,
    escalated: (l) => `CẢNH BÁO ${l} CHƯA XỬ LÝ`,
    outbreak_ended: () => 'CÔNG BỐ HẾT DỊCH',
  },
  en: {
    opened: (l) => `${l} ALERT`,
    level_raised: (l) => `RAISED TO ${l}`,
    escalated: (l) => `UNACKNOWLEDGED ${l} ALERT`,
    outbreak_ended: () => 'OUTBREAK ENDED',
  },
};

function compose(f: SmsFields, lang: Language, steps: ReadonlySet<ShorteningStep>): string {
  const vi = lang === 'vi';
  const name = steps.has('short_name') ? seriesShortName(f.syndrome, lang) : seriesName(f.syndrome, lang);
  const cases = `${f.observed} ${vi ? 'ca' : f.observed === 1 ? 'case' : 'cases'}`;
  const expected =
    steps.has('expected') || f.expected === null ? '' : ` (${vi ? 'kỳ vọng' : 'expected'} ${formatNumber(f.expected, lang)})`;
  const unitWord = (full: string, short: string): string => (steps.has('unit_word') ? short : full);
  const commune =
    f.commune === undefined
      ? ''
      : vi
        ? `${f.communeType === 'phuong' ? unitWord('phường ', 'P.') : unitWord('xã ', 'X.')}${f.commune}`
        : `${f.commune}${f.communeType === 'phuong' ? unitWord(' Ward', '') : unitWord(' Commune', '')}`;
  const place = [commune, steps.has('province') && commune !== '' ? '' : f.province].filter((s) => s !== '').join(', ');
  const head = HEAD[lang][f.event](LEVEL_WORD[lang][f.level]);
  return `${head}: ${name}, ${cases}${expected}, ${place}, ${formatDay(f.day, !steps.has('year'))}. ${f.link}`;
}

/**
 * The SMS for an alert event: the full text if it fits one segment (UCS-2 when it has
 * diacritics), else folded to GSM-7 without diacritics, else shortened in
 * {@link SHORTENING_ORDER} until it fits; the shortest form when nothing fits.
 */
export function alertSms(fields: SmsFields, lang: Language): SmsText {
  const steps = new Set<ShorteningStep>();
  const full = compose(fields, lang, steps);
  const fullSize = smsSize(full);
  if (fullSize.segments === 1) return { text: full, folded: false, shortened: [], ...fullSize };
  let text = foldVietnamese(full);
  for (const step of [undefined, ...SHORTENING_ORDER]) {
    if (step !== undefined) steps.add(step);
    text = foldVietnamese(compose(fields, lang, steps));
    if (smsSize(text).segments === 1) break;
  }
  return { text, folded: true, shortened: [...steps], ...smsSize(text) };
}
