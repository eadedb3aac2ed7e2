import type { Catalogue } from '../i18n.ts';

/** The weekly bulletin page's words. */
export const bulletinMessages: Catalogue = {
  vi: {
    'bulletin.title': 'Bản tin tuần',
    'bulletin.heading': 'Bản tin giám sát hội chứng hằng tuần',
    'bulletin.intro':
      'Bản tin của tỉnh cho một tuần ISO: các hội chứng so với kỳ vọng, cảnh báo mở và đóng trong tuần cùng kết luận, bản đồ cảnh báo theo xã/phường và tính đầy đủ số liệu theo bệnh viện.',
    'bulletin.province': 'Tỉnh',
    'bulletin.week': 'Tuần',
    'bulletin.pdf': 'Tải PDF',
    'bulletin.html': 'HTML',
    'bulletin.week.invalid': 'Chọn một tuần (YYYY-Www, ví dụ 2026-W47).',
    'bulletin.none': 'Bạn không có tỉnh nào trong địa bàn: bản tin tuần được lập theo tỉnh.',
    'bulletin.cli': 'Dòng lệnh: npx ews bulletin --province {province} --week {week}',
  },
  en: {
    'bulletin.title': 'Weekly bulletin',
    'bulletin.heading': 'Weekly syndromic surveillance bulletin',
    'bulletin.intro':
      "A province's bulletin for one ISO week: syndromes against expected, alerts opened and closed in the week with their outcomes, a map of alerts by commune, and data completeness per hospital.",
    'bulletin.province': 'Province',
    'bulletin.week': 'Week',
    'bulletin.pdf': 'Download PDF',
    'bulletin.html': 'HTML',
    'bulletin.week.invalid': 'Choose a week (YYYY-Www, e.g. 2026-W47).',
    'bulletin.none': 'Your jurisdiction holds no whole province: weekly bulletins are made per province.',
    'bulletin.cli': 'Command line: npx ews bulletin --province {province} --week {week}',
  },
};
