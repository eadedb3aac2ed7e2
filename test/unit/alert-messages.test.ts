import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { alertLink, evidenceFromSignal, placeNamesOf, renderAlertMessage, type AlertMessageInput } from '../../alerts/messages.ts';
import { BUNDLED_UNITS_CSV, createUnitRegistry, parseUnitsCsv } from '../../schemas/units/registry.ts';
import { formatInstant, formatNumber, formatP, placeText } from '../../alerts/message-words.ts';

const BASE = 'https://ews.bacninh.gov.vn/';
const ID = '3f1c2a9e-7b4d-4c1e-9a2f-1d2e3f4a5b6c';

const input = (over: Partial<AlertMessageInput> = {}): AlertMessageInput => ({
  event: 'opened',
  alert_id: ID,
  syndrome: 'dengue',
  level: 'red',
  place: { commune: 'Đình Bảng', communeType: 'phuong', province: 'Bắc Ninh' },
  first_day: '2026-05-29',
  last_day: '2026-06-01',
  at: '2026-06-01T07:05:00Z',
  observed: 12,
  expected: 3.4,
  evidence: [
    { algorithm: 'ears_c2', series: 'dengue', day: '2026-06-01', observed: 12, expected: 3.4, threshold: 8.1, p_value: 0.0031 },
    {
      algorithm: 'rule:measles-confirmed-cluster',
      series: 'lab_measles',
      place: { province: 'Hưng Yên' },
      day: '2026-06-01',
      observed: 3,
      expected: null,
      threshold: 3,
      p_value: null,
    },
  ],
  ...over,
});

describe('the Vietnamese email', () => {
  const m = renderAlertMessage(input(), 'vi', BASE);

  it('has a subject with the level, what, where and the day', () => {
    expect(m.subject).toBe('[Cảnh báo ĐỎ] Sốt xuất huyết Dengue - phường Đình Bảng, tỉnh Bắc Ninh - 01/06/2026');
  });

  it('says what, where, when, observed against expected, the level, the evidence and the link', () => {
    expect(m.text).toBe(
      [
        'Hệ thống cảnh báo sớm đã mở một cảnh báo mới.',
        '',
        'Bệnh/hội chứng: Sốt xuất huyết Dengue',
        'Địa bàn: phường Đình Bảng, tỉnh Bắc Ninh',
        'Thời gian: từ 29/05/2026 đến 01/06/2026',
        'Mức cảnh báo: ĐỎ',
        'Ghi nhận 12 ca, kỳ vọng 3,4 ca',
        'Cập nhật lúc 14:05 ngày 01/06/2026 (giờ Việt Nam)',
        '',
        'Bằng chứng:',
        '- EARS C2 · Sốt xuất huyết Dengue, 01/06/2026: ghi nhận 12, kỳ vọng 3,4, ngưỡng 8,1, p = 0,003',
        '- Quy tắc measles-confirmed-cluster · Vi rút sởi, xét nghiệm dương tính, tỉnh Hưng Yên, 01/06/2026: ghi nhận 3, ngưỡng 3',
        '',
        `Xem chi tiết và xử lý cảnh báo: https://ews.bacninh.gov.vn/alerts/${ID}`,
        '',
      ].join('\n'),
    );
  });

  it('is NFC text with its diacritics', () => {
    expect(m.text).toBe(m.text.normalize('NFC'));
    expect(m.subject).toMatch(/Cảnh báo ĐỎ/);
  });

  it('has a one-line webhook summary and an SMS with the link', () => {
    expect(m.summary).toBe(
      `[Cảnh báo ĐỎ] Sốt xuất huyết Dengue - phường Đình Bảng, tỉnh Bắc Ninh: Ghi nhận 12 ca, kỳ vọng 3,4 ca. ${m.link}`,
    );
    expect(m.summary).not.toContain('\n');
    expect(m.sms.segments).toBe(1);
    expect(m.sms.text).toContain(m.link);
  });
});

