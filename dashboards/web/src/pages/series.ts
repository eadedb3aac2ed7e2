// The series view: one syndrome over time in one area (commune, province, nation; by day or
// ISO week) with its expected value, threshold band and alarms, or several areas (an alert's
// cluster) as one line each with their total. `?alert=ID` charts what the alert is about and
// shows its detector, p-value and level. Every change of selection replaces the chart whole.
import { communesOfAreas, countsConcern } from '../live-counts.ts';
import type { Page, PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { mountChart } from '../charts/chart.ts';
import { chartLabels } from '../charts/chart.messages.ts';
import { formatPValue, seriesOption, totalOf, type ChartAlarm, type SeriesChartData } from '../charts/series-option.ts';
import type { Interval } from '../charts/periods.ts';
import { seriesMessages } from './series.messages.ts';
import { addDays, areaSelect, dayParam, defaultArea, field, pickableSeries, syndromeSelect } from './series-pickers.ts';

interface SeriesPoint {
  period: string;
  count: number;
  expected: number | null;
  upperbound: number | null;
  alarm: boolean;
  algorithm: string;
  source: 'detector' | 'threshold';
  p_value: number | null;
}
interface SeriesAnswer {
  area: { level: string; code: string; name: string };
  interval: Interval;
  algorithm: string;
  points: SeriesPoint[];
}
interface Evidence {
  algorithm: string;
  series: string;
  area_level: 'commune' | 'cluster' | 'province';
  granularity: Interval;
  day: string;
  p_value: number | null;
  level: 'red' | 'yellow';
}
interface AlertAnswer {
  alert: {
    id: string;
    family: string;
    area: { level: 'commune' | 'cluster' | 'province'; code: string; communes: string[] };
    first_day: string;
    last_day: string;
    level: 'red' | 'yellow';
    status: string;
    evidence: Evidence[];
  };
}
type Alert = AlertAnswer['alert'];

interface Selection {
  syndrome: string;
  areas: string[];
  interval: Interval;
  from: string;
  to: string;
}

const DEFAULT_SPAN: Record<Interval, number> = { day: 90, week: 26 * 7 };

/** What an alert is charted as: its series, its communes (a cluster) or its area, at its granularity. */
function selectionOfAlert(a: Alert, series: readonly string[]): Selection {
  const ev = a.evidence.filter((e) => e.area_level === a.area.level);
  const first = ev.find((e) => e.series === a.family) ?? ev[0] ?? a.evidence[0];
  const syndrome = first && series.includes(first.series) ? first.series : series.includes(a.family) ? a.family : (series[0] ?? '');
  const interval: Interval = a.area.level === 'province' ? 'week' : (first?.granularity ?? 'day');
  const areas = a.area.level === 'cluster' && a.area.communes.length > 0 ? [...a.area.communes] : [a.area.code];
  return { syndrome, areas, interval, from: addDays(a.first_day, interval === 'week' ? -26 * 7 : -56), to: addDays(a.last_day, 0) };
}

function selectionOfQuery(q: URLSearchParams, ctx: PageContext, series: readonly string[]): Selection {
  const interval: Interval = q.get('interval') === 'week' ? 'week' : 'day';
  const to = dayParam(q.get('to')) ?? ctx.today();
  const syndrome = series.includes(q.get('syndrome') ?? '') ? q.get('syndrome')! : (series[0] ?? '');
  const areas = (q.get('area') ?? '').split(',').filter((s) => /^(\d{2}|\d{5}|national)$/.test(s));
  return {
    syndrome,
    areas: areas.length > 0 ? areas : [defaultArea(ctx)],
    interval,
    from: dayParam(q.get('from')) ?? addDays(to, -DEFAULT_SPAN[interval] + 1),
    to,
  };
}

function queryOf(s: Selection, alert: string | null): string {
  const q = new URLSearchParams({ syndrome: s.syndrome, area: s.areas.join(','), interval: s.interval, from: s.from, to: s.to });
  if (alert) q.set('alert', alert);
  return `/series?${q.toString()}`;
}

function alertPanel(ctx: PageContext, a: Alert): HTMLElement {
  const t: PageContext['t'] = (key, values) => ctx.t(key, values);
  const detectors = [...new Set(a.evidence.map((e) => e.algorithm))].join(', ');
  const ps = a.evidence.map((e) => e.p_value).filter((p): p is number => p !== null);
  const area =
    a.area.level === 'cluster'
      ? t('series.alert.area.cluster', { n: a.area.communes.length, names: a.area.communes.map((c) => ctx.areaName(c)).join(', ') })
      : t(`series.alert.area.${a.area.level}`, { name: ctx.areaName(a.area.code) });
  const link = el('a', { href: `/alerts/${encodeURIComponent(a.id)}`, id: 'series-alert-link', text: t('series.alert.open') });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    ctx.navigate(`/alerts/${encodeURIComponent(a.id)}`);
  });
  const row = (k: string, v: string, id: string) => [el('dt', { text: t(k) }), el('dd', { id, text: v })];
  return el(
    'section',
    { class: 'series-alert', id: 'series-alert', 'data-level': a.level, 'aria-label': t('series.alert.heading') },
    el('strong', { text: `${t('series.alert.heading')} · ${ctx.syndromeName(a.family)}` }),
    el(
      'dl',
      {},
      ...row('series.alert.level', t(`series.alert.level.${a.level}`), 'series-alert-level'),
      ...row('series.alert.status', a.status, 'series-alert-status'),
      ...row('series.alert.area', area, 'series-alert-area'),
      ...row('series.alert.period', a.first_day === a.last_day ? a.first_day : `${a.first_day} → ${a.last_day}`, 'series-alert-period'),
      ...row('series.alert.detector', detectors || t('series.alert.none'), 'series-alert-detector'),
      ...row(
        'series.alert.pvalue',
        ps.length > 0 ? formatPValue(Math.min(...ps), ctx.lang) : t('series.alert.none'),
        'series-alert-pvalue',
      ),
    ),
    link,
  );
}

