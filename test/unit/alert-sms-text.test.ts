import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHORTENING_ORDER, alertSms, foldVietnamese, smsSize, type SmsFields } from '../../alerts/sms-text.ts';
import { BUNDLED_UNITS_CSV, parseUnitsCsv } from '../../schemas/units/registry.ts';
import { SYNDROME_IDS } from '../../schemas/code-tables/syndromes.ts';

const a = (n: number, ch = 'a'): string => ch.repeat(n);

describe('segment counting', () => {
  // [what, text, encoding, units, segments]
  const cases: [string, string, 'GSM-7' | 'UCS-2', number, number][] = [
    ['empty', '', 'GSM-7', 0, 1],
    ['160 GSM-7 characters: one segment', a(160), 'GSM-7', 160, 1],
    ['161: two segments of 153', a(161), 'GSM-7', 161, 2],
    ['306 = 2 × 153: two', a(306), 'GSM-7', 306, 2],
    ['307: three', a(307), 'GSM-7', 307, 3],
    ['158 + € (extension, 2 septets) = 160: one', `${a(158)}€`, 'GSM-7', 160, 1],
    ['159 + € = 161: two', `${a(159)}€`, 'GSM-7', 161, 2],
    ['every extension character counts 2', '^{}\\[~]|€', 'GSM-7', 18, 1],
    ['GSM-7 accented letters of the basic set count 1', 'àèéìòùÄÖÑÜäöñü', 'GSM-7', 14, 1],
    ['@, £, newline are basic', '@£\n', 'GSM-7', 3, 1],
    ['one Vietnamese letter makes it UCS-2', `${a(100)}ă`, 'UCS-2', 101, 2],
    ['70 UCS-2 code units: one segment', a(70, 'ư'), 'UCS-2', 70, 1],
    ['71: two segments of 67', a(71, 'ư'), 'UCS-2', 71, 2],
    ['134 = 2 × 67: two', a(134, 'ư'), 'UCS-2', 134, 2],
    ['135: three', a(135, 'ư'), 'UCS-2', 135, 3],
    ['an emoji is two UTF-16 code units', '😷', 'UCS-2', 2, 1],
    ['á (acute on a) is not in GSM-7, unlike é', 'á', 'UCS-2', 1, 1],
    // 306 septets would be two segments of 153, but the € cannot straddle them: three.
    ['an escape pair is not split across segments', `${a(152)}€${a(152)}`, 'GSM-7', 306, 3],
    ['the same length without the straddle: two', `${a(151)}€${a(153)}`, 'GSM-7', 306, 2],
    ['a surrogate pair is not split across UCS-2 segments', `${a(66, 'ư')}😷${a(66, 'ư')}`, 'UCS-2', 134, 3],
    ['… and without the straddle: two', `${a(65, 'ư')}😷${a(67, 'ư')}`, 'UCS-2', 134, 2],
  ];
  it.each(cases)('%s', (_what, text, encoding, units, segments) => {
    expect(smsSize(text)).toEqual({ encoding, units, segments });
  });
});

describe('folding Vietnamese to GSM-7', () => {
  it.each([
    ['Bắc Ninh', 'Bac Ninh'],
    ['Hưng Yên', 'Hung Yen'],
    ['Phường Đình Bảng', 'Phuong Dinh Bang'],
    ['Đắk Lắk', 'Dak Lak'],
    ['Thừa Thiên Huế', 'Thua Thien Hue'],
    ['CẢNH BÁO ĐỎ', 'CANH BAO DO'],
    ['ă â ê ô ơ ư đ Đ', 'a a e o o u d D'],
    ['ạ ả ã á à ặ ẳ ẵ ắ ằ ậ ẩ ẫ ấ ầ', 'a a a a a a a a a a a a a a a'],
    ['Nguyễn Thị Mỹ Hạnh', 'Nguyen Thi My Hanh'],
    ['Sốt xuất huyết – Dengue…', 'Sot xuat huyet - Dengue...'],
    ['中文', '??'],
  ])('%s → %s', (input, output) => {
    expect(foldVietnamese(input)).toBe(output);
    expect(smsSize(foldVietnamese(input)).encoding).toBe('GSM-7');
  });

  it('decomposed (NFD) input folds like composed (NFC) input', () => {
    const nfd = 'Phường Đình Bảng, Hưng Yên'.normalize('NFD');
    expect(nfd).not.toBe(nfd.normalize('NFC'));
    expect(foldVietnamese(nfd)).toBe('Phuong Dinh Bang, Hung Yen');
  });

  it('stripping combining marks alone is not enough: đ has none (negative control)', () => {
    const naive = 'Đình Bảng'.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    expect(naive).toBe('Đinh Bang');
    expect(smsSize(naive).encoding).toBe('UCS-2');
    expect(smsSize(foldVietnamese('Đình Bảng')).encoding).toBe('GSM-7');
  });

  it('every commune and province name of the bundled registry folds to its name_ascii', () => {
    const units = parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8'));
    expect(units.length).toBeGreaterThan(100);
    const wrong = units
      .filter((u) => foldVietnamese(u.name) !== u.nameAscii)
      .map((u) => `${u.name} → ${foldVietnamese(u.name)} ≠ ${u.nameAscii}`);
    expect(wrong).toEqual([]);
  });
});

