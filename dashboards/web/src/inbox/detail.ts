// One alert (GET /v1/alerts/:id): its summary, the lifecycle actions this user may take as
// buttons opening small forms, its evidence (detector, p-value), its pseudonymised line list
// when the role may read it, and its steps (the audit trail). An action is posted with the
// alert's version: a 409 (changed meanwhile, or not allowed in this status) or a 403 is
// explained and the alert is read again. Its chart is the series page's: linked, not drawn.
import { HttpError, type PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import type { ActionType, LifecycleAlert, LifecycleStep } from '../../../../schemas/alert-lifecycle.ts';
import { actionForm } from './action-form.ts';
import { areaLabel, days, labelCells, num, pValue, when } from './format.ts';
import type { AlertDetailAnswer } from './types.ts';

export interface DetailHooks {
  /** Read the alert again and show it with this message. */
  reload(message?: Message): void;
  /** The alert changed here (the list should follow). */
  changed(): void;
  close(): void;
}

export interface Message {
  text: string;
  kind: 'ok' | 'error';
}

function section(id: string, title: string, ...content: (Node | null)[]): HTMLElement {
  return el('section', { id, class: 'detail-part', 'aria-labelledby': `${id}-h` }, el('h4', { id: `${id}-h`, text: title }), ...content);
}

function table(id: string, headers: string[], rows: HTMLTableRowElement[]): HTMLTableElement {
  return labelCells(
    el(
      'table',
      { id, class: 'detail-table' },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows),
    ),
  );
}

function summary(ctx: PageContext, a: LifecycleAlert): HTMLElement {
  const t = ctx.t;
  const dl = el('dl', { class: 'summary' });
  const item = (label: string, value: Node | string) => dl.append(el('dt', { text: label }), el('dd', {}, value));
  item(
    t('inbox.detail.status'),
    el('span', { class: `status status-${a.status}`, id: 'detail-status', text: t(`inbox.status.${a.status}`) }),
  );
  item(t('inbox.detail.level'), el('span', { class: `level level-${a.level}`, text: t(`inbox.level.${a.level}`) }));
  item(t('inbox.detail.area'), areaLabel(ctx, a.area));
  if (a.area.level !== 'commune' && a.area.communes.length > 0)
    item(
      t('inbox.detail.communes'),
      el(
        'ul',
        { id: 'detail-communes', class: 'communes' },
        ...a.area.communes.map((c) => el('li', { 'data-code': c, text: ctx.areaName(c) })),
      ),
    );
  item(t('inbox.detail.syndrome'), ctx.syndromeName(a.family));
  item(t('inbox.detail.days'), days(a.first_day, a.last_day));
  item(t('inbox.detail.opened'), when(ctx, a.opened_at));
  item(t('inbox.detail.version'), String(a.version));
  const r = a.risk;
  if (r.assessment)
    item(
      t('inbox.detail.assessment'),
      `${r.assessment.hazard} · ${r.assessment.exposure} · ${r.assessment.context} (${t('inbox.detail.by', { who: r.assessment.actor, when: when(ctx, r.assessment.at) })})`,
    );
  if (r.characterisation) {
    const c = r.characterisation;
    item(
      t('inbox.detail.risk_level'),
      el('span', {
        class: `risk risk-${c.level}`,
        id: 'detail-risk',
        text: `${t(`inbox.risk.${c.level}`)} (${t(`inbox.likelihood.${c.likelihood}`)} × ${t(`inbox.consequence.${c.consequence}`)})`,
      }),
    );
  }
  if (a.outcome)
    item(t('inbox.detail.outcome'), `${t(`inbox.outcome.${a.outcome.outcome}`)}${a.outcome.notes ? ` — ${a.outcome.notes}` : ''}`);
  if (a.outbreak_end)
    item(t('inbox.detail.outbreak_end'), t('inbox.detail.by', { who: a.outbreak_end.actor, when: when(ctx, a.outbreak_end.at) }));
  if (a.merged_into) item(t('inbox.detail.merged_into'), a.merged_into);
  return dl;
}

function evidence(ctx: PageContext, a: LifecycleAlert): HTMLElement {
  const t = ctx.t;
  const rows = a.evidence.map((ev) =>
    el(
      'tr',
      { 'data-algorithm': ev.algorithm, 'data-series': ev.series },
      el('td', { class: 'detector', text: `${t(`inbox.source.${ev.source}`)}: ${ev.algorithm}` }),
      el('td', {
        text: ev.granularity === 'week' ? t('inbox.week', { series: ctx.syndromeName(ev.series) }) : ctx.syndromeName(ev.series),
      }),
      el('td', { text: areaLabel(ctx, { level: ev.area_level, code: ev.area_code, communes: ev.cluster_communes }) }),
      el('td', { text: ev.day }),
      el('td', { class: 'n', text: num(ev.observed) }),
      el('td', { class: 'n', text: num(ev.expected) }),
      el('td', { class: 'n', text: num(ev.threshold) }),
      el('td', { class: 'n p-value', text: pValue(ev.p_value) }),
      el('td', {}, el('span', { class: `level level-${ev.level}`, text: t(`inbox.level.${ev.level}`) })),
    ),
  );
  const headers = ['source', 'series', 'area', 'day', 'observed', 'expected', 'threshold', 'p_value', 'level'].map((k) =>
    t(`inbox.evidence.${k}`),
  );
  return section('detail-evidence', t('inbox.evidence'), el('div', { class: 'scroll' }, table('evidence', headers, rows)));
}

