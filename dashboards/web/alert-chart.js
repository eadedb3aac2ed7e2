// The chart of an alert's series (`series` of GET /v1/alerts/:id): observed counts as bars
// (red above the upper bound), the expected count as a dashed line and the detection upper
// bound as a stepped line, in plain SVG (no script or style from elsewhere: the CSP holds).
(function () {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';
  const W = 640;
  const H = 240;
  const PAD = { left: 36, right: 8, top: 10, bottom: 28 };

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c);
    return node;
  }

  /** Whether `s` has the shape the chart needs (another build may answer without it). */
  function chartable(s) {
    return (
      s &&
      Array.isArray(s.days) &&
      Array.isArray(s.observed) &&
      s.days.length > 0 &&
      s.observed.length === s.days.length &&
      (!Array.isArray(s.expected) || s.expected.length === s.days.length) &&
      (!Array.isArray(s.upperbound) || s.upperbound.length === s.days.length)
    );
  }

  /** A polyline path through the non-null values; a null breaks the line. */
  function linePath(values, x, y, stepped) {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      if (!pen) d += `M${x(i, stepped ? 0 : 0.5)},${y(v)}`;
      else if (stepped) d += `H${x(i, 0)}V${y(v)}`;
      else d += `L${x(i, 0.5)},${y(v)}`;
      if (stepped) d += `H${x(i, 1)}`;
      pen = true;
    });
    return d;
  }

  /** The figure for a series, or null when there is nothing to draw. */
  function seriesChart(s) {
    const { el, bi } = window.ews;
    if (!chartable(s)) return null;
    const n = s.days.length;
    const expected = Array.isArray(s.expected) ? s.expected : [];
    const upper = Array.isArray(s.upperbound) ? s.upperbound : [];
    const finite = (v) => typeof v === 'number' && Number.isFinite(v);
    const top = Math.max(1, ...s.observed.filter(finite), ...expected.filter(finite), ...upper.filter(finite));
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const slot = plotW / n;
    const x = (i, at) => (PAD.left + (i + at) * slot).toFixed(1);
    const y = (v) => (PAD.top + plotH - (v / top) * plotH).toFixed(1);
    const root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      class: 'series-chart',
      'aria-label': `${s.syndrome || ''} ${s.area || ''}: ${s.days[0]} – ${s.days[n - 1]}`,
    });
    // Axis: 0, the middle and the top, in whole cases.
    for (const v of [0, Math.round(top / 2), Math.ceil(top)]) {
      root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
      root.append(svg('text', { x: PAD.left - 4, y: y(v), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, String(v)));
    }
    s.observed.forEach((v, i) => {
      if (!finite(v)) return;
      const over = finite(upper[i]) && v > upper[i];
      const bar = svg('rect', {
        x: x(i, 0.1),
        y: y(v),
        width: Math.max(1, slot * 0.8).toFixed(1),
        height: ((v / top) * plotH).toFixed(1),
        class: over ? 'bar over' : 'bar',
        'data-day': s.days[i],
      });
      bar.append(svg('title', {}, `${s.days[i]}: ${v}${finite(upper[i]) ? ` / ${Number(upper[i]).toFixed(1)}` : ''}`));
      root.append(bar);
    });
    if (expected.some(finite)) root.append(svg('path', { d: linePath(expected, x, y, false), class: 'expected' }));
    if (upper.some(finite)) root.append(svg('path', { d: linePath(upper, x, y, true), class: 'upper' }));
    // First, middle and last day under the axis.
    for (const i of [...new Set([0, Math.floor((n - 1) / 2), n - 1])]) {
      const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      root.append(svg('text', { x: x(i, i === 0 ? 0 : i === n - 1 ? 1 : 0.5), y: H - 8, class: 'tick', 'text-anchor': anchor }, s.days[i]));
    }
    const legend = el(
      'p',
      { class: 'legend muted' },
      el('span', { class: 'key bar' }),
      bi('Số ca', 'observed'),
      ' ',
      el('span', { class: 'key expected' }),
      bi('Kỳ vọng', 'expected'),
      ' ',
      el('span', { class: 'key upper' }),
      bi('Ngưỡng', 'upper bound'),
    );
    return el('figure', { class: 'alert-chart', id: 'alert-chart' }, root, legend);
  }

  window.ews = Object.assign(window.ews || {}, { seriesChart });
})();