describe('the English email', () => {
  const m = renderAlertMessage(input(), 'en', BASE);
  it('names the syndrome in English and keeps the place names as written', () => {
    expect(m.subject).toBe('[RED alert] Dengue - Đình Bảng Ward, Bắc Ninh Province - 01/06/2026');
    expect(m.text).toContain('Observed 12, expected 3.4\n');
    expect(m.text).toContain('Updated 14:05 01/06/2026 (Vietnam time, UTC+7)');
    expect(m.text).toContain('- EARS C2 · Dengue, 01/06/2026: observed 12, expected 3.4, threshold 8.1, p = 0.003');
    expect(m.text).toContain(
      '- Rule measles-confirmed-cluster · Measles virus, positive test, Hưng Yên Province, 01/06/2026: observed 3, threshold 3',
    );
  });
});

describe('each event has its own subject and lead', () => {
  // [event, extra input, language, subject start, lead]
  const cases: [AlertMessageInput['event'], Partial<AlertMessageInput>, 'vi' | 'en', string, string][] = [
    ['opened', { level: 'yellow' }, 'vi', '[Cảnh báo VÀNG]', 'Hệ thống cảnh báo sớm đã mở một cảnh báo mới.'],
    [
      'level_raised',
      { previous_level: 'yellow' },
      'vi',
      '[Nâng mức cảnh báo ĐỎ]',
      'Mức cảnh báo được nâng từ VÀNG lên ĐỎ do có thêm bằng chứng.',
    ],
    [
      'level_raised',
      { previous_level: 'yellow' },
      'en',
      '[Alert raised to RED]',
      'The alert was raised from YELLOW to RED as evidence grew.',
    ],
    [
      'escalated',
      {},
      'vi',
      '[Chuyển cấp - cảnh báo ĐỎ chưa được xử lý]',
      'Cảnh báo ĐỎ chưa được tiếp nhận sau 2 giờ; chuyển lên lãnh đạo tuyến tỉnh.',
    ],
    ['escalated', { unacknowledged_minutes: 90 }, 'vi', '[Chuyển cấp', 'sau 90 phút;'],
    [
      'escalated',
      { unacknowledged_minutes: 180 },
      'en',
      '[Escalated - RED alert not acknowledged]',
      'not acknowledged within 3 h; escalated to the province head.',
    ],
    ['outbreak_ended', { declared_by: 'BS. Nguyễn Văn An' }, 'vi', '[Đã công bố kết thúc dịch]', 'Đã công bố kết thúc dịch'],
    ['outbreak_ended', {}, 'en', '[Outbreak declared over]', 'Outbreak declared over: the outbreak behind this alert has ended.'],
  ];
  it.each(cases)('%s %j (%s)', (event, over, lang, subject, lead) => {
    const m = renderAlertMessage(input({ event, ...over }), lang, BASE);
    expect(m.subject.startsWith(subject)).toBe(true);
    expect(m.text.split('\n')[0]).toContain(lead);
    expect(m.text).toContain(m.link);
  });

  it('the declaration names who declared it', () => {
    const m = renderAlertMessage(
      input({ event: 'outbreak_ended', declared_by: 'BS. Nguyễn Văn An', note: 'Không ghi nhận ca mới sau 2 thời kỳ ủ bệnh' }),
      'vi',
      BASE,
    );
    expect(m.text).toContain('Người công bố: BS. Nguyễn Văn An\n');
    expect(m.text).toContain('Ghi chú: Không ghi nhận ca mới sau 2 thời kỳ ủ bệnh\n');
    expect(m.text).toMatch(/Công bố lúc \d\d:\d\d ngày/);
    expect(m.text).not.toContain('Cập nhật lúc');
  });
});

