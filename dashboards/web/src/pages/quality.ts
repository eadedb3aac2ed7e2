// The Data quality page (/quality): one row per hospital the caller may see (a card on a
// phone), from GET /v1/data-quality: last event (relative and absolute), today's and
// yesterday's volume against its usual volume with a sparkline of the window, the informative
// share, the rejected share with its top reasons, and a status badge; worst first. Refreshed
// on the shell's live 'counts' events (at most every 10 s) and by its button.
import type { Page, PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { qualityMessages } from './quality.messages.ts';
import { problemsOf, worstFirst, type HospitalRow } from './quality-rank.ts';
import './quality.css';

interface Answer {
  generated_at: string;
  days: number;
  hospitals: HospitalRow[];
}

const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Bars of events per day, today last (lighter: the day is not over), and the usual volume as a dashed line. */
function sparkline(ctx: PageContext, h: HospitalRow, days: number): SVGSVGElement {
  const w = 168;
  const ht = 30;
  const n = h.events_per_day.length;
  const max = Math.max(1, h.usual_per_day, ...h.events_per_day.map((d) => d.events));
  const label = ctx.t('quality.sparkline', { days });
  const s = svg('svg', { class: 'sparkline', width: w, height: ht, viewBox: `0 0 ${w} ${ht}`, role: 'img', 'aria-label': label });
  const title = svg('title', {});
  title.textContent = label;
  s.append(title);
  // The window's frame, so a hospital with a few days of data still shows where they fall.
  s.append(svg('rect', { x: 0, y: 0, width: w, height: ht, class: 'frame' }));
  const bw = w / Math.max(1, n);
  h.events_per_day.forEach((d, i) => {
    const bh = (d.events / max) * (ht - 2);
    const bar = svg('rect', {
      x: (i * bw + 0.5).toFixed(1),
      y: (ht - bh).toFixed(1),
      width: Math.max(1, bw - 1).toFixed(1),
      height: bh.toFixed(1),
      class: i === n - 1 ? 'bar today' : 'bar',
    });
    const tip = svg('title', {});
    tip.textContent = `${d.day}: ${d.events}`;
    bar.append(tip);
    s.append(bar);
  });
  if (h.usual_per_day > 0) {
    const y = (ht - (h.usual_per_day / max) * (ht - 2)).toFixed(1);
    s.append(svg('line', { x1: 0, x2: w, y1: y, y2: y, class: 'usual' }));
  }
  return s;
}

const pct = (share: number) => Math.round(share * 1000) / 10;

function lastEvent(ctx: PageContext, h: HospitalRow): HTMLElement {
  if (h.last_received_at === null || h.hours_since_last_event === null) return el('span', { class: 'muted', text: ctx.t('quality.never') });
  const hours = h.hours_since_last_event;
  const ago =
    hours < 1
      ? ctx.t('quality.ago.minutes', { n: Math.max(0, Math.round(hours * 60)) })
      : hours < 48
        ? ctx.t('quality.ago.hours', { n: Math.round(hours) })
        : ctx.t('quality.ago.days', { n: Math.round(hours / 24) });
  const absolute = new Date(h.last_received_at).toLocaleString(ctx.lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  });
  return el(
    'span',
    {},
    el('strong', { class: 'ago', text: ago }),
    el('br'),
    el('time', { datetime: h.last_received_at, text: absolute }),
    el('br'),
    el('small', { class: 'muted', text: ctx.t('quality.usualGap', { n: h.usual_gap_hours }) }),
  );
}

function volume(ctx: PageContext, h: HospitalRow, days: number): HTMLElement {
  const perDay = h.events_per_day;
  const today = perDay.at(-1)?.events ?? 0;
  const yesterday = perDay.length >= 2 ? perDay.at(-2)!.events : null;
  const words = [ctx.t('quality.today', { n: today })];
  if (yesterday !== null) words.push(ctx.t('quality.yesterday', { n: yesterday }));
  return el(
    'div',
    { class: 'volume' },
    sparkline(ctx, h, days),
    el('div', { class: 'volume-text', text: words.join(' · ') }),
    el('small', {
      class: 'muted',
      text: h.usual_per_day > 0 ? ctx.t('quality.usual', { n: h.usual_per_day }) : ctx.t('quality.noUsual'),
    }),
  );
}

function informative(ctx: PageContext, h: HospitalRow): HTMLElement {
  const i = h.informative;
  if (i.share === null) return el('span', { class: 'muted', text: ctx.t('quality.noEncounters') });
  return el('span', { class: 'share', text: ctx.t('quality.share', { pct: pct(i.share), n: i.encounters }) });
}

