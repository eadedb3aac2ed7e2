// The series chart as data: plain series data and translated labels in, an ECharts option
// out. No DOM and no echarts runtime here (types only), so it is unit-tested in Node
// (test/unit/web-series-option.test.ts) and can render server-side later. Tooltips are
// ECharts rich text, never HTML: nothing the server sends is parsed as markup.

import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkPointComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { periodLabel, periodLongLabel, type Interval, type WeekName } from './periods.ts';

export type SeriesChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | MarkPointComponentOption
  | MarkAreaComponentOption
>;

/** An alarm of the chart: the period (index into `periods`), the count, which detector, its p-value. */
export interface ChartAlarm {
  index: number;
  count: number;
  algorithm: string;
  p_value: number | null;
}

/** What the chart shows. Arrays are aligned with `periods`. */
export interface SeriesChartData {
  /** Days, or Mondays of ISO weeks (YYYY-MM-DD). */
  periods: readonly string[];
  interval: Interval;
  /**
   * The count series: one is drawn as bars; several (a cluster's communes) as lines, with
   * their sum as a `total` line carrying the alarms.
   */
  lines: readonly { key: string; name: string; counts: readonly number[] }[];
  /** The expected value and threshold (upperbound) of the series drawn as bars, or of the total. */
  expected: readonly (number | null)[] | null;
  upperbound: readonly (number | null)[] | null;
  alarms: readonly ChartAlarm[];
  /** Days to shade (an alert's first to last day), inclusive. */
  highlight?: { from: string; to: string } | null;
}

/** Every word of the chart, already translated (ctx.t), and the language for dates. */
export interface SeriesChartLabels {
  lang: 'vi' | 'en';
  count: string;
  total: string;
  expected: string;
  /** The band between expected and threshold. */
  band: string;
  threshold: string;
  alarm: string;
  detector: string;
  pValue: string;
  alertPeriod: string;
  weekShort: WeekName;
  weekLong: WeekName;
}

export const ALARM_COLOR = '#c0392b';
const BAR_COLOR = '#5b8db8';
const BAND_COLOR = '#e67e22';
const EXPECTED_COLOR = '#6b7280';
const TOTAL_COLOR = '#1b1f24';

/** Sum of aligned count series. */
export function totalOf(lines: readonly { counts: readonly number[] }[], length: number): number[] {
  return Array.from({ length }, (_, i) => lines.reduce((s, l) => s + (l.counts[i] ?? 0), 0));
}

/** upperbound − expected where both are known: the band's height above the expected line. */
export function bandHeights(expected: readonly (number | null)[], upperbound: readonly (number | null)[]): (number | null)[] {
  return expected.map((e, i) => {
    const u = upperbound[i] ?? null;
    return e === null || u === null ? null : Math.max(0, u - e);
  });
}

const fmt = (v: number, lang: 'vi' | 'en', digits = 1) =>
  v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });

/** The p-value as it is read: 3 significant digits, `< 0.001` below. */
export function formatPValue(p: number, lang: 'vi' | 'en'): string {
  if (p < 0.001) return `< ${fmt(0.001, lang, 3)}`;
  return p.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumSignificantDigits: 3 });
}

/** The rich-text tooltip of one period: every count, expected, threshold, and the alarm with its detector and p-value. */
export function tooltipText(data: SeriesChartData, labels: SeriesChartLabels, index: number): string {
  const period = data.periods[index];
  if (period === undefined) return '';
  const rows = [periodLongLabel(period, data.interval, labels.lang, labels.weekLong)];
  for (const l of data.lines) rows.push(`${l.name}: ${fmt(l.counts[index] ?? 0, labels.lang)}`);
  if (data.lines.length > 1) rows.push(`${labels.total}: ${fmt(totalOf(data.lines, data.periods.length)[index] ?? 0, labels.lang)}`);
  const e = data.expected?.[index] ?? null;
  const u = data.upperbound?.[index] ?? null;
  if (e !== null) rows.push(`${labels.expected}: ${fmt(e, labels.lang)}`);
  if (u !== null) rows.push(`${labels.threshold}: ${fmt(u, labels.lang)}`);
  for (const a of data.alarms.filter((x) => x.index === index)) {
    rows.push(`⚠ ${labels.alarm} — ${labels.detector}: ${a.algorithm}`);
    if (a.p_value !== null) rows.push(`${labels.pValue}: ${formatPValue(a.p_value, labels.lang)}`);
  }
  if (data.highlight && period >= data.highlight.from && period <= data.highlight.to) rows.push(labels.alertPeriod);
  return rows.join('\n');
}

