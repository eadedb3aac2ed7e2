// The dashboard page: open alerts on the left, a chosen daily series with its detection
// threshold on the right. Plain browser JavaScript against the read API; refreshes itself.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let units = [];
  let chart;
  let selectedAlert = null;

  const unitName = (code, level) => {
    if (level === 'province') {
      const p = units.find((x) => x.province_code === code);
      return p ? `Tỉnh ${p.province_name}` : code;
    }
    const u = units.find((x) => x.code === code);
    return u ? `${u.type === 'phuong' ? 'P.' : 'X.'} ${u.name} (${u.province_name})` : code;
  };

  async function getJson(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  }

  async function init() {
    const [u, s] = await Promise.all([getJson('/v1/units'), getJson('/v1/syndromes')]);
    units = u.units;
    const syn = $('syndrome');
    for (const id of s.series.filter((x) => !x.startsWith('_'))) syn.add(new Option(id, id));
    const com = $('commune');
    for (const prov of [...new Set(units.map((x) => x.province_name))]) {
      const group = document.createElement('optgroup');
      group.label = prov;
      for (const x of units.filter((y) => y.province_name === prov)) group.appendChild(new Option(`${x.name} (${x.code})`, x.code));
      com.appendChild(group);
    }
    for (const el of [syn, com, $('days')])
      el.addEventListener('change', () => {
        selectedAlert = null;
        renderChart();
      });
    await refresh();
    setInterval(refresh, 5000);
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

  init().catch((err) => {
    $('status').textContent = err.message;
  });
})();