/** The chart's data from the answers of the selected areas (the alert's evidence marks a cluster's total). */
function chartData(ctx: PageContext, s: Selection, answers: SeriesAnswer[], alert: Alert | null): SeriesChartData {
  const periods = answers[0]?.points.map((p) => p.period) ?? [];
  const lines = answers.map((a, i) => ({
    key: s.areas[i] ?? a.area.code,
    name: a.area.level === 'national' ? ctx.t('series.national') : ctx.areaName(a.area.code),
    counts: a.points.map((p) => p.count),
  }));
  const highlight = alert ? { from: alert.first_day, to: alert.last_day } : null;
  if (answers.length === 1) {
    const points = answers[0]!.points;
    const alarms: ChartAlarm[] = points.flatMap((p, index) =>
      p.alarm ? [{ index, count: p.count, algorithm: p.algorithm, p_value: p.p_value }] : [],
    );
    return {
      periods,
      interval: s.interval,
      lines,
      expected: points.map((p) => p.expected),
      upperbound: points.map((p) => p.upperbound),
      alarms,
      highlight,
    };
  }
  // Several areas: no threshold of their sum is computed; the alarms are the alert's own evidence.
  const total = totalOf(lines, periods.length);
  const alarms: ChartAlarm[] = (alert?.evidence ?? [])
    .filter((e) => e.area_level === 'cluster' && e.series === s.syndrome)
    .flatMap((e) => {
      const index = periods.indexOf(e.day);
      return index < 0 ? [] : [{ index, count: total[index] ?? 0, algorithm: e.algorithm, p_value: e.p_value }];
    });
  return { periods, interval: s.interval, lines, expected: null, upperbound: null, alarms, highlight };
}

