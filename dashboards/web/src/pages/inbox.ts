// The alert inbox (route 'alerts'): the lifecycle alerts of the signed-in user's jurisdiction
// (GET /v1/alert-inbox), red first, filtered by status, level and syndrome (kept in the query
// string, so a reload or a language switch keeps them); one opens beside the list and the
// address follows it, /alerts/<id>, the link notifications carry (alerts/messages.ts alertLink).
// The list and the open alert follow the server's live updates ('alert' events): no timers.
import { HttpError, type Page, type PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { ACTIVE_STATUSES, ALERT_LEVELS, LIFECYCLE_STATUSES, type LifecycleAlert } from '../../../../schemas/alert-lifecycle.ts';
import { SYNDROME_IDS } from '../../../../schemas/code-tables/syndromes.ts';
import { renderDetail, type Message } from '../inbox/detail.ts';
import { alertTable, byUrgency } from '../inbox/list.ts';
import { inboxMessages } from '../inbox/messages.ts';
import { subscriptionSection } from '../inbox/subscription.ts';
import type { AlertDetailAnswer, InboxPage } from '../inbox/types.ts';

const LIMIT = 500;
const ACTIVE = ACTIVE_STATUSES.join(',');

function select(id: string, label: string, options: [value: string, text: string][], value: string): [HTMLLabelElement, HTMLSelectElement] {
  const s = el('select', { id, name: id }, ...options.map(([v, text]) => el('option', { value: v, text, selected: v === value })));
  return [el('label', { for: id }, label, ' ', s), s];
}

function mount(root: HTMLElement, ctx: PageContext, params: { rest: string[]; query: URLSearchParams }): () => void {
  const t = ctx.t;
  let disposed = false;
  let alerts: LifecycleAlert[] = [];
  let selected: string | null = params.rest[0] ?? null;
  /** The answer to the officer's last step on the open alert: kept when a live update reads it again. */
  let lastMessage: Message | undefined;
  /** Only the newest read of the detail is shown (a live update and a step's answer may cross). */
  let reads = 0;
  const q = params.query;

  const [statusLabel, status] = select(
    'inbox-status',
    t('inbox.filter.status'),
    [
      [ACTIVE, t('inbox.filter.active')],
      ['', t('inbox.filter.all')],
      ...LIFECYCLE_STATUSES.map((s): [string, string] => [s, t(`inbox.status.${s}`)]),
    ],
    q.get('status') ?? ACTIVE,
  );
  const [levelLabel, level] = select(
    'inbox-level',
    t('inbox.filter.level'),
    [['', t('inbox.filter.all')], ...ALERT_LEVELS.map((l): [string, string] => [l, t(`inbox.level.${l}`)])],
    q.get('level') ?? '',
  );
  const [syndromeLabel, syndrome] = select(
    'inbox-syndrome',
    t('inbox.filter.syndrome'),
    [['', t('inbox.filter.all')], ...SYNDROME_IDS.map((s): [string, string] => [s, ctx.syndromeName(s)])],
    q.get('syndrome') ?? '',
  );
  const refresh = el('button', { type: 'button', id: 'inbox-refresh', text: t('inbox.refresh') });
  const count = el('span', { id: 'inbox-count', class: 'badge', text: '0' });
  const listBox = el('div', { class: 'inbox-list' });
  const empty = el('p', { id: 'inbox-empty', class: 'muted', hidden: true, text: t('inbox.empty') });
  const note = el('p', { id: 'inbox-note', class: 'muted' });
  const detail = el('article', { id: 'alert-detail', class: 'alert-detail', 'aria-labelledby': 'detail-title', hidden: true });
  const subscription = subscriptionSection(ctx, SYNDROME_IDS);

  /** The address of the page: the open alert and the filters. */
  const address = () => {
    const s = new URLSearchParams();
    if (status.value !== ACTIVE) s.set('status', status.value);
    if (level.value) s.set('level', level.value);
    if (syndrome.value) s.set('syndrome', syndrome.value);
    const query = s.toString();
    return `/alerts${selected === null ? '' : `/${encodeURIComponent(selected)}`}${query ? `?${query}` : ''}`;
  };

  const renderList = () => {
    const table = alertTable(ctx, alerts, selected, (id) => void open(id, true));
    listBox.replaceChildren(table, empty, note);
  };

  const refreshList = async () => {
    const s = new URLSearchParams({ limit: String(LIMIT) });
    if (status.value) s.set('status', status.value);
    if (level.value) s.set('level', level.value);
    if (syndrome.value) s.set('syndrome', syndrome.value);
    try {
      const page = await ctx.api<InboxPage>(`/v1/alert-inbox?${s}`);
      if (disposed) return;
      alerts = page.alerts.slice().sort(byUrgency);
      count.textContent = String(alerts.length);
      empty.hidden = alerts.length > 0;
      note.textContent = page.next_cursor !== null ? t('inbox.more') : '';
      renderList();
    } catch (err) {
      if (disposed || (err instanceof HttpError && err.status === 401)) return;
      note.textContent = t('inbox.error', { message: err instanceof Error ? err.message : String(err) });
    }
  };

  const loadDetail = async (id: string, message?: Message) => {
    const read = ++reads;
    detail.hidden = false;
    detail.setAttribute('aria-busy', 'true');
    try {
      const body = await ctx.api<AlertDetailAnswer>(`/v1/alerts/${encodeURIComponent(id)}`);
      if (disposed || selected !== id || read !== reads) return;
      detail.replaceChildren(
        ...renderDetail(
          ctx,
          body,
          {
            reload: (m) => {
              lastMessage = m;
              void loadDetail(id, m);
            },
            changed: () => void refreshList(),
            close: () => void open(null, true),
          },
          message,
        ),
      );
    } catch (err) {
      if (disposed || (err instanceof HttpError && err.status === 401)) return;
      const lead =
        err instanceof HttpError && err.status === 404
          ? t('inbox.detail.notfound')
          : err instanceof HttpError && err.status === 403
            ? t('inbox.detail.forbidden')
            : t('inbox.detail.failed');
      detail.replaceChildren(
        el('p', {
          class: 'message error',
          role: 'alert',
          id: 'detail-error',
          text: `${lead} (${err instanceof Error ? err.message : String(err)})`,
        }),
      );
    } finally {
      detail.removeAttribute('aria-busy');
    }
  };

  /** Opens an alert (or none), the address following it. */
  const open = async (id: string | null, push: boolean) => {
    if (id !== selected) lastMessage = undefined;
    selected = id;
    for (const tr of listBox.querySelectorAll<HTMLElement>('#inbox tbody tr')) tr.classList.toggle('selected', tr.dataset['id'] === id);
    if (push) history.pushState(null, '', address());
    if (id === null) {
      detail.hidden = true;
      detail.replaceChildren();
      return;
    }
    await loadDetail(id);
    if (push) detail.querySelector<HTMLElement>('#detail-title')?.focus({ preventScroll: true });
  };

  for (const s of [status, level, syndrome])
    s.addEventListener('change', () => {
      history.replaceState(null, '', address());
      void refreshList();
    });
  refresh.addEventListener('click', () => void refreshList());

  const offLive = ctx.onLive('alert', (data) => {
    void refreshList();
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id !== selected) return;
    // A form being filled is not wiped: the officer is told and reloads by cancelling it.
    if (detail.querySelector('#action-form')) {
      const changed = detail.querySelector<HTMLElement>('#detail-changed');
      if (changed) changed.hidden = false;
    } else void loadDetail(id, lastMessage);
  });

  root.replaceChildren(
    el(
      'section',
      { id: 'inbox-panel', class: 'inbox', 'aria-labelledby': 'inbox-title' },
      el('h2', { id: 'inbox-title' }, t('inbox.title'), ' ', count),
      el('form', { id: 'inbox-filters', class: 'filters' }, statusLabel, levelLabel, syndromeLabel, refresh),
      el('div', { class: 'inbox-grid' }, listBox, detail),
      subscription.node,
    ),
  );
  renderList();
  void refreshList();
  if (selected !== null) void open(selected, false);
  void subscription.load();

  return () => {
    disposed = true;
    offLive();
  };
}

export const page: Page = {
  route: 'alerts',
  title: 'inbox.title',
  messages: inboxMessages,
  permission: 'read:aggregates',
  mount,
};
