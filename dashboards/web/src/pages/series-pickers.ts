// Pickers shared by the series view and small multiples: syndromes, areas (the nation for a
// national user, the provinces and communes of ctx.units), intervals. Text only through el().
import type { PageContext } from '../contract.ts';
import { el } from '../dom.ts';

/** The series a user picks from: syndromes and laboratory series, not denominators (`_visits`). */
export async function pickableSeries(ctx: PageContext): Promise<string[]> {
  const answer = await ctx.api<{ series: string[] }>('/v1/syndromes');
  return answer.series.filter((s) => !s.startsWith('_'));
}

/** A select of the series, named in the current language. */
export function syndromeSelect(ctx: PageContext, id: string, series: readonly string[], selected: string): HTMLSelectElement {
  const select = el('select', { id, name: 'syndrome' });
  for (const s of series) select.append(el('option', { value: s, text: ctx.syndromeName(s), selected: s === selected }));
  return select;
}

/** The provinces of the caller's units, by code. */
export function provincesOf(ctx: PageContext): string[] {
  return [...new Set(ctx.units.map((u) => u.province_code))].sort();
}

/** A select of areas: the nation (national users), the provinces, then the communes grouped by province. */
export function areaSelect(
  ctx: PageContext,
  id: string,
  selected: string,
  options: { provinces?: boolean; communes?: boolean; extra?: { value: string; label: string } } = {},
): HTMLSelectElement {
  const select = el('select', { id, name: 'area' });
  if (options.extra) select.append(el('option', { value: options.extra.value, text: options.extra.label, selected: true }));
  const sel = (v: string) => !options.extra && v === selected;
  if (ctx.user.jurisdiction.level === 'national')
    select.append(el('option', { value: 'national', text: ctx.t('series.national'), selected: sel('national') }));
  const provinces = provincesOf(ctx);
  if (options.provinces !== false) {
    const group = el('optgroup', { label: ctx.t('series.provinces') });
    for (const p of provinces) group.append(el('option', { value: p, text: ctx.areaName(p), selected: sel(p) }));
    select.append(group);
  }
  if (options.communes !== false)
    for (const p of provinces) {
      const group = el('optgroup', { label: ctx.t('series.communesOf', { province: ctx.areaName(p) }) });
      const communes = ctx.units.filter((u) => u.province_code === p).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
      for (const u of communes) group.append(el('option', { value: u.code, text: u.name, selected: sel(u.code) }));
      select.append(group);
    }
  return select;
}

/** The area a user starts from: their province, else the nation, else their first commune. */
export function defaultArea(ctx: PageContext): string {
  const j = ctx.user.jurisdiction;
  if (j.level === 'province') return j.province;
  if (j.level === 'national') return provincesOf(ctx)[0] ?? 'national';
  return j.communes[0] ?? ctx.units[0]?.code ?? '';
}

/** A labelled control. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', {}, label, control);
}

/** `day` shifted by `n` days (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A query value that is a day, else undefined. */
export const dayParam = (v: string | null): string | undefined => (v !== null && DAY.test(v) ? v : undefined);
