// The Syndromes page (/syndromes[/<id>]): every series counted, by its name in the current
// language, grouped by kind; choosing one shows its definition beside the list (ICD-10 codes,
// LOINC tests, chief-complaint words, description). The address names the chosen series so
// a definition can be linked to.
import type { Page, PageContext, SyndromeDefinition } from '../contract.ts';
import { el } from '../dom.ts';
import { definitionView, loadDefinitions } from '../syndrome-info.ts';
import { syndromesMessages } from './syndromes.messages.ts';

const KINDS: readonly SyndromeDefinition['kind'][] = ['syndrome', 'lab', 'denominator'];

function mount(root: HTMLElement, ctx: PageContext, params: { rest: string[] }): () => void {
  const list = el('nav', { id: 'syndrome-list', class: 'syndrome-list', 'aria-label': ctx.t('syndromes.title') });
  const detail = el('div', { id: 'syndrome-detail', class: 'syndrome-detail', 'aria-live': 'polite' });
  const status = el('p', { id: 'syndromes-status', class: 'muted', text: ctx.t('syndromes.loading') });
  root.append(
    el('h2', { text: ctx.t('syndromes.title') }),
    el('p', { class: 'intro', text: ctx.t('syndromes.intro') }),
    status,
    el('div', { class: 'syndromes-layout' }, list, detail),
  );
  let alive = true;

  const show = (defs: readonly SyndromeDefinition[], id: string | undefined, focus = false) => {
    const d = defs.find((x) => x.id === id);
    for (const b of list.querySelectorAll<HTMLButtonElement>('button[data-id]')) {
      b.setAttribute('aria-pressed', String(b.dataset['id'] === d?.id));
    }
    detail.replaceChildren(d ? definitionView(ctx, d) : el('p', { class: 'muted', text: ctx.t('syndromes.choose') }));
    if (focus) detail.querySelector<HTMLElement>('h3')?.focus();
  };

  loadDefinitions(ctx)
    .then((defs) => {
      if (!alive) return;
      status.remove();
      if (defs.length === 0) list.append(el('p', { text: ctx.t('syndromes.none') }));
      for (const kind of KINDS) {
        const ofKind = defs.filter((d) => d.kind === kind);
        if (ofKind.length === 0) continue;
        const items = ofKind.map((d) => {
          const b = el(
            'button',
            { type: 'button', class: 'syndrome-item', 'data-id': d.id, 'aria-pressed': 'false' },
            el('span', { class: 'syndrome-name', text: d.name[ctx.lang] }),
            el('code', { class: 'syndrome-id', text: d.id }),
          );
          b.addEventListener('click', () => {
            history.replaceState(null, '', `/syndromes/${encodeURIComponent(d.id)}`);
            show(defs, d.id, true);
          });
          return el('li', {}, b);
        });
        list.append(el('h3', { text: ctx.t(`syndromes.kind.${kind}`) }), el('ul', { class: `kind-${kind}` }, ...items));
      }
      show(defs, params.rest[0]);
    })
    .catch((err: unknown) => {
      if (!alive) return;
      status.className = 'error';
      status.textContent = ctx.t('error.load', { message: err instanceof Error ? err.message : String(err) });
    });
  return () => {
    alive = false;
  };
}

export const page: Page = {
  route: 'syndromes',
  title: 'syndromes.title',
  messages: syndromesMessages,
  permission: 'read:aggregates',
  mount,
};