/** What a step carried besides its notes, in words. */
function stepDetails(ctx: PageContext, s: LifecycleStep): string {
  const d = s.details as Record<string, string | undefined>;
  const parts: string[] = [];
  for (const k of ['hazard', 'exposure', 'context', 'reason'] as const) {
    const v = d[k];
    if (v) parts.push(ctx.t(`inbox.steps.${k}`, { text: v }));
  }
  if (d['likelihood'] && d['consequence'])
    parts.push(
      ctx.t('inbox.steps.risk', {
        likelihood: ctx.t(`inbox.likelihood.${d['likelihood']}`),
        consequence: ctx.t(`inbox.consequence.${d['consequence']}`),
        level: ctx.t(`inbox.risk.${d['level'] ?? ''}`),
      }),
    );
  if (d['outcome']) parts.push(ctx.t(`inbox.outcome.${d['outcome']}`));
  if (d['into']) parts.push(ctx.t('inbox.steps.into', { id: d['into'] }));
  return parts.join('; ');
}

function steps(ctx: PageContext, list: LifecycleStep[]): HTMLElement {
  const t = ctx.t;
  if (list.length === 0)
    return section('detail-steps', t('inbox.steps'), el('p', { class: 'muted', id: 'no-steps', text: t('inbox.steps.none') }));
  const rows = list.map((s) =>
    el(
      'tr',
      { 'data-action': s.action, 'data-version': String(s.version) },
      el('td', { text: when(ctx, s.at) }),
      el('td', { class: 'actor', text: s.actor }),
      el('td', { class: 'action', 'data-code': s.action, text: t(`inbox.action.${s.action}`) }),
      el('td', { text: `${t(`inbox.status.${s.from}`)} → ${t(`inbox.status.${s.to}`)}` }),
      el('td', { class: 'notes', text: [s.notes ?? '', stepDetails(ctx, s)].filter((x) => x !== '').join(' — ') }),
    ),
  );
  const headers = ['when', 'who', 'action', 'status', 'notes'].map((k) => t(`inbox.steps.${k}`));
  return section('detail-steps', t('inbox.steps'), table('steps', headers, rows));
}

const LINE_LIST_COLUMNS = [
  'day',
  'occurred_at',
  'commune_code',
  'hospital_id',
  'patient_key',
  'sex',
  'age_years',
  'setting',
  'diagnoses',
  'temperature_c',
  'test_code',
  'result',
  'syndromes',
];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => cell(x)).join(', ');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The pseudonymised line list, or why it is withheld; columns in a fixed order, unknown ones after them. */
function lineList(ctx: PageContext, body: AlertDetailAnswer): HTMLElement | null {
  const t = ctx.t;
  const title = t('inbox.linelist');
  const list = body.line_list;
  if (list === null || !Array.isArray(list.rows)) {
    if (!body.line_list_withheld) return null;
    return section(
      'detail-line-list',
      title,
      el('p', {
        id: 'line-list-withheld',
        class: 'muted',
        text: t('inbox.linelist.withheld', { permission: body.line_list_withheld.permission }),
      }),
    );
  }
  if (list.rows.length === 0) return section('detail-line-list', title, el('p', { class: 'muted', text: t('inbox.linelist.none') }));
  const present = new Set(list.rows.flatMap((r) => Object.keys(r)));
  const columns = [...LINE_LIST_COLUMNS.filter((k) => present.has(k)), ...[...present].filter((k) => !LINE_LIST_COLUMNS.includes(k))].slice(
    0,
    20,
  );
  const tbl = labelCells(
    el(
      'table',
      { id: 'line-list', class: 'detail-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...columns.map((k) =>
            el('th', { scope: 'col', 'data-key': k, text: LINE_LIST_COLUMNS.includes(k) ? t(`inbox.linelist.${k}`) : k }),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        ...list.rows.map((r) =>
          el('tr', {}, ...columns.map((k) => el('td', { text: k === 'commune_code' ? ctx.areaName(cell(r[k])) : cell(r[k]) }))),
        ),
      ),
    ),
  );
  const note = list.truncated
    ? el('p', {
        id: 'line-list-truncated',
        class: 'muted',
        text: t('inbox.linelist.truncated', { shown: list.rows.length, limit: list.limit }),
      })
    : null;
  return section('detail-line-list', title, note, el('div', { class: 'scroll' }, tbl));
}

