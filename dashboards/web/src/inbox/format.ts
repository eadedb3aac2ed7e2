// How the inbox writes an area, a number and an instant, in the page's language.
import type { PageContext } from '../contract.ts';
import type { AlertArea } from '../../../../schemas/alert-lifecycle.ts';

/** An area by its names: a commune's name, `Province: Bắc Ninh`, or `Cluster: ` and every one of its communes. */
export function areaLabel(ctx: PageContext, area: Pick<AlertArea, 'level' | 'code' | 'communes'>): string {
  if (area.level === 'commune') return ctx.areaName(area.code);
  const name =
    area.level === 'province'
      ? ctx.areaName(area.code)
      : (area.communes.length > 0 ? area.communes : [area.code]).map((c) => ctx.areaName(c)).join(', ');
  return ctx.t('inbox.area.of', { level: ctx.t(`inbox.area.${area.level}`), name });
}

/** A figure: integers as they are, others to one decimal; null as a dash. */
export function num(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined) return '–';
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** A p-value to two significant figures. */
export function pValue(x: number | null): string {
  return x === null ? '–' : x.toPrecision(2);
}

/** An ISO instant on Vietnam's clock (the officers', whatever the browser's zone), to the minute. */
export function when(ctx: PageContext, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(ctx.lang === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
}

/** A span of days, `first → last`, or the one day. */
export const days = (first: string, last: string): string => (first === last ? last : `${first} → ${last}`);

/** A table whose cells carry their column's heading (`data-label`) so that a narrow screen shows each row as a card. */
export function labelCells(table: HTMLTableElement): HTMLTableElement {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
  for (const tr of table.querySelectorAll('tbody tr'))
    [...tr.children].forEach((td, i) => {
      const label = heads[i];
      if (label) td.setAttribute('data-label', label);
    });
  table.classList.add('cards');
  return table;
}
