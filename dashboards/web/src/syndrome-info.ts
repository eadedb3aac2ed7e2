// A series' definition "one click away" from any page: its name with an info button that opens
// a dialog (ICD-10 codes, LOINC tests, chief-complaint words, description), from GET
// /v1/syndromes `definitions`. Pages call syndromeInfoLink(ctx, id); the Syndromes page shows
// the same view in place (definitionView).
import type { PageContext, SyndromeDefinition } from './contract.ts';
import { el } from './dom.ts';
import './syndrome-info.css';

let cached: Promise<SyndromeDefinition[]> | undefined;

/** The definitions, read once per load of the application (and again after a failure). */
export function loadDefinitions(ctx: Pick<PageContext, 'api'>): Promise<SyndromeDefinition[]> {
  cached ??= ctx
    .api<{ series: string[]; definitions?: SyndromeDefinition[] }>('/v1/syndromes')
    .then((r) => r.definitions ?? [])
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return cached;
}

function codeList(id: string, items: readonly string[], empty: string): HTMLElement {
  if (items.length === 0) return el('p', { class: 'muted', id, text: empty });
  return el('ul', { class: 'codes', id }, ...items.map((c) => el('li', {}, el('code', { text: c }))));
}

/** The definition of one series, in the current language (the other language's name beside it). */
export function definitionView(ctx: Pick<PageContext, 't' | 'lang'>, d: SyndromeDefinition): HTMLElement {
  const other = ctx.lang === 'vi' ? 'en' : 'vi';
  return el(
    'section',
    { class: 'syndrome-definition', 'data-id': d.id },
    el('h3', { class: 'def-name', tabindex: '-1', text: d.name[ctx.lang] }),
    el('p', { class: 'def-description', text: d.description[ctx.lang] }),
    el(
      'dl',
      { class: 'def-meta' },
      el('dt', { text: ctx.t('syndromeInfo.id') }),
      el('dd', {}, el('code', { text: d.id })),
      el('dt', { text: ctx.t('syndromeInfo.otherName') }),
      el('dd', { lang: other, text: d.name[other] }),
    ),
    el('h4', { text: ctx.t('syndromeInfo.icd10') }),
    codeList('def-icd10', d.icd10, ctx.t('syndromeInfo.noIcd10')),
    el('h4', { text: ctx.t('syndromeInfo.loinc') }),
    codeList('def-loinc', d.loinc, ctx.t('syndromeInfo.noLoinc')),
    el('h4', { text: ctx.t('syndromeInfo.keywords') }),
    d.keywords.length === 0
      ? el('p', { class: 'muted', id: 'def-keywords', text: ctx.t('syndromeInfo.noKeywords') })
      : el('ul', { class: 'keywords', id: 'def-keywords', lang: 'vi' }, ...d.keywords.map((k) => el('li', { text: k }))),
  );
}

/** Opens the definition of `id` in a modal dialog (closed by its button, Escape or a click outside). */
export async function openDefinition(ctx: PageContext, id: string): Promise<void> {
  const defs = await loadDefinitions(ctx);
  const d = defs.find((x) => x.id === id);
  const close = el('button', { type: 'button', class: 'dialog-close', text: ctx.t('syndromeInfo.close') });
  const dialog = el(
    'dialog',
    { class: 'syndrome-dialog', 'aria-label': ctx.t('syndromeInfo.open', { name: ctx.syndromeName(id) }) },
    d ? definitionView(ctx, d) : el('p', { text: ctx.t('syndromeInfo.unknown', { id }) }),
    close,
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/** The series' name in the current language with an info button that opens its definition. */
export function syndromeInfoLink(ctx: PageContext, id: string): HTMLElement {
  const name = ctx.syndromeName(id);
  const button = el('button', {
    type: 'button',
    class: 'info-button',
    'data-syndrome': id,
    title: ctx.t('syndromeInfo.open', { name }),
    'aria-label': ctx.t('syndromeInfo.open', { name }),
    text: 'ⓘ',
  });
  button.addEventListener('click', (e) => {
    e.preventDefault();
    e.stopPropagation();
    void openDefinition(ctx, id);
  });
  return el('span', { class: 'syndrome-info' }, el('span', { class: 'syndrome-name', text: name }), ' ', button);
}
