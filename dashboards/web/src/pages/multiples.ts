// Small multiples: one small chart per commune of a province for one syndrome (or per
// syndrome for one area), from one GET /v1/multiples, most recent excess first; each opens
// the series view. Charts are drawn as their cards scroll into view (a province has ~100).
import type { Page, PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { mountChart, type MountedChart } from '../charts/chart.ts';
import { chartLabels } from '../charts/chart.messages.ts';
import { multipleOption } from '../charts/series-option.ts';
import type { Interval } from '../charts/periods.ts';
import { multiplesMessages } from './multiples.messages.ts';
import { areaSelect, defaultArea, field, pickableSeries, provincesOf, syndromeSelect } from './series-pickers.ts';

interface Multiple {
  key: string;
  name: string;
  counts: number[];
  upperbound: (number | null)[];
  excess_7d: number;
  over_7d: number;
}
interface MultiplesAnswer {
  by: 'commune' | 'syndrome';
  interval: Interval;
  periods: string[];
  multiples: Multiple[];
}
interface Choice {
  by: 'commune' | 'syndrome';
  province: string;
  syndrome: string;
  area: string;
}

function defaultProvince(ctx: PageContext): string {
  const j = ctx.user.jurisdiction;
  return j.level === 'province' ? j.province : (provincesOf(ctx)[0] ?? '');
}

export const page: Page = {
  route: 'multiples',
  title: 'multiples.title',
  messages: multiplesMessages,
  permission: 'read:aggregates',
  mount(root, ctx, params) {
    const t: PageContext['t'] = (key, values) => ctx.t(key, values);
    const form = el('form', { id: 'multiples-form', class: 'multiples-form' });
    const status = el('p', { id: 'multiples-status', 'aria-live': 'polite', text: t('series.loading') });
    const error = el('p', { id: 'multiples-error', class: 'error', role: 'alert', hidden: true });
    const grid = el('div', { id: 'multiples-grid', class: 'multiples-grid' });
    root.append(el('h2', { text: t('multiples.heading') }), form, status, error, grid);
    let disposed = false;
    let seq = 0;
    let charts: MountedChart[] = [];
    // Each card's drawing, run once when it scrolls into view.
    const draws = new Map<Element, () => void>();
    let observer: IntersectionObserver | null = null;
    let series: string[] = [];
    const q = params.query;
    const provinces = provincesOf(ctx);
    let choice: Choice = {
      by: q.get('by') === 'syndrome' ? 'syndrome' : 'commune',
      province: provinces.includes(q.get('province') ?? '') ? q.get('province')! : defaultProvince(ctx),
      syndrome: q.get('syndrome') ?? '',
      area: q.get('area') ?? defaultArea(ctx),
    };

    const clearGrid = () => {
      observer?.disconnect();
      observer = null;
      for (const c of charts) c.dispose();
      charts = [];
      draws.clear();
      grid.replaceChildren();
    };

    const card = (m: Multiple, answer: MultiplesAnswer): HTMLElement => {
      const name = answer.by === 'commune' ? m.name : ctx.syndromeName(m.key);
      const host = el('div', { class: 'multiple-chart' });
      const sign = m.excess_7d > 0 ? '+' : '';
      const excess = el('p', {
        class: m.over_7d > 0 ? 'excess over' : 'excess',
        text: `${t('multiples.excess', { excess: `${sign}${m.excess_7d.toLocaleString(ctx.lang === 'vi' ? 'vi-VN' : 'en-GB')}` })}${m.over_7d > 0 ? ` · ${t('multiples.over', { n: m.over_7d })}` : ''}`,
      });
      const button = el(
        'button',
        { type: 'button', class: 'multiple-card', 'data-key': m.key, 'aria-label': t('multiples.open', { name }) },
        el('h3', { text: name }),
        excess,
        host,
      );
      const target =
        answer.by === 'commune'
          ? new URLSearchParams({ syndrome: choice.syndrome, area: m.key, interval: answer.interval })
          : new URLSearchParams({ syndrome: m.key, area: choice.area, interval: answer.interval });
      button.addEventListener('click', () => ctx.navigate(`/series?${target.toString()}`));
      // Drawn when it scrolls into view; dataset.drawn marks it for the tests and for us.
      draws.set(button, () => {
        if (host.dataset['drawn']) return;
        host.dataset['drawn'] = '1';
        const chart = mountChart(host);
        chart.show(
          multipleOption(
            { periods: answer.periods, interval: answer.interval, counts: m.counts, upperbound: m.upperbound },
            chartLabels(t, ctx.lang),
          ),
        );
        charts.push(chart);
      });
      return button;
    };

    const load = async () => {
      const mine = ++seq;
      clearGrid();
      error.hidden = true;
      status.textContent = t('series.loading');
      const query =
        choice.by === 'commune'
          ? new URLSearchParams({ by: 'commune', province: choice.province, syndrome: choice.syndrome })
          : new URLSearchParams({ by: 'syndrome', area: choice.area });
      try {
        const answer = await ctx.api<MultiplesAnswer>(`/v1/multiples?${query.toString()}`);
        if (disposed || mine !== seq) return;
        const cards = answer.multiples.map((m) => card(m, answer));
        grid.replaceChildren(...cards);
        status.textContent = t('multiples.count', { n: cards.length });
        observer = new IntersectionObserver(
          (entries) => {
            for (const e of entries)
              if (e.isIntersecting) {
                draws.get(e.target)?.();
                observer?.unobserve(e.target);
              }
          },
          { rootMargin: '200px' },
        );
        for (const c of cards) observer.observe(c);
      } catch (e) {
        if (disposed || mine !== seq) return;
        status.textContent = '';
        error.hidden = false;
        error.textContent = t('error.load', { message: e instanceof Error ? e.message : String(e) });
      }
    };

    const renderForm = () => {
      const by = el(
        'select',
        { id: 'multiples-by', name: 'by' },
        el('option', { value: 'commune', text: t('multiples.by.commune'), selected: choice.by === 'commune' }),
        el('option', { value: 'syndrome', text: t('multiples.by.syndrome'), selected: choice.by === 'syndrome' }),
      );
      const controls: HTMLElement[] = [field(t('multiples.by'), by)];
      const province = el('select', { id: 'multiples-province', name: 'province' });
      for (const p of provinces) province.append(el('option', { value: p, text: ctx.areaName(p), selected: p === choice.province }));
      const syndrome = syndromeSelect(ctx, 'multiples-syndrome', series, choice.syndrome);
      const area = areaSelect(ctx, 'multiples-area', choice.area);
      if (choice.by === 'commune') controls.push(field(t('multiples.province'), province), field(t('series.syndrome'), syndrome));
      else controls.push(field(t('series.area'), area));
      form.replaceChildren(...controls);
      form.onsubmit = (e) => e.preventDefault();
      form.onchange = () => {
        choice = {
          by: by.value === 'syndrome' ? 'syndrome' : 'commune',
          province: choice.by === 'commune' ? province.value : choice.province,
          syndrome: choice.by === 'commune' ? syndrome.value : choice.syndrome,
          area: choice.by === 'syndrome' ? area.value : choice.area,
        };
        const url = new URLSearchParams({ by: choice.by, province: choice.province, syndrome: choice.syndrome, area: choice.area });
        history.replaceState(null, '', `/multiples?${url.toString()}`);
        renderForm();
        void load();
      };
    };

    const start = async () => {
      try {
        series = await pickableSeries(ctx);
        if (disposed) return;
        if (!series.includes(choice.syndrome)) choice = { ...choice, syndrome: series[0] ?? '' };
        renderForm();
        await load();
      } catch (e) {
        if (disposed) return;
        error.hidden = false;
        error.textContent = t('error.load', { message: e instanceof Error ? e.message : String(e) });
      }
    };
    void start();
    // New counts: read the grid again (at most once in two seconds).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = ctx.onLive('counts', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 2000);
    });
    return () => {
      disposed = true;
      clearTimeout(timer);
      off();
      clearGrid();
    };
  },
};
