// Small DOM helpers and the lifecycle's words in Vietnamese and English, shared by the
// inbox scripts (inbox.js, alert-detail.js, alert-chart.js) under window.ews. The page
// shows both languages side by side: Vietnamese first, English after it in a muted span.
(function () {
  'use strict';

  /** An element with attributes (`class`, `for`, data-*, hidden…) and children (nodes or text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (v === true) node.setAttribute(k, '');
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  /** Vietnamese text followed by its English in `<span class="en">`, as the page's headings do. */
  function bi(vi, en) {
    const f = document.createDocumentFragment();
    f.append(vi, ' ', el('span', { class: 'en', text: en }));
    return f;
  }

  /** Both languages in one plain string, for <option>s and messages: `vi · en`. */
  const both = (pair) => (pair ? `${pair[0]} · ${pair[1]}` : '');

  const WORDS = {
    status: {
      open: ['Mới', 'open'],
      verified: ['Đã xác minh', 'verified'],
      discarded: ['Đã loại bỏ', 'discarded'],
      monitoring: ['Đang theo dõi', 'monitoring'],
      risk_assessed: ['Đã đánh giá nguy cơ', 'risk assessed'],
      risk_characterised: ['Đã phân loại nguy cơ', 'risk characterised'],
      closed: ['Đã đóng', 'closed'],
    },
    action: {
      verify: ['Xác minh', 'Verify'],
      discard: ['Loại bỏ', 'Discard'],
      monitor: ['Theo dõi', 'Monitor'],
      assess_risk: ['Đánh giá nguy cơ', 'Assess risk'],
      characterise_risk: ['Phân loại nguy cơ', 'Characterise risk'],
      close: ['Đóng cảnh báo', 'Close'],
      reopen: ['Mở lại', 'Reopen'],
      declare_outbreak_end: ['Công bố hết dịch', 'Declare outbreak end'],
      merge: ['Gộp', 'Merge'],
    },
    level: { red: ['Đỏ', 'red'], yellow: ['Vàng', 'yellow'] },
    likelihood: {
      almost_certain: ['Gần như chắc chắn', 'almost certain'],
      highly_likely: ['Rất có khả năng', 'highly likely'],
      likely: ['Có khả năng', 'likely'],
      unlikely: ['Ít có khả năng', 'unlikely'],
      very_unlikely: ['Rất ít khả năng', 'very unlikely'],
    },
    consequence: {
      minimal: ['Không đáng kể', 'minimal'],
      minor: ['Nhẹ', 'minor'],
      moderate: ['Trung bình', 'moderate'],
      major: ['Nặng', 'major'],
      severe: ['Rất nặng', 'severe'],
    },
    risk: { low: ['Thấp', 'low'], moderate: ['Trung bình', 'moderate'], high: ['Cao', 'high'], very_high: ['Rất cao', 'very high'] },
    outcome: {
      outbreak_confirmed_ended: ['Dịch được xác nhận, đã kết thúc', 'outbreak confirmed, ended'],
      no_outbreak: ['Không có dịch', 'no outbreak'],
      false_alarm_data_error: ['Báo động giả / lỗi dữ liệu', 'false alarm / data error'],
      other: ['Khác', 'other'],
    },
    area: { commune: ['Xã/phường', 'commune'], cluster: ['Cụm', 'cluster'], province: ['Tỉnh', 'province'] },
    source: { detector: ['Thuật toán', 'detector'], rule: ['Quy tắc', 'rule'] },
  };

  /** The [vi, en] words of a code in a vocabulary, or the code itself in both. */
  const word = (kind, code) => (WORDS[kind] && WORDS[kind][code]) || [String(code), String(code)];

  /** A number for people: integers as they are, others to `digits` places; null as a dash. */
  const num = (x, digits = 1) => (x === null || x === undefined ? '–' : Number.isInteger(x) ? String(x) : Number(x).toFixed(digits));

  /** An ISO instant in Vietnam's time (the officers' clock, whatever the browser's zone), to the minute. */
  const when = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime())
      ? String(iso)
      : d.toLocaleString('vi-VN', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' });
  };

  window.ews = Object.assign(window.ews || {}, { el, bi, both, word, num, when });
})();