describe('the alert SMS', () => {
  const uuid = '3f1c2a9e-7b4d-4c1e-9a2f-1d2e3f4a5b6c';
  const fields = (over: Partial<SmsFields> = {}): SmsFields => ({
    event: 'opened',
    level: 'red',
    syndrome: 'cholera',
    commune: 'An Lạc',
    communeType: 'xa',
    province: 'Bắc Ninh',
    observed: 1,
    expected: null,
    day: '2026-06-01',
    link: 'https://e.vn/a/1',
    ...over,
  });

  // 69 UTF-16 code units: only a text this short keeps its diacritics; with a real link
  // (below) Vietnamese SMS are always folded.
  it('short Vietnamese keeps its diacritics (UCS-2, one segment)', () => {
    const sms = alertSms(fields({ link: 'e.vn/a/1' }), 'vi');
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: 1, folded: false, shortened: [] });
    expect(sms.text).toBe('CẢNH BÁO ĐỎ: Bệnh tả, 1 ca, xã An Lạc, Bắc Ninh, 01/06/2026. e.vn/a/1');
    expect(sms.units).toBe(69);
    // 70 still fits; 71 no longer fits UCS-2, so the same text is folded instead.
    expect(alertSms(fields({ link: 'e.vn/a/12' }), 'vi')).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(alertSms(fields({ link: 'e.vn/a/123' }), 'vi')).toMatchObject({ encoding: 'GSM-7', folded: true, segments: 1 });
  });

  it('a real link does not fit UCS-2: folded to GSM-7, still one segment, nothing dropped', () => {
    const sms = alertSms(fields({ link: `https://ews.bacninh.gov.vn/alerts/${uuid}` }), 'vi');
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, folded: true, shortened: [] });
    expect(sms.text).toBe(`CANH BAO DO: Benh ta, 1 ca, xa An Lac, Bac Ninh, 01/06/2026. https://ews.bacninh.gov.vn/alerts/${uuid}`);
  });

  it('fields are shortened in the stated order, the link and the count kept', () => {
    const link = `https://canhbao-som.soyte.bacninh.gov.vn/ews/alerts/${uuid}`;
    const sms = alertSms(fields({ syndrome: 'meningitis_encephalitis', commune: 'Tây Yên Tử', expected: 2.4, observed: 5, link }), 'vi');
    expect(sms.segments).toBe(1);
    expect(sms.shortened).toEqual(SHORTENING_ORDER.slice(0, sms.shortened.length));
    expect(sms.shortened.length).toBeGreaterThan(0);
    expect(sms.text).toContain(link);
    expect(sms.text).toContain('5 ca');
    expect(sms.text).toContain('Tay Yen Tu');
  });

  it('when nothing fits, the shortest form goes out in several segments, link intact', () => {
    const link = `https://example.org/${a(150, 'x')}`;
    const sms = alertSms(fields({ link }), 'en');
    expect(sms.shortened).toEqual([...SHORTENING_ORDER]);
    expect(sms.segments).toBe(2);
    expect(sms.text.endsWith(link)).toBe(true);
  });

  it('every bundled commune, every syndrome, both languages, every event: one segment with a real link', () => {
    const units = parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8'));
    const link = `https://ews.bacninh.gov.vn/alerts/${uuid}`;
    const over: string[] = [];
    for (const u of units) {
      for (const syndrome of SYNDROME_IDS) {
        for (const lang of ['vi', 'en'] as const) {
          for (const event of ['opened', 'level_raised', 'escalated', 'outbreak_ended'] as const) {
            const sms = alertSms(
              fields({
                event,
                syndrome,
                commune: u.name,
                communeType: u.type,
                province: u.provinceName,
                observed: 123,
                expected: 45.6,
                link,
              }),
              lang,
            );
            if (sms.segments !== 1) over.push(`${lang} ${event} ${syndrome} ${u.name}: ${sms.units}`);
          }
        }
      }
    }
    expect(over).toEqual([]);
  });
});
