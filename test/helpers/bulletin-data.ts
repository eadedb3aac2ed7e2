import type { BulletinData } from '../../dashboards/bulletin/bulletin-data.ts';

/** A week of Bắc Ninh as the bulletin sees it: syndromes, an opened and a closed alert, three communes, two hospitals. */
export function sampleBulletin(over: Partial<BulletinData> = {}): BulletinData {
  return {
    province: { code: '24', name: 'Bắc Ninh' },
    week: { label: '2026-W47', from: '2026-11-16', to: '2026-11-22' },
    issuedAt: '2026-11-23T01:30:00.000Z',
    expectedBasis: { kind: 'previous_years', years: [1, 2] },
    threshold: { ratio: 1.5, minCount: 3 },
    syndromes: [
      { id: 'dengue', name: { vi: 'Sốt xuất huyết Dengue', en: 'Dengue' }, count: 42, expected: 12.5, ratio: 3.36, flagged: true },
      { id: 'ili', name: { vi: 'Hội chứng cúm', en: 'Influenza-like illness' }, count: 30, expected: 35, ratio: 0.86, flagged: false },
    ],
    opened: [
      {
        id: 'al-opened',
        family: 'dengue',
        familyName: { vi: 'Sốt xuất huyết Dengue', en: 'Dengue' },
        level: 'red',
        status: 'verified',
        area: { level: 'commune', code: '09187', name: 'Kinh Bắc', communes: ['09187'] },
        openedAt: '2026-11-18T02:00:00.000Z',
        closedAt: null,
        firstDay: '2026-11-17',
        lastDay: '2026-11-18',
        observed: 9,
        expected: 1.2,
        outcome: null,
        outcomeNotes: '',
      },
    ],
    closed: [
      {
        id: 'al-closed',
        family: 'acute_diarrhoea',
        familyName: { vi: 'Tiêu chảy cấp', en: 'Acute diarrhoea' },
        level: 'yellow',
        status: 'closed',
        area: { level: 'cluster', code: '09190', name: 'Võ Cường', communes: ['09190', '09187'] },
        openedAt: '2026-11-10T02:00:00.000Z',
        closedAt: '2026-11-19T08:00:00.000Z',
        firstDay: '2026-11-09',
        lastDay: '2026-11-10',
        observed: 6,
        expected: 2,
        outcome: 'no_outbreak',
        outcomeNotes: 'cụm gia đình, đã xử lý',
      },
    ],
    communes: [
      { code: '09187', name: 'Kinh Bắc', lat: 21.18, lon: 106.07, level: 'red' },
      { code: '09190', name: 'Võ Cường', lat: 21.16, lon: 106.05, level: 'yellow' },
      { code: '07627', name: 'Đại Sơn', lat: 21.35, lon: 106.76, level: 'none' },
    ],
    hospitals: [
      { id: 'BV-BN', name: 'Bệnh viện Đa khoa tỉnh Bắc Ninh', daysWithData: 7, events: 700, usualEvents: 680, ratio: 1.03 },
      { id: 'BV-TS', name: 'Trung tâm Y tế Từ Sơn', daysWithData: 4, events: 120, usualEvents: 300, ratio: 0.4 },
    ],
    ...over,
  };
}
