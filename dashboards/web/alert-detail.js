// One alert of the inbox (GET /v1/alerts/:id): its evidence, the chart of its series and its
// line list when the answer has them, its steps (the audit trail) and the lifecycle actions
// this user may take (allowed_actions) as buttons opening small forms. An action is posted
// with the alert's version: a 409 (changed meanwhile, or not allowed in this status) or a
// 403 is explained in both languages and the alert is read again.
(function () {
  'use strict';
  const { el, bi, both, word, num, when } = window.ews;
  const T = window.EWS_LIFECYCLE;

  const notes = { name: 'notes', kind: 'textarea', words: ['Ghi chú', 'Notes'] };
  const FIELDS = {
    verify: [notes],
    discard: [notes],
    monitor: [notes],
    assess_risk: [
      { name: 'hazard', kind: 'textarea', required: true, words: ['Đánh giá mối nguy', 'Hazard assessment'] },
      { name: 'exposure', kind: 'textarea', required: true, words: ['Đánh giá phơi nhiễm', 'Exposure assessment'] },
      { name: 'context', kind: 'textarea', required: true, words: ['Đánh giá bối cảnh', 'Context assessment'] },
      notes,
    ],
    characterise_risk: [
      { name: 'likelihood', kind: 'select', options: T.likelihoods, vocab: 'likelihood', words: ['Khả năng xảy ra', 'Likelihood'] },
      { name: 'consequence', kind: 'select', options: T.consequences, vocab: 'consequence', words: ['Hậu quả', 'Consequence'] },
      notes,
    ],
    close: [{ name: 'outcome', kind: 'select', options: T.outcomes, vocab: 'outcome', words: ['Kết luận', 'Outcome'] }, notes],
    reopen: [{ name: 'reason', kind: 'textarea', required: true, words: ['Lý do mở lại', 'Reason'] }],
    declare_outbreak_end: [notes],
  };

  /** The WHO risk level of a likelihood × consequence pair, from the served matrix. */
  const riskOf = (likelihood, consequence) => T.risk_matrix[likelihood][T.consequences.indexOf(consequence)];

  function table(id, headers, rows) {
    return el(
      'table',
      { id, class: 'detail-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headers.map(([vi, en]) => el('th', { scope: 'col' }, bi(vi, en))),
        ),
      ),
      el('tbody', {}, rows),
    );
  }

  function summary(a, ctx) {
    const { el: e } = window.ews;
    const item = (vi, en, value) => [e('dt', {}, bi(vi, en)), e('dd', {}, value)];
    const r = a.risk || {};
    return e(
      'dl',
      { class: 'summary' },
      item(
        'Trạng thái',
        'Status',
        e('span', { class: `status status-${a.status}`, id: 'detail-status', text: both(word('status', a.status)) }),
      ),
      item('Mức', 'Level', e('span', { class: `level-${a.level}`, text: both(word('level', a.level)) })),
      item('Địa bàn', 'Area', `${both(word('area', a.area.level))}: ${ctx.areaName(a.area)}`),
      item('Nhóm hội chứng', 'Syndrome', a.family),
      item('Thời gian', 'Days', a.first_day === a.last_day ? a.first_day : `${a.first_day} → ${a.last_day}`),
      item('Mở lúc', 'Opened', when(a.opened_at)),
      item('Phiên bản', 'Version', String(a.version)),
      r.assessment
        ? item(
            'Đánh giá nguy cơ',
            'Risk assessment',
            `${r.assessment.hazard} · ${r.assessment.exposure} · ${r.assessment.context} (${r.assessment.actor}, ${when(r.assessment.at)})`,
          )
        : [],
      r.characterisation
        ? item(
            'Mức nguy cơ',
            'Risk level',
            e('span', {
              class: `risk risk-${r.characterisation.level}`,
              text: `${both(word('risk', r.characterisation.level))} (${both(word('likelihood', r.characterisation.likelihood))} × ${both(word('consequence', r.characterisation.consequence))})`,
            }),
          )
        : [],
      a.outcome
        ? item('Kết luận', 'Outcome', `${both(word('outcome', a.outcome.outcome))}${a.outcome.notes ? ` — ${a.outcome.notes}` : ''}`)
        : [],
      a.outbreak_end ? item('Hết dịch', 'Outbreak ended', `${when(a.outbreak_end.at)} (${a.outbreak_end.actor})`) : [],
      a.merged_into ? item('Đã gộp vào', 'Merged into', a.merged_into) : [],
    );
  }

  function evidence(a, ctx) {
    const rows = a.evidence.map((ev) =>
      el(
        'tr',
        {},
        el('td', {}, `${both(word('source', ev.source))}: ${ev.algorithm}`),
        el('td', {}, ev.granularity === 'week' ? `${ev.series} (tuần · week)` : ev.series),
        el('td', {}, ctx.areaName({ level: ev.area_level, code: ev.area_code, communes: ev.cluster_communes })),
        el('td', {}, ev.day),
        el('td', { class: 'n' }, num(ev.observed)),
        el('td', { class: 'n' }, num(ev.expected)),
        el('td', { class: 'n' }, num(ev.threshold)),
        el('td', { class: 'n' }, ev.p_value === null ? '–' : Number(ev.p_value).toPrecision(2)),
        el('td', {}, el('span', { class: `level-${ev.level}`, text: ev.level })),
      ),
    );
    const headers = [
      ['Nguồn', 'Detector / rule'],
      ['Chuỗi', 'Series'],
      ['Địa bàn', 'Area'],
      ['Ngày', 'Day'],
      ['Số ca', 'Observed'],
      ['Kỳ vọng', 'Expected'],
      ['Ngưỡng', 'Threshold'],
      ['p', 'p-value'],
      ['Mức', 'Level'],
    ];
    return section('detail-evidence', ['Bằng chứng', 'Evidence'], table('evidence', headers, rows));
  }

  /** What an action's step carried besides its notes, in words. */
  function stepDetails(s) {
    const d = s.details || {};
    const parts = [];
    if (d.hazard) parts.push(`${both(['Mối nguy', 'hazard'])}: ${d.hazard}`);
    if (d.exposure) parts.push(`${both(['Phơi nhiễm', 'exposure'])}: ${d.exposure}`);
    if (d.context) parts.push(`${both(['Bối cảnh', 'context'])}: ${d.context}`);
    if (d.likelihood && d.consequence)
      parts.push(
        `${both(word('likelihood', d.likelihood))} × ${both(word('consequence', d.consequence))} → ${both(word('risk', d.level))}`,
      );
    if (d.outcome) parts.push(both(word('outcome', d.outcome)));
    if (d.reason) parts.push(`${both(['Lý do', 'reason'])}: ${d.reason}`);
    if (d.into) parts.push(`→ ${d.into}`);
    return parts.join('; ');
  }

  function steps(list) {
    const rows = list.map((s) =>
      el(
        'tr',
        { 'data-action': s.action, 'data-version': s.version },
        el('td', {}, when(s.at)),
        el('td', { class: 'actor' }, s.actor),
        el('td', { class: 'action' }, el('code', { text: s.action }), ' ', both(word('action', s.action))),
        el('td', {}, `${both(word('status', s.from))} → ${both(word('status', s.to))}`),
        el('td', { class: 'notes' }, [s.notes || '', stepDetails(s)].filter((x) => x !== '').join(' — ')),
      ),
    );
    const headers = [
      ['Thời gian', 'When'],
      ['Người thực hiện', 'Who'],
      ['Bước', 'Action'],
      ['Trạng thái', 'Status'],
      ['Ghi chú', 'Notes'],
    ];
    const body =
      rows.length > 0
        ? table('steps', headers, rows)
        : el('p', { class: 'muted', id: 'no-steps', text: 'Chưa có bước nào · No steps yet' });
    return section('detail-steps', ['Các bước xử lý', 'Steps'], body);
  }

  /** Columns of the line list (GET /v1/alerts/:id `line_list.rows`), in this order, with their labels. */
  const LINE_LIST_COLUMNS = [
    ['day', 'Ngày', 'Day'],
    ['occurred_at', 'Thời điểm', 'Occurred'],
    ['commune_code', 'Xã/phường', 'Commune'],
    ['hospital_id', 'Bệnh viện', 'Hospital'],
    ['patient_key', 'Mã bệnh nhân (bí danh)', 'Patient (pseudonym)'],
    ['sex', 'Giới', 'Sex'],
    ['age_years', 'Tuổi', 'Age'],
    ['setting', 'Nơi khám', 'Setting'],
    ['diagnoses', 'Chẩn đoán', 'Diagnoses'],
    ['temperature_c', 'Nhiệt độ °C', 'Temp. °C'],
    ['test_code', 'Xét nghiệm', 'Test'],
    ['result', 'Kết quả', 'Result'],
    ['syndromes', 'Hội chứng', 'Syndromes'],
  ];

  /**
   * The pseudonymised line list: `{rows, truncated, limit}`, or null with `withheld` saying why
   * (a role without read:line_list). Columns in a fixed order; a key the page does not know
   * yet is shown after them rather than dropped.
   */
  function lineList(list, withheld) {
    const title = ['Danh sách ca (bí danh)', 'Line list (pseudonymised)'];
    if (list === null || list === undefined || !Array.isArray(list.rows)) {
      if (!withheld || typeof withheld !== 'object') return null;
      return section(
        'detail-line-list',
        title,
        el('p', { id: 'line-list-withheld', class: 'muted', text: String(withheld.message ?? '') }),
      );
    }
    const rows = list.rows;
    if (rows.length === 0) return section('detail-line-list', title, el('p', { class: 'muted', text: 'Không có ca · No cases' }));
    const known = new Set(LINE_LIST_COLUMNS.map(([k]) => k));
    const present = new Set(rows.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])));
    const columns = [
      ...LINE_LIST_COLUMNS.filter(([k]) => present.has(k)),
      ...[...present].filter((k) => !known.has(k)).map((k) => [k, k, '']),
    ].slice(0, 20);
    const cell = (v) =>
      v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    const table = el(
      'table',
      { id: 'line-list', class: 'detail-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          columns.map(([k, vi, en]) => el('th', { scope: 'col', 'data-key': k }, en ? bi(vi, en) : vi)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            {},
            columns.map(([k]) => el('td', { text: cell(r && r[k]) })),
          ),
        ),
      ),
    );
    const note = list.truncated
      ? el('p', {
          id: 'line-list-truncated',
          class: 'muted',
          text: `Chỉ hiện ${rows.length} ca đầu (tối đa ${list.limit}) · Only the first ${rows.length} cases shown (at most ${list.limit})`,
        })
      : null;
    return section('detail-line-list', title, note, el('div', { class: 'scroll' }, table));
  }

  function section(id, [vi, en], ...content) {
    return el('section', { id, class: 'detail-part', 'aria-labelledby': `${id}-h` }, el('h4', { id: `${id}-h` }, bi(vi, en)), content);
  }

  /** One labelled field of an action form. */
  function field(f) {
    const id = `action-field-${f.name}`;
    const control =
      f.kind === 'select'
        ? el(
            'select',
            { id, name: f.name, required: true },
            f.options.map((o) => el('option', { value: o, text: both(word(f.vocab, o)) })),
          )
        : el('textarea', { id, name: f.name, rows: 2, maxlength: 4000, required: !!f.required });
    return el(
      'label',
      { for: id },
      bi(f.words[0], f.words[1]),
      f.required ? el('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null,
      control,
    );
  }

  /** The form of one action, with the risk level shown as the likelihood and consequence change. */
  function actionForm(type, onSubmit, onCancel) {
    const fields = FIELDS[type] || [notes];
    const form = el(
      'form',
      { id: 'action-form', class: 'action-form', 'data-action': type, 'aria-labelledby': 'action-form-h' },
      el('h5', { id: 'action-form-h' }, bi(...word('action', type))),
      fields.map(field),
    );
    if (type === 'characterise_risk') {
      const out = el('output', { id: 'action-risk-level', for: 'action-field-likelihood action-field-consequence', 'aria-live': 'polite' });
      const update = () => {
        const level = riskOf(form.elements.likelihood.value, form.elements.consequence.value);
        out.className = `risk risk-${level}`;
        out.textContent = both(word('risk', level));
      };
      form.append(el('p', { class: 'risk-line' }, bi('Mức nguy cơ', 'Risk level'), ': ', out));
      form.addEventListener('change', update);
      update();
    }
    if (type === 'close') {
      // The schema wants notes when the outcome is `other`: say so before the server does.
      const sync = () => (form.elements.notes.required = form.elements.outcome.value === 'other');
      form.elements.outcome.addEventListener('change', sync);
      sync();
    }
    form.append(
      el(
        'p',
        { class: 'form-buttons' },
        el('button', { type: 'submit', id: 'action-submit' }, bi('Xác nhận', 'Submit')),
        ' ',
        el('button', { type: 'button', id: 'action-cancel' }, bi('Hủy', 'Cancel')),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const inputs = {};
      for (const f of fields) {
        const v = form.elements[f.name].value.trim();
        if (v !== '') inputs[f.name] = v;
      }
      void onSubmit(inputs, form);
    });
    form.querySelector('#action-cancel').addEventListener('click', onCancel);
    return form;
  }

  /** The bilingual explanation of a refused action. */
  function refusal(status, error) {
    const server = (error && error.message) || '';
    const code = error && error.code;
    const lead =
      code === 'CONFLICT'
        ? 'Cảnh báo vừa được người khác thay đổi; trang đã tải lại bản mới nhất, hãy xem lại rồi thử lại. · The alert was changed by someone else meanwhile; the latest version is shown — check it and try again.'
        : code === 'TRANSITION_FORBIDDEN'
          ? 'Không thể thực hiện bước này ở trạng thái hiện tại của cảnh báo. · This action is not allowed in the alert’s current status.'
          : status === 403
            ? 'Bạn không được phép thực hiện bước này (vai trò hoặc địa bàn). · You may not take this action (your role or jurisdiction).'
            : status === 400
              ? 'Thông tin nhập chưa hợp lệ. · The form has an invalid value.'
              : status === 401
                ? 'Phiên đăng nhập đã hết hạn. · Your session has ended.'
                : `Lỗi · error ${status}.`;
    return server ? `${lead} (${server})` : lead;
  }

  /**
   * Renders the alert answer into `container`. `ctx`: { csrf(), areaName(area), reload(id, message),
   * onChanged(alert), onSignedOut() }.
   */
  function renderDetail(container, body, ctx, message) {
    const a = body.alert;
    const allowed = Array.isArray(body.allowed_actions) ? body.allowed_actions : [];
    const msg = el('p', { id: 'action-message', role: 'status', class: 'message', hidden: true });
    const formSlot = el('div', { id: 'action-form-slot' });
    const buttons = allowed.map((type) =>
      el('button', { type: 'button', id: `action-btn-${type}`, class: 'action-btn', 'data-action': type }, bi(...word('action', type))),
    );
    const say = (text, kind) => {
      msg.textContent = text;
      msg.className = `message ${kind}`;
      msg.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      msg.hidden = false;
    };
    async function submit(type, inputs, form) {
      const button = form.querySelector('#action-submit');
      button.disabled = true;
      try {
        const res = await fetch(`/v1/alerts/${encodeURIComponent(a.id)}/actions`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', ...(ctx.csrf() ? { 'x-csrf-token': ctx.csrf() } : {}) },
          body: JSON.stringify({ type, ...inputs, version: a.version }),
        });
        const answer = await res.json().catch(() => ({}));
        if (res.status === 401) return ctx.onSignedOut();
        if (!res.ok) {
          const text = refusal(res.status, answer.error);
          // Changed or refused: show the alert as it is now, with the reason.
          if (res.status === 409) {
            ctx.onChanged(null);
            return ctx.reload(a.id, { text, kind: 'error' });
          }
          return say(text, 'error');
        }
        ctx.onChanged(answer.alert);
        await ctx.reload(a.id, {
          text: `${both(word('action', type))}: ${both(word('status', answer.alert.status))} ✓`,
          kind: 'ok',
        });
      } catch (err) {
        say(`Lỗi kết nối · connection error: ${err.message}`, 'error');
      } finally {
        button.disabled = false;
      }
    }
    for (const b of buttons)
      b.addEventListener('click', () => {
        const type = b.dataset.action;
        // A new form: the previous answer's message no longer applies.
        msg.hidden = true;
        for (const o of buttons) o.setAttribute('aria-pressed', String(o === b));
        const form = actionForm(
          type,
          (inputs, f) => submit(type, inputs, f),
          () => {
            formSlot.replaceChildren();
            for (const o of buttons) o.setAttribute('aria-pressed', 'false');
          },
        );
        formSlot.replaceChildren(form);
        const first = form.querySelector('select, textarea');
        if (first) first.focus();
      });
    const actions = section(
      'detail-actions',
      ['Xử lý', 'Actions'],
      buttons.length > 0
        ? el('p', { class: 'action-buttons' }, buttons)
        : el('p', { class: 'muted', id: 'no-actions', text: 'Bạn không có bước nào để thực hiện · No actions for you on this alert' }),
      formSlot,
      msg,
    );
    const chart = body.series ? window.ews.seriesChart(body.series) : null;
    const parts = [
      el(
        'div',
        { class: 'detail-head' },
        el('h3', { id: 'detail-title', tabindex: '-1' }, `${a.family} · ${ctx.areaName(a.area)}`),
        el('button', { type: 'button', id: 'detail-close', class: 'link' }, bi('Đóng', 'Close')),
      ),
      summary(a, ctx),
      actions,
      evidence(a, ctx),
      chart
        ? section('detail-series', ['Chuỗi của cảnh báo', 'Alert series'], chart)
        : body.series === undefined || body.series === null
          ? null
          : section(
              'detail-series',
              ['Chuỗi của cảnh báo', 'Alert series'],
              el('p', { class: 'muted', text: 'Không có số liệu · No data' }),
            ),
      lineList(body.line_list, body.line_list_withheld),
      steps(Array.isArray(body.steps) ? body.steps : []),
    ];
    container.replaceChildren(...parts.filter((x) => x !== null));
    container.querySelector('#detail-close').addEventListener('click', () => ctx.close());
    if (message) say(message.text, message.kind);
  }

  window.ews = Object.assign(window.ews || {}, { renderDetail, refusal });
})();
