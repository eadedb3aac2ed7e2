import { describe, expect, it } from 'vitest';
import {
  ALARM_COLOR,
  bandHeights,
  formatPValue,
  multipleOption,
  seriesOption,
  tooltipText,
  totalOf,
  type SeriesChartData,
  type SeriesChartLabels,
} from '../../dashboards/web/src/charts/series-option.ts';
import { isoWeek, periodLabel, periodLongLabel } from '../../dashboards/web/src/charts/periods.ts';

// The series chart's option builder (pure): data and translated labels in, ECharts option out.

const labels = (lang: 'vi' | 'en'): SeriesChartLabels => ({
  lang,
  count: lang === 'vi' ? 'Số ca' : 'Cases',
  total: lang === 'vi' ? 'Tổng' : 'Total',
  expected: lang === 'vi' ? 'Kỳ vọng' : 'Expected',
  band: lang === 'vi' ? 'Dải ngưỡng' : 'Threshold band',
  threshold: lang === 'vi' ? 'Ngưỡng' : 'Threshold',
  alarm: lang === 'vi' ? 'Báo động' : 'Alarm',
  detector: lang === 'vi' ? 'Thuật toán' : 'Detector',
  pValue: lang === 'vi' ? 'Giá trị p' : 'p-value',
  alertPeriod: lang === 'vi' ? 'Cảnh báo' : 'Alert',
  weekShort: (w) => `${lang === 'vi' ? 'T' : 'W'}${w}`,
  weekLong: (w, y) => (lang === 'vi' ? `Tuần ${w}/${y}` : `Week ${w} ${y}`),
});

const single: SeriesChartData = {
  periods: ['2026-11-18', '2026-11-19', '2026-11-20'],
  interval: 'day',
  lines: [{ key: '09187', name: 'Kinh Bắc', counts: [1, 0, 9] }],
  expected: [0.5, 0.5, 0.5],
  upperbound: [2, 2.5, 3],
  alarms: [{ index: 2, count: 9, algorithm: 'ears_c2', p_value: 0.0004 }],
  highlight: { from: '2026-11-20', to: '2026-11-20' },
};
const cluster: SeriesChartData = {
  periods: ['2026-11-19', '2026-11-20'],
  interval: 'day',
  lines: [
    { key: '09187', name: 'Kinh Bắc', counts: [2, 2] },
    { key: '09190', name: 'Vũ Ninh', counts: [1, 2] },
    { key: '09193', name: 'Đáp Cầu', counts: [0, 2] },
  ],
  expected: null,
  upperbound: null,
  alarms: [{ index: 1, count: 6, algorithm: 'space_time_permutation_scan', p_value: 0.001 }],
};

type Series = { name: string; type: string; data: unknown[]; stack?: string; markPoint?: { data: unknown[] }; markArea?: unknown };
const seriesOf = (data: SeriesChartData, lang: 'vi' | 'en' = 'en') => seriesOption(data, labels(lang)).series as Series[];

describe('seriesOption', () => {
  it.each([
    {
      name: 'one area: band (expected + stacked height) and bars',
      data: single,
      names: ['Expected', 'Threshold band', 'Kinh Bắc'],
      types: ['line', 'line', 'bar'],
    },
    {
      name: 'a cluster: one line per commune and their total',
      data: cluster,
      names: ['Kinh Bắc', 'Vũ Ninh', 'Đáp Cầu', 'Total'],
      types: ['line', 'line', 'line', 'line'],
    },
    {
      name: 'an empty series',
      data: { ...single, periods: [], lines: [], expected: null, upperbound: null, alarms: [] },
      names: ['Cases'],
      types: ['bar'],
    },
  ])('$name', ({ data, names, types }) => {
    const s = seriesOf(data);
    expect(s.map((x) => x.name)).toEqual(names);
    expect(s.map((x) => x.type)).toEqual(types);
  });

  it('the band is shaded between expected and the threshold: the stacked height is upperbound − expected', () => {
    const [expected, band] = seriesOf(single);
    expect(expected!.data).toEqual([0.5, 0.5, 0.5]);
    expect(band!.data).toEqual([1.5, 2, 2.5]);
    expect(expected!.stack).toBe('band');
    expect(band!.stack).toBe('band');
    expect((band as unknown as { areaStyle?: unknown }).areaStyle).toBeDefined();
    expect((expected as unknown as { areaStyle?: unknown }).areaStyle).toBeUndefined();
  });

  it.each([
    { name: 'on the bars', data: single, at: 2, coord: [2, 9] },
    { name: 'on the total of a cluster', data: cluster, at: 3, coord: [1, 6] },
  ])('alarm markers are red points $name', ({ data, at, coord }) => {
    const s = seriesOf(data)[at]!;
    expect(s.markPoint?.data).toEqual([expect.objectContaining({ coord })]);
    expect((s.markPoint as unknown as { itemStyle: { color: string } }).itemStyle.color).toBe(ALARM_COLOR);
    // Only that series carries them.
    expect(seriesOf(data).filter((x) => x.markPoint).length).toBe(1);
  });

  it('the alarmed bar is red, the others are not', () => {
    const bars = seriesOf(single)[2]!.data;
    expect(bars[2]).toEqual({ value: 9, itemStyle: { color: ALARM_COLOR } });
    expect(bars.slice(0, 2)).toEqual([1, 0]);
  });

  it("the alert's days are shaded; none without a highlight", () => {
    expect(seriesOf(single)[2]!.markArea).toMatchObject({ data: [[{ xAxis: 2 }, { xAxis: 2 }]] });
    expect(seriesOf({ ...single, highlight: null })[2]!.markArea).toBeUndefined();
    expect(seriesOf({ ...single, highlight: { from: '2027-01-01', to: '2027-01-02' } })[2]!.markArea).toBeUndefined();
  });

  it.each([
    { lang: 'vi' as const, axis: ['18/11', '19/11', '20/11'] },
    { lang: 'en' as const, axis: ['18 Nov', '19 Nov', '20 Nov'] },
  ])('dates on the axis for $lang', ({ lang, axis }) => {
    expect((seriesOption(single, labels(lang)).xAxis as { data: string[] }).data).toEqual(axis);
  });

  it('weekly periods are ISO weeks', () => {
    const weekly = { ...single, interval: 'week' as const, periods: ['2026-11-02', '2026-11-09', '2026-11-16'] };
    expect((seriesOption(weekly, labels('vi')).xAxis as { data: string[] }).data).toEqual(['T45', 'T46', 'T47']);
  });

  it('zoom only for long series', () => {
    expect(seriesOption(single, labels('en')).dataZoom).toEqual([]);
    const long = { ...single, periods: Array.from({ length: 90 }, (_, i) => `2026-08-${String((i % 28) + 1).padStart(2, '0')}`) };
    expect((seriesOption(long, labels('en')).dataZoom as unknown[]).length).toBe(2);
  });
});