function rejected(ctx: PageContext, h: HospitalRow): HTMLElement {
  const r = h.rejected;
  if (r.share === null) return el('span', { class: 'muted', text: ctx.t('quality.noEvents') });
  const out = el(
    'div',
    {},
    el('span', { class: 'share', text: ctx.t('quality.share', { pct: pct(r.share), n: r.accepted + r.rejected }) }),
  );
  if (r.top_reasons.length > 0) {
    out.append(
      el(
        'ul',
        { class: 'reasons', 'aria-label': ctx.t('quality.reasons') },
        ...r.top_reasons.map((x) => el('li', {}, el('code', { text: x.reason_code }), ` ${x.count}`)),
      ),
    );
  }
  return out;
}

function status(ctx: PageContext, h: HospitalRow): HTMLElement {
  const problems = problemsOf(h);
  const [kind, key] =
    h.last_received_at === null
      ? ['never', 'quality.badge.never']
      : problems.includes('silent')
        ? ['silent', 'quality.badge.silent']
        : problems.length > 0
          ? ['warning', 'quality.badge.warning']
          : ['ok', 'quality.badge.ok'];
  return el(
    'div',
    {},
    el('span', { class: `badge badge-${kind}`, text: ctx.t(key) }),
    ...problems.map((p) => el('div', { class: 'why', text: ctx.t(`quality.why.${p}`) })),
  );
}

function row(ctx: PageContext, h: HospitalRow, days: number): HTMLTableRowElement {
  const cell = (labelKey: string, ...content: Node[]) => el('td', { 'data-label': ctx.t(labelKey) }, ...content);
  const place = h.province_code === null ? null : el('small', { class: 'muted', text: ctx.areaName(h.province_code) });
  return el(
    'tr',
    { 'data-hospital': h.hospital_id, class: h.silent ? 'is-silent' : problemsOf(h).length > 0 ? 'is-warning' : '' },
    el(
      'th',
      { scope: 'row', 'data-label': ctx.t('quality.col.hospital') },
      el('span', { class: 'hospital-name', text: h.name }),
      el('br'),
      el('code', { text: h.hospital_id }),
      place ? ' · ' : null,
      place,
    ),
    cell('quality.col.last', lastEvent(ctx, h)),
    cell('quality.col.volume', volume(ctx, h, days)),
    cell('quality.col.informative', informative(ctx, h)),
    cell('quality.col.rejected', rejected(ctx, h)),
    cell('quality.col.status', status(ctx, h)),
  );
}

function mount(root: HTMLElement, ctx: PageContext): () => void {
  const refresh = el('button', { type: 'button', id: 'quality-refresh', text: ctx.t('quality.refresh') });
  const info = el('p', { id: 'quality-status', class: 'muted', role: 'status', text: ctx.t('quality.loading') });
  const body = el('tbody', { id: 'quality-rows' });
  const heads = ['hospital', 'last', 'volume', 'informative', 'rejected', 'status'];
  const table = el(
    'table',
    { id: 'quality', class: 'quality' },
    el('thead', {}, el('tr', {}, ...heads.map((k) => el('th', { scope: 'col', text: ctx.t(`quality.col.${k}`) })))),
    body,
  );
  root.append(
    el('div', { class: 'quality-head' }, el('h2', { text: ctx.t('quality.title') }), refresh),
    el('p', { class: 'intro', text: ctx.t('quality.intro') }),
    info,
    table,
  );
  let alive = true;
  let loading = false;

  const load = async () => {
    if (loading) return;
    loading = true;
    refresh.disabled = true;
    try {
      const a = await ctx.api<Answer>('/v1/data-quality');
      if (!alive) return;
      const rows = [...a.hospitals].sort(worstFirst).map((h) => row(ctx, h, a.days));
      body.replaceChildren(...rows);
      info.className = 'muted';
      const time = new Date(a.generated_at).toLocaleTimeString(ctx.lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
      info.textContent = rows.length === 0 ? ctx.t('quality.none') : ctx.t('quality.updated', { time, days: a.days });
    } catch (err) {
      if (!alive) return;
      info.className = 'error';
      info.textContent = ctx.t('error.load', { message: err instanceof Error ? err.message : String(err) });
    } finally {
      loading = false;
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', () => void load());
  // Live counts move often while hospitals send: reload at most every 10 seconds.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = ctx.onLive('counts', () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void load();
    }, 10_000);
  });
  void load();
  return () => {
    alive = false;
    off();
    if (timer !== undefined) clearTimeout(timer);
  };
}

export const page: Page = {
  route: 'quality',
  title: 'quality.title',
  messages: qualityMessages,
  permission: 'read:aggregates',
  mount,
};
