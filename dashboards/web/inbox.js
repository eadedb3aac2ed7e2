// The alert inbox (issue 10): the lifecycle alerts inside the signed-in user's jurisdiction
// (GET /v1/alert-inbox), red first then yellow, filtered by status, level and syndrome; one
// opens beside the list (alert-detail.js). The address follows the open alert, /alerts/<id>,
// the link notifications carry (alerts/messages.ts alertLink): opening it opens that alert.
(function () {
  'use strict';
  const { el, both, word } = window.ews;
  const T = window.EWS_LIFECYCLE;
  const $ = (id) => document.getElementById(id);
  const LEVEL_ORDER = { red: 0, yellow: 1 };
  const REFRESH_MS = 30_000;

  let ctx = null;
  let alerts = [];
  let selected = null;
  let timer = null;

  class HttpError extends Error {
    constructor(status, error) {
      super((error && error.message) || `HTTP ${status}`);
      this.status = status;
      this.error = error;
    }
  }

  async function getJson(url) {
    const res = await fetch(url, { credentials: 'same-origin' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new HttpError(res.status, body.error);
    return body;
  }

  /** The alert id the address names (/alerts/<id>), or null. */
  function idFromPath() {
    const m = /^\/alerts\/([^/]+)\/?$/.exec(location.pathname);
    return m ? decodeURIComponent(m[1]) : null;
  }

  const areaName = (area) => {
    if (area.level === 'province') return ctx.unitName(area.code, 'province');
    if (area.level === 'cluster')
      return `${both(word('area', 'cluster'))}: ${ctx.unitName(area.code)} +${Math.max(0, area.communes.length - 1)}`;
    return ctx.unitName(area.code);
  };

  function fillFilters(series) {
    const status = $('inbox-status');
    status.replaceChildren(
      new Option('Đang xử lý · active', T.active_statuses.join(',')),
      new Option('Tất cả · all', ''),
      ...T.statuses.map((s) => new Option(both(word('status', s)), s)),
    );
    const level = $('inbox-level');
    level.replaceChildren(new Option('Tất cả · all', ''), ...T.levels.map((l) => new Option(both(word('level', l)), l)));
    const syn = $('inbox-syndrome');
    syn.replaceChildren(
      new Option('Tất cả · all', ''),
      ...series.filter((x) => !x.startsWith('_') && !x.startsWith('lab_')).map((x) => new Option(x, x)),
    );
  }

  function query() {
    const q = new URLSearchParams({ limit: '500' });
    for (const [param, id] of [
      ['status', 'inbox-status'],
      ['level', 'inbox-level'],
      ['syndrome', 'inbox-syndrome'],
    ])
      if ($(id).value !== '') q.set(param, $(id).value);
    return `/v1/alert-inbox?${q}`;
  }

  /** Red first, then yellow; within a level, the one that reached it last first. */
  const byUrgency = (a, b) =>
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || (a.level_since < b.level_since ? 1 : a.level_since > b.level_since ? -1 : 0);

  async function refreshList() {
    if (!ctx) return;
    try {
      const body = await getJson(query());
      alerts = body.alerts.slice().sort(byUrgency);
      renderList(body.next_cursor !== null);
    } catch (err) {
      if (err.status === 401) return ctx.onSignedOut();
      $('inbox-note').textContent = `Lỗi · error: ${err.message}`;
    }
  }

  function renderList(more) {
    const tbody = document.querySelector('#inbox tbody');
    $('inbox-count').textContent = String(alerts.length);
    $('inbox-empty').hidden = alerts.length > 0;
    $('inbox-note').textContent = more
      ? 'Chỉ hiện 500 cảnh báo mới nhất; hãy lọc thêm · Only the newest 500 are shown; filter further'
      : '';
    tbody.replaceChildren(
      ...alerts.map((a) => {
        const link = el('a', { href: `/alerts/${encodeURIComponent(a.id)}`, 'data-id': a.id }, areaName(a.area));
        link.addEventListener('click', (e) => {
          e.preventDefault();
          void select(a.id, true);
        });
        const top = a.evidence.reduce((m, ev) => (m === null || ev.observed > m.observed ? ev : m), null);
        const tr = el(
          'tr',
          { 'data-id': a.id, 'data-level': a.level, 'data-status': a.status, class: a.id === selected ? 'selected' : null },
          el('td', {}, el('span', { class: `level-${a.level}`, text: both(word('level', a.level)) })),
          el('td', {}, link),
          el('td', {}, a.family),
          el('td', { class: 'status-cell' }, el('span', { class: `status status-${a.status}`, text: both(word('status', a.status)) })),
          el('td', {}, a.first_day === a.last_day ? a.last_day : `${a.first_day} → ${a.last_day}`),
          el('td', { class: 'n' }, top ? `${top.observed} / ${top.threshold === null ? '–' : Number(top.threshold).toFixed(1)}` : '–'),
        );
        tr.addEventListener('click', (e) => {
          if (e.target.closest('a')) return;
          void select(a.id, true);
        });
        return tr;
      }),
    );
  }

  const detailCtx = () => ({
    csrf: ctx.csrf,
    areaName,
    onSignedOut: ctx.onSignedOut,
    reload: (id, message) => loadDetail(id, message),
    onChanged: () => void refreshList(),
    close: () => void select(null, true),
  });

  async function loadDetail(id, message) {
    const box = $('alert-detail');
    box.hidden = false;
    box.setAttribute('aria-busy', 'true');
    try {
      const body = await getJson(`/v1/alerts/${encodeURIComponent(id)}`);
      if (selected !== id) return;
      window.ews.renderDetail(box, body, detailCtx(), message);
    } catch (err) {
      if (err.status === 401) return ctx.onSignedOut();
      const lead =
        err.status === 404
          ? 'Không có cảnh báo này · No such alert'
          : err.status === 403
            ? 'Cảnh báo nằm ngoài địa bàn của bạn · This alert is outside your jurisdiction'
            : 'Không mở được cảnh báo · Could not open the alert';
      box.replaceChildren(el('p', { class: 'message error', role: 'alert', id: 'detail-error', text: `${lead} (${err.message})` }));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  /** Opens an alert (or none), with the address following it. */
  async function select(id, push) {
    selected = id;
    for (const tr of document.querySelectorAll('#inbox tbody tr')) tr.classList.toggle('selected', tr.dataset.id === id);
    const path = id === null ? '/' : `/alerts/${encodeURIComponent(id)}`;
    if (push && location.pathname !== path) history.pushState({ alert: id }, '', path);
    if (id === null) {
      $('alert-detail').hidden = true;
      $('alert-detail').replaceChildren();
      return;
    }
    await loadDetail(id);
    const title = $('detail-title');
    if (push && title) title.focus({ preventScroll: true });
  }

  /** Starts the inbox for the signed-in user. `c`: { csrf(), unitName(code, level), onSignedOut() }. */
  async function open(c) {
    ctx = c;
    const s = await getJson('/v1/syndromes');
    fillFilters(s.series);
    $('inbox-panel').hidden = false;
    await refreshList();
    await select(idFromPath(), false);
    if (timer === null) timer = setInterval(() => void refreshList(), REFRESH_MS);
  }

  /** Signed out: nothing of the previous user stays on the page. */
  function close() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    ctx = null;
    alerts = [];
    selected = null;
    document.querySelector('#inbox tbody').replaceChildren();
    $('alert-detail').replaceChildren();
    $('alert-detail').hidden = true;
    $('inbox-panel').hidden = true;
  }

  for (const id of ['inbox-status', 'inbox-level', 'inbox-syndrome']) $(id).addEventListener('change', () => void refreshList());
  $('inbox-refresh').addEventListener('click', () => void refreshList());
  window.addEventListener('popstate', () => {
    if (ctx) void select(idFromPath(), false);
  });

  window.ews = Object.assign(window.ews || {}, { inbox: { open, close } });
})();