/** The ECharts option of a series chart. */
export function seriesOption(data: SeriesChartData, labels: SeriesChartLabels): SeriesChartOption {
  const n = data.periods.length;
  const several = data.lines.length > 1;
  const alarmAt = new Set(data.alarms.map((a) => a.index));
  const markPoint: MarkPointComponentOption = {
    symbol: 'circle',
    symbolSize: 12,
    itemStyle: { color: ALARM_COLOR, borderColor: '#fff', borderWidth: 2 },
    label: { show: false },
    data: data.alarms.map((a) => ({ name: labels.alarm, coord: [a.index, a.count], value: a.count })),
  };
  const from = data.highlight ? data.periods.findIndex((p) => p >= data.highlight!.from) : -1;
  const to = data.highlight ? data.periods.findLastIndex((p) => p <= data.highlight!.to) : -1;
  const markArea: MarkAreaComponentOption | undefined =
    from >= 0 && to >= from
      ? {
          silent: true,
          itemStyle: { color: 'rgba(192, 57, 43, 0.08)' },
          // Named in the alert panel; a label on a narrow area at the right edge would be clipped.
          label: { show: false },
          data: [[{ name: labels.alertPeriod, xAxis: from }, { xAxis: to }]],
        }
      : undefined;
  const series: (BarSeriesOption | LineSeriesOption)[] = [];
  if (data.expected && data.upperbound) {
    // The band: the expected line, and stacked on it the height up to the threshold, shaded.
    series.push({
      name: labels.expected,
      type: 'line',
      data: [...data.expected],
      stack: 'band',
      symbol: 'none',
      lineStyle: { color: EXPECTED_COLOR, type: 'dashed', width: 1 },
      itemStyle: { color: EXPECTED_COLOR },
      z: 1,
    });
    series.push({
      name: labels.band,
      type: 'line',
      data: bandHeights(data.expected, data.upperbound),
      stack: 'band',
      symbol: 'none',
      step: data.interval === 'week' ? 'middle' : false,
      lineStyle: { color: BAND_COLOR, width: 1.5 },
      itemStyle: { color: BAND_COLOR },
      areaStyle: { color: BAND_COLOR, opacity: 0.22 },
      z: 1,
    });
  }
  if (!several) {
    const line = data.lines[0];
    series.push({
      name: line?.name ?? labels.count,
      type: 'bar',
      data: (line?.counts ?? []).map((v, i) => (alarmAt.has(i) ? { value: v, itemStyle: { color: ALARM_COLOR } } : v)),
      itemStyle: { color: BAR_COLOR },
      barMaxWidth: 24,
      z: 2,
      markPoint,
      ...(markArea ? { markArea } : {}),
    });
  } else {
    for (const l of data.lines)
      series.push({ name: l.name, type: 'line', data: [...l.counts], symbol: 'circle', symbolSize: 4, lineStyle: { width: 1.5 }, z: 2 });
    series.push({
      name: labels.total,
      type: 'line',
      data: totalOf(data.lines, n),
      symbol: 'none',
      lineStyle: { width: 3, color: TOTAL_COLOR },
      itemStyle: { color: TOTAL_COLOR },
      z: 3,
      markPoint,
      ...(markArea ? { markArea } : {}),
    });
  }
  return {
    animationDuration: 300,
    grid: { left: 8, right: 16, top: 56, bottom: 56, containLabel: true },
    legend: { type: 'scroll', top: 0, left: 0, right: 0 },
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      confine: true,
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number } | undefined;
        return tooltipText(data, labels, first?.dataIndex ?? 0);
      },
    },
    xAxis: {
      type: 'category',
      data: data.periods.map((p) => periodLabel(p, data.interval, labels.lang, labels.weekShort)),
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1, name: labels.count, nameTextStyle: { align: 'left' } },
    dataZoom: n > 30 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series,
  };
}

/** One small multiple's data: counts and threshold over the shared periods. */
export interface MultipleChartData {
  periods: readonly string[];
  interval: Interval;
  counts: readonly number[];
  upperbound: readonly (number | null)[];
}

/** A compact chart for small multiples: bars (red above the threshold) and the threshold as a step line; no legend, no zoom. */
export function multipleOption(
  data: MultipleChartData,
  labels: Pick<SeriesChartLabels, 'lang' | 'count' | 'threshold' | 'weekShort'>,
): SeriesChartOption {
  return {
    animation: false,
    grid: { left: 4, right: 4, top: 8, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
    xAxis: {
      type: 'category',
      data: data.periods.map((p) => periodLabel(p, data.interval, labels.lang, labels.weekShort)),
      axisLabel: { interval: Math.max(0, data.periods.length - 2), fontSize: 10 },
      axisTick: { show: false },
    },
    yAxis: { type: 'value', minInterval: 1, splitNumber: 2, axisLabel: { fontSize: 10 } },
    series: [
      {
        name: labels.count,
        type: 'bar',
        data: data.counts.map((v, i) => {
          const u = data.upperbound[i] ?? null;
          return u !== null && v > u ? { value: v, itemStyle: { color: ALARM_COLOR } } : v;
        }),
        itemStyle: { color: BAR_COLOR },
      },
      {
        name: labels.threshold,
        type: 'line',
        data: [...data.upperbound],
        step: 'middle',
        symbol: 'none',
        lineStyle: { color: BAND_COLOR, width: 1 },
      },
    ],
  };
}
