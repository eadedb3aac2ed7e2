// The signed-in user's notifications (GET/PUT /v1/me/subscription): whether, from which level,
// on which channels and for which syndromes they are told of alerts. A PUT sends the fields of
// the form; the server checks them against the user (a channel needs its address) and its
// message, naming the field, is shown as it comes.
import { HttpError, type PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import type { Subscription } from './types.ts';

const CHANNELS = ['email', 'sms', 'webhook'] as const;

function check(id: string, label: string, checked: boolean, value?: string): [HTMLLabelElement, HTMLInputElement] {
  const input = el('input', { type: 'checkbox', id, checked, ...(value === undefined ? {} : { value }) });
  return [el('label', { class: 'check', for: id }, input, ' ', label), input];
}

/** The subscription section, filled once its answer comes; `syndromes` are the ids one may subscribe to. */
export function subscriptionSection(ctx: PageContext, syndromes: readonly string[]): { node: HTMLElement; load(): Promise<void> } {
  const t = ctx.t;
  const body = el('div', { id: 'subscription-body' });
  const node = el(
    'details',
    { id: 'subscription', class: 'subscription' },
    el('summary', { id: 'subscription-title', text: t('inbox.sub.title') }),
    body,
  );
  const render = (s: Subscription, message?: { text: string; kind: 'ok' | 'error' }) => {
    const [activeLabel, active] = check('sub-active', t('inbox.sub.active'), s.active);
    const minLevel = el(
      'select',
      { id: 'sub-min-level' },
      ...(['yellow', 'red'] as const).map((l) => el('option', { value: l, text: t(`inbox.level.${l}`), selected: s.min_level === l })),
    );
    const channels = CHANNELS.map((c) => check(`sub-channel-${c}`, t(`inbox.sub.channel.${c}`), s.channels.includes(c), c));
    const webhook = el('input', { id: 'sub-webhook-url', type: 'url', value: s.webhook_url ?? '', maxlength: '2000' });
    const [allLabel, all] = check('sub-all', t('inbox.sub.all'), s.syndromes === 'all');
    const chosen = syndromes.map((id) =>
      check(`sub-syndrome-${id}`, ctx.syndromeName(id), s.syndromes !== 'all' && s.syndromes.includes(id), id),
    );
    const syncAll = () => {
      for (const [, input] of chosen) input.disabled = all.checked;
    };
    all.addEventListener('change', syncAll);
    syncAll();
    const note = el('p', {
      id: 'sub-message',
      class: `message ${message?.kind ?? ''}`,
      role: message?.kind === 'error' ? 'alert' : 'status',
    });
    note.textContent = message?.text ?? (s.stored ? '' : t('inbox.sub.default'));
    const form = el(
      'form',
      { id: 'subscription-form', class: 'subscription-form' },
      el('p', {}, activeLabel),
      el('label', { for: 'sub-min-level' }, t('inbox.sub.min_level'), ' ', minLevel),
      el('fieldset', {}, el('legend', { text: t('inbox.sub.channels') }), ...channels.map(([l]) => l)),
      el('label', { for: 'sub-webhook-url' }, t('inbox.sub.webhook_url'), ' ', webhook),
      el('fieldset', { class: 'syndromes' }, el('legend', { text: t('inbox.sub.syndromes') }), allLabel, ...chosen.map(([l]) => l)),
      el('p', {}, el('button', { type: 'submit', id: 'sub-save', text: t('inbox.sub.save') })),
      note,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const change = {
        active: active.checked,
        min_level: minLevel.value,
        channels: channels.filter(([, i]) => i.checked).map(([, i]) => i.value),
        webhook_url: webhook.value.trim() === '' ? null : webhook.value.trim(),
        syndromes: all.checked ? 'all' : chosen.filter(([, i]) => i.checked).map(([, i]) => i.value),
      };
      ctx
        .api<{ subscription: Subscription }>('/v1/me/subscription', { method: 'PUT', body: change })
        .then((r) => render(r.subscription, { text: t('inbox.sub.saved'), kind: 'ok' }))
        .catch((err: unknown) => {
          note.textContent = err instanceof Error ? err.message : String(err);
          note.className = 'message error';
          note.setAttribute('role', 'alert');
        });
    });
    body.replaceChildren(form);
  };
  return {
    node,
    async load() {
      try {
        render((await ctx.api<{ subscription: Subscription }>('/v1/me/subscription')).subscription);
      } catch (err) {
        // The admin token is no user: nothing to subscribe.
        if (err instanceof HttpError && err.status === 404)
          body.replaceChildren(el('p', { class: 'muted', id: 'sub-unavailable', text: t('inbox.sub.unavailable') }));
        else
          body.replaceChildren(
            el('p', { class: 'error', text: t('inbox.error', { message: err instanceof Error ? err.message : String(err) }) }),
          );
      }
    },
  };
}