/** The words of a refused action, with the server's own message after them. */
export function refusal(ctx: PageContext, err: unknown): string {
  if (!(err instanceof HttpError)) return ctx.t('inbox.refused.network', { message: err instanceof Error ? err.message : String(err) });
  const lead =
    err.code === 'CONFLICT'
      ? ctx.t('inbox.refused.conflict')
      : err.code === 'TRANSITION_FORBIDDEN'
        ? ctx.t('inbox.refused.transition')
        : err.status === 403
          ? ctx.t('inbox.refused.forbidden')
          : err.status === 400
            ? ctx.t('inbox.refused.invalid')
            : err.status === 401
              ? ctx.t('inbox.refused.signedout')
              : ctx.t('inbox.refused.other', { status: err.status });
  return err.message ? ctx.t('inbox.refused.with', { lead, server: err.message }) : lead;
}

function actions(ctx: PageContext, body: AlertDetailAnswer, hooks: DetailHooks, msg: HTMLElement, say: (m: Message) => void): HTMLElement {
  const a = body.alert;
  const slot = el('div', { id: 'action-form-slot' });
  const buttons = body.allowed_actions.map((type) =>
    el('button', {
      type: 'button',
      id: `action-btn-${type}`,
      class: 'action-btn',
      'data-action': type,
      'aria-pressed': 'false',
      text: ctx.t(`inbox.action.${type}`),
    }),
  );
  const submit = async (type: ActionType, inputs: Record<string, string>, form: HTMLFormElement) => {
    const button = form.querySelector<HTMLButtonElement>('#action-submit')!;
    button.disabled = true;
    try {
      const answer = await ctx.api<{ alert: LifecycleAlert }>(`/v1/alerts/${encodeURIComponent(a.id)}/actions`, {
        method: 'POST',
        body: { type, ...inputs, version: a.version },
      });
      hooks.changed();
      hooks.reload({
        text: ctx.t('inbox.done', { action: ctx.t(`inbox.action.${type}`), status: ctx.t(`inbox.status.${answer.alert.status}`) }),
        kind: 'ok',
      });
    } catch (err) {
      // Changed or refused meanwhile: show the alert as it is now, with the reason.
      if (err instanceof HttpError && err.status === 409) {
        hooks.changed();
        hooks.reload({ text: refusal(ctx, err), kind: 'error' });
      } else say({ text: refusal(ctx, err), kind: 'error' });
    } finally {
      button.disabled = false;
    }
  };
  for (const b of buttons)
    b.addEventListener('click', () => {
      const type = b.dataset['action'] as ActionType;
      msg.hidden = true;
      for (const o of buttons) o.setAttribute('aria-pressed', String(o === b));
      const form = actionForm(
        ctx,
        type,
        (inputs, f) => void submit(type, inputs, f),
        () => {
          slot.replaceChildren();
          for (const o of buttons) o.setAttribute('aria-pressed', 'false');
        },
      );
      slot.replaceChildren(form);
      form.querySelector<HTMLElement>('select, textarea')?.focus();
    });
  return section(
    'detail-actions',
    ctx.t('inbox.actions'),
    buttons.length > 0
      ? el('p', { class: 'action-buttons' }, ...buttons)
      : el('p', { class: 'muted', id: 'no-actions', text: ctx.t('inbox.actions.none') }),
    slot,
    msg,
  );
}

/** The alert's parts, ready to replace the detail box's children. */
export function renderDetail(ctx: PageContext, body: AlertDetailAnswer, hooks: DetailHooks, message?: Message): HTMLElement[] {
  const a = body.alert;
  const msg = el('p', { id: 'action-message', role: 'status', class: 'message', hidden: true });
  const say = (m: Message) => {
    msg.textContent = m.text;
    msg.className = `message ${m.kind}`;
    msg.setAttribute('role', m.kind === 'error' ? 'alert' : 'status');
    msg.hidden = false;
  };
  const close = el('button', { type: 'button', id: 'detail-close', class: 'link', text: ctx.t('inbox.detail.close') });
  close.addEventListener('click', () => hooks.close());
  const seriesHref = `/series?alert=${encodeURIComponent(a.id)}`;
  const series = el('a', { id: 'detail-series-link', href: seriesHref, text: ctx.t('inbox.detail.series') });
  series.addEventListener('click', (e) => {
    e.preventDefault();
    ctx.navigate(seriesHref);
  });
  const changedNote = el('p', {
    id: 'detail-changed',
    class: 'message',
    role: 'status',
    hidden: true,
    text: ctx.t('inbox.detail.changed'),
  });
  const parts = [
    el(
      'div',
      { class: 'detail-head' },
      el('h3', { id: 'detail-title', tabindex: '-1', text: `${ctx.syndromeName(a.family)} · ${areaLabel(ctx, a.area)}` }),
      close,
    ),
    changedNote,
    summary(ctx, a),
    el('p', { class: 'series-link' }, series),
    actions(ctx, body, hooks, msg, say),
    evidence(ctx, a),
    lineList(ctx, body),
    steps(ctx, Array.isArray(body.steps) ? body.steps : []),
  ].filter((x): x is HTMLElement => x !== null);
  if (message) say(message);
  return parts;
}
