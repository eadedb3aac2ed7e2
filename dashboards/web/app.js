// The dashboard page: the alert inbox on top (inbox.js), then open alerts on the left and a
// chosen daily series with its detection threshold on the right. Plain browser JavaScript against the read API; refreshes itself.
// Reads need a signed-in user: without one (GET /v1/session or a read answers 401) the page
// shows its sign-in form, which posts to /v1/session; the session cookie then goes with
// every same-origin request, and sign-out sends the CSRF token the sign-in answered.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let units = [];
  let chart;
  let selectedAlert = null;
  let timer = null;
  let csrfToken = sessionStorage.getItem('ews_csrf_token');

  const ROLE_NAMES = {
    officer: 'cán bộ · officer',
    epidemiologist: 'dịch tễ · epidemiologist',
    data_manager: 'quản lý dữ liệu · data manager',
    admin: 'quản trị · admin',
  };

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** The server's message of an error answer ({ error: { message } }), else the status. */
  async function errorMessage(res) {
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch {
      // Not JSON: the status says it.
    }
    return `${res.status} ${res.statusText}`;
  }

  const unitName = (code, level) => {
    if (level === 'province') {
      const p = units.find((x) => x.province_code === code);
      return p ? `Tỉnh ${p.province_name}` : code;
    }
    const u = units.find((x) => x.code === code);
    return u ? `${u.type === 'phuong' ? 'P.' : 'X.'} ${u.name} (${u.province_name})` : code;
  };

  async function getJson(url) {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new HttpError(res.status, `${url}: ${res.status} ${await errorMessage(res)}`);
    return res.json();
  }

  function showUser(user) {
    $('who-name').textContent = user.username;
    $('who-role').textContent = ROLE_NAMES[user.role] || user.role;
    $('who').hidden = false;
  }

  function showSignIn() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    $('dashboard').hidden = true;
    $('who').hidden = true;
    // Nothing of the previous user stays on the page.
    if (chart) chart.destroy();
    chart = undefined;
    selectedAlert = null;
    units = [];
    for (const id of ['syndrome', 'commune']) $(id).replaceChildren();
    document.querySelector('#alerts tbody').replaceChildren();
    window.ews.inbox.close();
    $('signin').hidden = false;
    $('status').textContent = 'Chưa đăng nhập · not signed in';
    $('signin-username').focus();
  }

  function showDashboard() {
    $('signin').hidden = true;
    $('signin-error').hidden = true;
    $('dashboard').hidden = false;
  }

  async function signIn(event) {
    event.preventDefault();
    const error = $('signin-error');
    error.hidden = true;
    $('signin-submit').disabled = true;
    try {
      const res = await fetch('/v1/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: $('signin-username').value, password: $('signin-password').value }),
      });
      if (!res.ok) {
        error.textContent = await errorMessage(res);
        error.hidden = false;
        return;
      }
      const body = await res.json();
      csrfToken = body.csrf_token || null;
      if (csrfToken) sessionStorage.setItem('ews_csrf_token', csrfToken);
      $('signin-password').value = '';
      showUser(body.user);
      await openDashboard();
    } catch (err) {
      error.textContent = `Lỗi kết nối · connection error: ${err.message}`;
      error.hidden = false;
    } finally {
      $('signin-submit').disabled = false;
    }
  }

  async function signOut() {
    const res = await fetch('/v1/session', {
      method: 'DELETE',
      credentials: 'same-origin',
      headers: csrfToken ? { 'x-csrf-token': csrfToken } : {},
    });
    if (!res.ok && res.status !== 401) {
      $('status').textContent = `Lỗi · error: ${await errorMessage(res)}`;
      return;
    }
    csrfToken = null;
    sessionStorage.removeItem('ews_csrf_token');
    showSignIn();
  }

  async function openDashboard() {
    showDashboard();
    // Units and series are read again for whoever signed in: another user sees other communes.
    await init();
    await window.ews.inbox.open({ csrf: () => csrfToken, unitName, onSignedOut: showSignIn });
    if (timer === null) timer = setInterval(refresh, 5000);
  }

  async function start() {
    $('signin-form').addEventListener('submit', (e) => void signIn(e));
    $('signout').addEventListener('click', () => void signOut());
    for (const el of [$('syndrome'), $('commune'), $('days')])
      el.addEventListener('change', () => {
        selectedAlert = null;
        renderChart();
      });
    const options = await fetch('/v1/session/options').then((r) => (r.ok ? r.json() : { oidc: false }));
    $('oidc').hidden = !options.oidc;
    const session = await fetch('/v1/session', { credentials: 'same-origin' });
    if (session.status === 401) return showSignIn();
    if (session.ok) {
      const body = await session.json();
      if (body.csrf_token) csrfToken = body.csrf_token;
      showUser(body.user || body);
    }
    // Any other answer (a build without sessions): the reads say whether the caller may read.
    try {
      await openDashboard();
    } catch (err) {
      if (err.status === 401) return showSignIn();
      throw err;
    }
  }

  async function init() {
    const [u, s] = await Promise.all([getJson('/v1/units'), getJson('/v1/syndromes')]);
    units = u.units;
    const syn = $('syndrome');
    syn.replaceChildren();
    for (const id of s.series.filter((x) => !x.startsWith('_'))) syn.add(new Option(id, id));
    const com = $('commune');
    com.replaceChildren();
    for (const prov of [...new Set(units.map((x) => x.province_name))]) {
      const group = document.createElement('optgroup');
      group.label = prov;
      for (const x of units.filter((y) => y.province_name === prov)) group.appendChild(new Option(`${x.name} (${x.code})`, x.code));
      com.appendChild(group);
    }
    await refresh();
  }

  async function refresh() {
    try {
      const { alerts } = await getJson('/v1/alerts?status=open');
      renderAlerts(alerts);
      if (!chart || selectedAlert === null) {
        if (alerts.length > 0 && selectedAlert === null && !chart) selectAlert(alerts[0]);
      }
      await renderChart();
      $('status').textContent = `Cập nhật · updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      // Signed out meanwhile (the session expired): back to the sign-in form.
      if (err.status === 401) return showSignIn();
      $('status').textContent = `Lỗi kết nối · connection error: ${err.message}`;
    }
  }

  function renderAlerts(alerts) {
    const body = document.querySelector('#alerts tbody');
    body.replaceChildren();
    $('alert-count').textContent = String(alerts.length);
    $('no-alerts').style.display = alerts.length ? 'none' : '';
    for (const a of alerts) {
      const tr = document.createElement('tr');
      tr.dataset.id = a.alert_id;
      if (selectedAlert === a.alert_id) tr.className = 'selected';
      const cells = [
        a.area_level === 'cluster'
          ? `Cụm · cluster: ${unitName(a.commune_code)} +${(a.cluster_communes || []).length - 1}`
          : unitName(a.commune_code, a.area_level),
        a.granularity === 'week' ? `${a.syndrome} (tuần/week)` : a.syndrome,
        `<span class="level-${a.level}">${a.level}</span>`,
        a.last_day,
        `${a.observed} / ${a.threshold === null ? '–' : Number(a.threshold).toFixed(1)}`,
      ];
      for (const c of cells) {
        const td = document.createElement('td');
        if (c.startsWith('<span')) td.innerHTML = c;
        else td.textContent = c;
        tr.appendChild(td);
      }
      tr.addEventListener('click', () => {
        selectAlert(a);
        renderChart();
        renderAlerts(alerts);
      });
      body.appendChild(tr);
    }
  }

  function selectAlert(a) {
    selectedAlert = a.alert_id;
    if (a.area_level === 'province') return;
    $('syndrome').value = a.syndrome;
    $('commune').value = a.commune_code;
  }

  async function renderChart() {
    const syndrome = $('syndrome').value;
    const commune = $('commune').value;
    if (!syndrome || !commune) return;
    const days = Number($('days').value);
    const data = await getJson(`/v1/series?syndrome=${encodeURIComponent(syndrome)}&commune=${commune}&days=${days}`);
    const labels = data.points.map((p) => p.date);
    const datasets = [
      {
        type: 'bar',
        label: 'Số ca · count',
        data: data.points.map((p) => p.count),
        backgroundColor: data.points.map((p) => (p.threshold !== null && p.count > p.threshold ? '#c0392b' : '#5b8db8')),
      },
      {
        type: 'line',
        label: `Ngưỡng · threshold (${data.algorithm})`,
        data: data.points.map((p) => p.threshold),
        borderColor: '#e67e22',
        pointRadius: 0,
        borderWidth: 2,
        stepped: true,
      },
      {
        type: 'line',
        label: 'Kỳ vọng · expected',
        data: data.points.map((p) => p.expected),
        borderColor: '#7f8c8d',
        borderDash: [4, 4],
        pointRadius: 0,
        borderWidth: 1,
      },
    ];
    if (!chart) {
      chart = new Chart($('chart'), {
        data: { labels, datasets },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, title: { display: true, text: 'ca/ngày · cases/day' } } },
        },
      });
    } else {
      chart.data.labels = labels;
      chart.data.datasets = datasets;
      chart.update();
    }
    $('chart-note').textContent = `${unitName(commune)} · ${syndrome} · ${labels[0]} → ${labels[labels.length - 1]}`;
  }

  start().catch((err) => {
    $('status').textContent = err.message;
  });
})();
