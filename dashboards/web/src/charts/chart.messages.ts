import type { Catalogue } from '../i18n.ts';
import type { SeriesChartLabels } from './series-option.ts';

/** The charts' words, shared by the series and small-multiples pages (each registers them). */
export const chartMessages: Catalogue = {
  vi: {
    'chart.count': 'Số ca',
    'chart.total': 'Tổng',
    'chart.expected': 'Kỳ vọng',
    'chart.band': 'Dải ngưỡng (kỳ vọng → ngưỡng)',
    'chart.threshold': 'Ngưỡng',
    'chart.alarm': 'Báo động',
    'chart.detector': 'Thuật toán',
    'chart.pvalue': 'Giá trị p',
    'chart.alertPeriod': 'Thời gian cảnh báo',
    'chart.weekShort': 'T{week}',
    'chart.weekLong': 'Tuần {week}/{year}',
  },
  en: {
    'chart.count': 'Cases',
    'chart.total': 'Total',
    'chart.expected': 'Expected',
    'chart.band': 'Threshold band (expected → threshold)',
    'chart.threshold': 'Threshold',
    'chart.alarm': 'Alarm',
    'chart.detector': 'Detector',
    'chart.pvalue': 'p-value',
    'chart.alertPeriod': 'Alert period',
    'chart.weekShort': 'W{week}',
    'chart.weekLong': 'Week {week}, {year}',
  },
};

/** The chart labels in the current language, from a page's t(). */
export function chartLabels(t: (key: string, params?: Record<string, string | number>) => string, lang: 'vi' | 'en'): SeriesChartLabels {
  // Week and year as plain digits (no thousands separator in 2026).
  const w = (key: string) => (week: number, year: number) => t(key, { week: String(week), year: String(year) });
  return {
    lang,
    count: t('chart.count'),
    total: t('chart.total'),
    expected: t('chart.expected'),
    band: t('chart.band'),
    threshold: t('chart.threshold'),
    alarm: t('chart.alarm'),
    detector: t('chart.detector'),
    pValue: t('chart.pvalue'),
    alertPeriod: t('chart.alertPeriod'),
    weekShort: w('chart.weekShort'),
    weekLong: w('chart.weekLong'),
  };
}