describe('formats', () => {
  it.each([
    ['2026-06-01T07:05:00Z', '14:05 01/06/2026'],
    // 17:30 UTC is already the next day in Vietnam: a UTC formatter would say 17:30 01/06.
    ['2026-06-01T17:30:00Z', '00:30 02/06/2026'],
    ['2026-12-31T16:59:59Z', '23:59 31/12/2026'],
    ['2026-12-31T17:00:00Z', '00:00 01/01/2027'],
  ])('%s → %s in Asia/Ho_Chi_Minh', (iso, local) => {
    expect(formatInstant(iso)).toBe(local);
  });

  it.each([
    [3.4, 'vi', '3,4'],
    [3.4, 'en', '3.4'],
    [12, 'vi', '12'],
    [2.0, 'en', '2'],
    [21.26, 'vi', '21,3'],
    [0.04, 'en', '0'],
  ] as const)('%s in %s → %s', (n, lang, s) => {
    expect(formatNumber(n, lang)).toBe(s);
  });

  it.each([
    [0.0031, 'vi', '= 0,003'],
    [0.01, 'en', '= 0.010'],
    [0.001, 'en', '= 0.001'],
    [0.00099, 'en', '< 0.001'],
  ] as const)('p %s in %s → %s', (p, lang, s) => {
    expect(formatP(p, lang)).toBe(s);
  });

  it.each([
    [{ province: 'Hưng Yên' }, 'vi', 'tỉnh Hưng Yên'],
    [{ province: 'Hà Nội' }, 'vi', 'thành phố Hà Nội'],
    [{ province: 'Hà Nội' }, 'en', 'Hà Nội City'],
    [{ commune: 'Đại Sơn', communeType: 'xa', province: 'Bắc Ninh' }, 'vi', 'xã Đại Sơn, tỉnh Bắc Ninh'],
    [{ commune: 'Đại Sơn', communeType: 'xa', province: 'Bắc Ninh' }, 'en', 'Đại Sơn Commune, Bắc Ninh Province'],
    [
      { commune: 'Đình Bảng', communeType: 'phuong', province: 'Bắc Ninh', clusterSize: 4 },
      'vi',
      'cụm 4 xã/phường quanh phường Đình Bảng, tỉnh Bắc Ninh',
    ],
    [{ commune: 'Đình Bảng', communeType: 'phuong', province: 'Bắc Ninh', clusterSize: 1 }, 'en', 'Đình Bảng Ward, Bắc Ninh Province'],
  ] as const)('%j in %s → %s', (place, lang, s) => {
    expect(placeText(place, lang)).toBe(s);
  });

  it('links: the base URL trailing slashes ignored, the id encoded', () => {
    expect(alertLink('https://x.vn', 'a1')).toBe('https://x.vn/alerts/a1');
    expect(alertLink('https://x.vn/ews//', 'a/1 b')).toBe('https://x.vn/ews/alerts/a%2F1%20b');
  });

  it('an unknown series id is shown as the id, not dropped', () => {
    const m = renderAlertMessage(input({ syndrome: 'lab_enterovirus_a71', evidence: [] }), 'en', BASE);
    expect(m.subject).toContain('lab_enterovirus_a71');
    expect(m.text).not.toContain('Evidence:');
  });
});

describe('names from the unit registry', () => {
  const units = createUnitRegistry(parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8')));
  it.each([
    [
      { area_level: 'commune', commune_code: '07627' },
      { commune: 'Đại Sơn', communeType: 'xa', province: 'Bắc Ninh', clusterSize: undefined },
    ],
    [{ area_level: 'province', commune_code: '24' }, { province: 'Bắc Ninh' }],
    [
      { area_level: 'cluster', commune_code: '07627', cluster_communes: ['07627', '07615', '07616'] },
      { commune: 'Đại Sơn', communeType: 'xa', province: 'Bắc Ninh', clusterSize: 3 },
    ],
    [
      { area_level: 'commune', commune_code: '99999' },
      { commune: '99999', province: '?', clusterSize: undefined },
    ],
    [{ area_level: 'province', commune_code: '99' }, { province: '99' }],
  ] as const)('%j', (area, names) => {
    expect(placeNamesOf(units, area)).toEqual(names);
  });

  it('a signal becomes a line of evidence', () => {
    const e = evidenceFromSignal({
      syndrome: 'dengue',
      commune_code: '07627',
      area_level: 'commune',
      granularity: 'day',
      day: '2026-06-01',
      algorithm: 'ears_c2',
      params: {},
      observed: 9,
      expected: 2.5,
      upperbound: 6.1,
      p_value: 0.004,
      score: null,
      alarm: true,
      level: 'red',
    });
    expect(e).toEqual({
      algorithm: 'ears_c2',
      series: 'dengue',
      place: undefined,
      day: '2026-06-01',
      observed: 9,
      expected: 2.5,
      threshold: 6.1,
      p_value: 0.004,
    });
  });
});
