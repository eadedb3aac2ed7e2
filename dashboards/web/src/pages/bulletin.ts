// The weekly bulletin page: pick a province and an ISO week, download the bulletin GET
// /v1/bulletin makes (PDF, or the standalone HTML). Links with a download attribute: the
// browser fetches with the session cookie, nothing is parsed here.
import type { Page, PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { lastCompleteWeek, parseIsoWeek } from '../../../bulletin/iso-week.ts';
import { bulletinMessages } from './bulletin.messages.ts';

/** The provinces the caller may make a bulletin of: those whose every commune it sees (a province jurisdiction, or national). */
function provincesOf(ctx: PageContext): { code: string; name: string }[] {
  const j = ctx.user.jurisdiction;
  if (j.level === 'communes') return [];
  const seen = new Map<string, string>();
  for (const u of ctx.units) if (!seen.has(u.province_code)) seen.set(u.province_code, u.province_name);
  const all = [...seen].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
  return j.level === 'province' ? all.filter((p) => p.code === j.province) : all;
}

function mount(root: HTMLElement, ctx: PageContext): () => void {
  const provinces = provincesOf(ctx);
  root.append(el('h2', { text: ctx.t('bulletin.heading') }), el('p', { text: ctx.t('bulletin.intro') }));
  if (provinces.length === 0) {
    root.append(el('p', { class: 'error', id: 'bulletin-none', text: ctx.t('bulletin.none') }));
    return () => root.replaceChildren();
  }
  const j = ctx.user.jurisdiction;
  const province = el('select', { id: 'bulletin-province', name: 'province' });
  for (const p of provinces) province.append(el('option', { value: p.code, text: `${p.name} (${p.code})` }));
  province.value = j.level === 'province' ? j.province : provinces[0]!.code;
  const today = Math.floor(Date.parse(`${ctx.today()}T00:00:00Z`) / 86_400_000);
  const week = el('input', { id: 'bulletin-week', name: 'week', type: 'week', value: lastCompleteWeek(today).label, required: true });
  const pdf = el('a', { id: 'bulletin-pdf', class: 'button', text: ctx.t('bulletin.pdf') });
  const html = el('a', { id: 'bulletin-html', class: 'button', text: ctx.t('bulletin.html') });
  const invalid = el('p', { id: 'bulletin-week-invalid', class: 'error', text: ctx.t('bulletin.week.invalid'), hidden: true });
  const cli = el('p', { id: 'bulletin-cli', class: 'hint' });

  const update = () => {
    const w = parseIsoWeek(week.value);
    invalid.hidden = w !== undefined;
    for (const [a, format] of [
      [pdf, 'pdf'],
      [html, 'html'],
    ] as const) {
      if (!w) {
        a.removeAttribute('href');
        a.setAttribute('aria-disabled', 'true');
        continue;
      }
      const q = new URLSearchParams({ province: province.value, week: w.label, format, lang: ctx.lang });
      a.href = `/v1/bulletin?${q.toString()}`;
      a.download = `bulletin-${province.value}-${w.label}.${format}`;
      a.removeAttribute('aria-disabled');
    }
    cli.textContent = ctx.t('bulletin.cli', { province: province.value, week: w?.label ?? 'YYYY-Www' });
  };
  province.addEventListener('change', update);
  week.addEventListener('input', update);
  update();

  root.append(
    el(
      'form',
      { id: 'bulletin-form', class: 'bulletin-form' },
      el('label', {}, ctx.t('bulletin.province'), ' ', province),
      ' ',
      el('label', {}, ctx.t('bulletin.week'), ' ', week),
      ' ',
      pdf,
      ' ',
      html,
    ),
    invalid,
    cli,
  );
  return () => root.replaceChildren();
}

export const page: Page = {
  route: 'bulletin',
  title: 'bulletin.title',
  messages: bulletinMessages,
  permission: 'read:aggregates',
  mount,
};