describe('tooltipText', () => {
  it.each([
    {
      name: 'an alarm: detector and p-value',
      data: single,
      lang: 'en' as const,
      index: 2,
      text: ['20 Nov 2026', 'Kinh Bắc: 9', 'Expected: 0.5', 'Threshold: 3', '⚠ Alarm — Detector: ears_c2', 'p-value: < 0.001', 'Alert'],
    },
    {
      name: 'a quiet day, in Vietnamese',
      data: single,
      lang: 'vi' as const,
      index: 0,
      text: ['18/11/2026', 'Kinh Bắc: 1', 'Kỳ vọng: 0,5', 'Ngưỡng: 2'],
    },
    {
      name: 'a cluster: each commune and the total',
      data: cluster,
      lang: 'en' as const,
      index: 1,
      text: [
        '20 Nov 2026',
        'Kinh Bắc: 2',
        'Vũ Ninh: 2',
        'Đáp Cầu: 2',
        'Total: 6',
        '⚠ Alarm — Detector: space_time_permutation_scan',
        'p-value: 0.001',
      ],
    },
    { name: 'out of range', data: single, lang: 'en' as const, index: 9, text: [''] },
  ])('$name', ({ data, lang, index, text }) => {
    expect(tooltipText(data, labels(lang), index).split('\n')).toEqual(text);
  });
});

describe('helpers', () => {
  it.each([
    { day: '2026-11-16', year: 2026, week: 47 },
    { day: '2026-11-22', year: 2026, week: 47 },
    { day: '2027-01-01', year: 2026, week: 53 },
    { day: '2025-12-29', year: 2026, week: 1 },
    { day: '2021-01-03', year: 2020, week: 53 },
  ])('isoWeek($day) = $year-W$week', ({ day, year, week }) => {
    expect(isoWeek(day)).toEqual({ year, week });
  });

  it.each([
    { p: 0.0004, lang: 'en' as const, s: '< 0.001' },
    { p: 0.0123, lang: 'en' as const, s: '0.0123' },
    { p: 0.0123, lang: 'vi' as const, s: '0,0123' },
    { p: 0.5, lang: 'en' as const, s: '0.5' },
  ])('formatPValue($p, $lang) = $s', ({ p, lang, s }) => {
    expect(formatPValue(p, lang)).toBe(s);
  });

  it('totals, band heights (null where unknown, never negative)', () => {
    expect(totalOf(cluster.lines, 2)).toEqual([3, 6]);
    expect(bandHeights([1, null, 2], [3, 4, 1])).toEqual([2, null, 0]);
    expect(bandHeights([1], [null])).toEqual([null]);
  });

  it('long labels of weeks and days', () => {
    expect(periodLongLabel('2026-11-16', 'week', 'vi', labels('vi').weekLong)).toBe('Tuần 47/2026');
    expect(periodLabel('2026-11-16', 'day', 'en', labels('en').weekShort)).toBe('16 Nov');
  });
});

describe('multipleOption', () => {
  it('bars red above the threshold, the threshold as a step line', () => {
    const o = multipleOption({ periods: ['2026-11-19', '2026-11-20'], interval: 'day', counts: [1, 5], upperbound: [2, 3] }, labels('en'));
    const [bars, threshold] = o.series as Series[];
    expect(bars!.data).toEqual([1, { value: 5, itemStyle: { color: ALARM_COLOR } }]);
    expect(threshold!.data).toEqual([2, 3]);
    expect(o.legend).toBeUndefined();
  });
});