export const page: Page = {
  route: 'series',
  title: 'series.title',
  messages: seriesMessages,
  permission: 'read:aggregates',
  mount(root, ctx, params) {
    const t: PageContext['t'] = (key, values) => ctx.t(key, values);
    const status = el('p', { id: 'series-status', class: 'status', 'aria-live': 'polite', text: t('series.loading') });
    const error = el('p', { id: 'series-error', class: 'error', role: 'alert', hidden: true });
    const alertSlot = el('div', { id: 'series-alert-slot' });
    const form = el('form', { id: 'series-form', class: 'series-form' });
    const host = el('div', { id: 'series-chart', class: 'series-chart' });
    root.append(el('h2', { text: t('series.heading') }), alertSlot, form, status, error, host);
    const chart = mountChart(host);
    let disposed = false;
    let seq = 0;
    let series: string[] = [];
    let selection: Selection | null = null;
    let alert: Alert | null = null;

    const showError = (e: unknown) => {
      error.hidden = false;
      error.textContent = t('error.load', { message: e instanceof Error ? e.message : String(e) });
    };

    const load = async () => {
      const s = selection;
      if (!s || disposed) return;
      const mine = ++seq;
      status.textContent = t('series.loading');
      error.hidden = true;
      try {
        const answers = await Promise.all(
          s.areas.map((area) =>
            ctx.api<SeriesAnswer>(
              `/v1/series?${new URLSearchParams({ syndrome: s.syndrome, area, interval: s.interval, from: s.from, to: s.to }).toString()}`,
            ),
          ),
        );
        // A later selection won: this answer is stale and must not be drawn.
        if (disposed || mine !== seq) return;
        const data = chartData(ctx, s, answers, alert);
        chart.show(seriesOption(data, chartLabels(t, ctx.lang)));
        host.dataset['areas'] = s.areas.join(',');
        host.dataset['lines'] = String(data.lines.length);
        status.textContent =
          data.periods.length === 0
            ? t('series.empty')
            : data.lines.length === 1
              ? t('series.summary', { n: data.periods.length, alarms: data.alarms.length, algorithm: answers[0]!.algorithm })
              : t('series.summaryMany', { n: data.periods.length, areas: data.lines.length });
      } catch (e) {
        if (disposed || mine !== seq) return;
        chart.show({ series: [] });
        showError(e);
      }
    };

    const renderForm = () => {
      const s = selection!;
      const clusterValue = s.areas.length > 1 ? s.areas.join(',') : null;
      const syndrome = syndromeSelect(ctx, 'series-syndrome', series, s.syndrome);
      const area = areaSelect(
        ctx,
        'series-area',
        s.areas[0] ?? '',
        clusterValue ? { extra: { value: clusterValue, label: t('series.clusterOption', { n: s.areas.length }) } } : {},
      );
      const interval = el(
        'select',
        { id: 'series-interval', name: 'interval' },
        el('option', { value: 'day', text: t('series.interval.day'), selected: s.interval === 'day' }),
        el('option', { value: 'week', text: t('series.interval.week'), selected: s.interval === 'week' }),
      );
      const from = el('input', { id: 'series-from', name: 'from', type: 'date', value: s.from });
      const to = el('input', { id: 'series-to', name: 'to', type: 'date', value: s.to });
      form.replaceChildren(
        field(t('series.syndrome'), syndrome),
        field(t('series.area'), area),
        field(t('series.interval'), interval),
        field(t('series.from'), from),
        field(t('series.to'), to),
      );
      form.onchange = () => {
        const next: Selection = {
          syndrome: syndrome.value,
          areas: area.value.split(','),
          interval: interval.value === 'week' ? 'week' : 'day',
          from: dayParam(from.value) ?? s.from,
          to: dayParam(to.value) ?? s.to,
        };
        // The alert's view ends once the area or series is another one than the alert's.
        if (alert && (next.areas.join(',') !== s.areas.join(',') || next.syndrome !== s.syndrome)) {
          alert = null;
          alertSlot.replaceChildren();
        }
        selection = next;
        history.replaceState(null, '', queryOf(next, alert?.id ?? null));
        renderForm();
        void load();
      };
      form.onsubmit = (e) => e.preventDefault();
    };

    const start = async () => {
      try {
        series = await pickableSeries(ctx);
        const alertId = params.query.get('alert');
        if (alertId) {
          alert = (await ctx.api<AlertAnswer>(`/v1/alerts/${encodeURIComponent(alertId)}`)).alert;
          if (disposed) return;
          alertSlot.replaceChildren(alertPanel(ctx, alert));
          selection = selectionOfAlert(alert, series);
        } else selection = selectionOfQuery(params.query, ctx, series);
        if (disposed) return;
        renderForm();
        await load();
      } catch (e) {
        if (!disposed) {
          status.textContent = '';
          showError(e);
        }
      }
    };
    void start();

    // New counts of the series shown (its series, communes and days; the server coalesces them):
    // read the same selection again, at most once a second. No polling.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = ctx.onLive('counts', (data) => {
      const s = selection;
      if (!s || !countsConcern(data, { communes: communesOfAreas(s.areas, ctx.units), syndrome: s.syndrome, from: s.from, to: s.to }))
        return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 1000);
    });
    return () => {
      disposed = true;
      clearTimeout(timer);
      off();
      chart.dispose();
    };
  },
};
