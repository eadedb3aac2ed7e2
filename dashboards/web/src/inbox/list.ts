// The inbox's list: the alerts of the answer as table rows (cards on a phone), red first.
import type { PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import type { LifecycleAlert } from '../../../../schemas/alert-lifecycle.ts';
import { areaLabel, days, labelCells, num } from './format.ts';

const LEVEL_ORDER: Record<string, number> = { red: 0, yellow: 1 };

/** Red first, then yellow; within a level, the one that reached it last first. */
export function byUrgency(a: LifecycleAlert, b: LifecycleAlert): number {
  return (
    (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) ||
    (a.level_since < b.level_since ? 1 : a.level_since > b.level_since ? -1 : 0)
  );
}

/** The table of alerts; `open(id)` when one is chosen. */
export function alertTable(
  ctx: PageContext,
  alerts: readonly LifecycleAlert[],
  selected: string | null,
  open: (id: string) => void,
): HTMLTableElement {
  const t = ctx.t;
  const headers = ['level', 'area', 'syndrome', 'status', 'days', 'observed'].map((k) =>
    el('th', { scope: 'col', text: t(`inbox.col.${k}`) }),
  );
  const rows = alerts.map((a) => {
    const link = el('a', { href: `/alerts/${encodeURIComponent(a.id)}`, 'data-id': a.id, text: areaLabel(ctx, a.area) });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      open(a.id);
    });
    const top = a.evidence.reduce<LifecycleAlert['evidence'][number] | null>(
      (m, ev) => (m === null || ev.observed > m.observed ? ev : m),
      null,
    );
    const tr = el(
      'tr',
      { 'data-id': a.id, 'data-level': a.level, 'data-status': a.status, class: a.id === selected ? 'selected' : undefined },
      el('td', {}, el('span', { class: `level level-${a.level}`, text: t(`inbox.level.${a.level}`) })),
      el('td', { class: 'area' }, link),
      el('td', { text: ctx.syndromeName(a.family) }),
      el('td', { class: 'status-cell' }, el('span', { class: `status status-${a.status}`, text: t(`inbox.status.${a.status}`) })),
      el('td', { text: days(a.first_day, a.last_day) }),
      el('td', { class: 'n', text: top ? `${num(top.observed)} / ${num(top.threshold)}` : '–' }),
    );
    tr.addEventListener('click', (e) => {
      if ((e.target as Element).closest('a')) return;
      open(a.id);
    });
    return tr;
  });
  return labelCells(
    el('table', { id: 'inbox', class: 'inbox-table' }, el('thead', {}, el('tr', {}, ...headers)), el('tbody', {}, ...rows)),
  );
}
