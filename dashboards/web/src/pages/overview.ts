// The overview (home) page: a map of the communes the user may see, coloured by their current
// alert level (GET /v1/map), with counts, a legend, a syndrome selector and a side panel for
// the commune clicked; beside it the list of communes with alerts, so the page is usable as
// text and on a phone (the panel goes below the map on a narrow screen). Leaflet draws the
// GeoJSON alone, without a tile layer: nothing is fetched from another server.
import { countsConcern } from '../live-counts.ts';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Page, PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { overviewMessages } from './overview.messages.ts';
import './overview.css';

type Level = 'red' | 'yellow' | null;
interface MapProps {
  code: string;
  name: string;
  province_code: string;
  province_name: string;
  approximate: boolean;
  level: Level;
  open_alerts: number;
  events_7d: number;
  top_syndrome: string | null;
}
interface MapAnswer {
  type: 'FeatureCollection';
  approximate: boolean;
  window: { from: string; to: string };
  features: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon, MapProps>[];
}
interface InboxAlert {
  id: string;
  family: string;
  level: 'red' | 'yellow';
  status: string;
  first_day: string;
  last_day: string;
}

export const FILL: Record<'red' | 'yellow' | 'none', string> = { red: '#d7301f', yellow: '#fdcc3a', none: '#e5e7eb' };
const ACTIVE = 'open,monitoring,verified,risk_assessed,risk_characterised';
const levelKey = (l: Level) => `overview.level.${l ?? 'none'}`;

function mount(root: HTMLElement, ctx: PageContext): () => void {
  const t = (key: string, params?: Record<string, string | number>) => ctx.t(key, params);
  let syndrome = '';
  let selected: string | null = null;
  let answer: MapAnswer | null = null;
  let disposed = false;

  const select = el('select', { id: 'overview-syndrome' }, el('option', { value: '', text: t('overview.syndrome.all') }));
  const note = el('p', { id: 'overview-approximate', class: 'overview-note', hidden: true, text: t('overview.approximate') });
  const counts = el('p', { id: 'overview-counts', text: t('overview.loading') });
  const windowLine = el('p', { id: 'overview-window', class: 'sub' });
  const error = el('p', { id: 'overview-error', class: 'error', role: 'alert', hidden: true });
  const legend = el(
    'ul',
    { id: 'overview-legend', class: 'overview-legend', 'aria-label': t('overview.legend') },
    ...(['red', 'yellow', 'none'] as const).map((l) => el('li', {}, el('span', { class: `swatch ${l}` }), t(`overview.level.${l}`))),
  );
  const mapBox = el('div', { id: 'overview-map', role: 'region', 'aria-label': t('overview.heading') });
  const panel = el('section', { id: 'overview-panel', 'aria-live': 'polite' }, el('p', { text: t('overview.panel.hint') }));
  const alerted = el('section', { id: 'overview-alerted', class: 'overview-alerted' });
  root.append(
    el(
      'section',
      { id: 'overview' },
      el('h2', { text: t('overview.heading') }),
      el('div', { class: 'overview-controls' }, el('label', {}, t('overview.syndrome'), ' ', select), legend, counts),
      note,
      error,
      el('div', { class: 'overview-layout' }, mapBox, el('aside', { class: 'overview-side' }, panel, alerted)),
      windowLine,
    ),
  );

  const map = L.map(mapBox, { attributionControl: false, zoomSnap: 0.25, minZoom: 6, maxZoom: 14 });
  const layer = L.geoJSON(undefined, {
    style: (f) => {
      const level = (f?.properties as MapProps | undefined)?.level ?? null;
      return { fillColor: FILL[level ?? 'none'], fillOpacity: level === null ? 0.6 : 0.85, color: '#ffffff', weight: 0.8 };
    },
    onEachFeature: (f, lyr) => {
      const p = f.properties as MapProps;
      lyr.bindTooltip(tooltipOf(p), { sticky: true });
      lyr.on('click', () => select_(p.code));
    },
  }).addTo(map);
  let fitted = false;

  function tooltipOf(p: MapProps): HTMLElement {
    return el(
      'div',
      {},
      el('strong', { text: p.name }),
      el('br'),
      t(levelKey(p.level)),
      el('br'),
      t('overview.tooltip', { events: p.events_7d, alerts: p.open_alerts }),
    );
  }

  function draw(a: MapAnswer): void {
    layer.clearLayers();
    layer.addData(a.features as unknown as GeoJSON.GeoJsonObject);
    // Leaflet draws the layers once the map has a view: fitted first, then the paths exist.
    if (!fitted && a.features.length > 0) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      fitted = true;
    }
    // Data attributes on the drawn paths: what the browser test (and a screen reader's tools) can find.
    layer.eachLayer((l) => {
      const p = ((l as L.Path & { feature?: GeoJSON.Feature }).feature?.properties ?? {}) as MapProps;
      const path = (l as L.Path).getElement();
      path?.setAttribute('data-code', p.code);
      path?.setAttribute('data-level', p.level ?? 'none');
      path?.setAttribute('aria-label', `${p.name}: ${t(levelKey(p.level))}`);
    });
    note.hidden = !a.approximate;
    const red = a.features.filter((f) => f.properties.level === 'red').length;
    const yellow = a.features.filter((f) => f.properties.level === 'yellow').length;
    counts.textContent = t('overview.counts', { red, yellow, total: a.features.length });
    windowLine.textContent = t('overview.window', { from: a.window.from, to: a.window.to });
    drawAlerted(a);
    if (selected) void showPanel(selected);
  }

  function drawAlerted(a: MapAnswer): void {
    const rank = (l: Level) => (l === 'red' ? 0 : 1);
    const withAlerts = a.features
      .map((f) => f.properties)
      .filter((p) => p.level !== null)
      .sort((x, y) => rank(x.level) - rank(y.level) || y.open_alerts - x.open_alerts || x.name.localeCompare(y.name));
    const items = withAlerts.map((p) => {
      const b = el('button', { type: 'button', 'data-code': p.code, text: p.name });
      b.addEventListener('click', () => select_(p.code));
      return el(
        'li',
        { 'data-code': p.code, 'data-level': p.level ?? 'none' },
        el('span', { class: `swatch ${p.level ?? 'none'}` }),
        b,
        ` · ${p.province_name} · ${t(levelKey(p.level))} · ${p.open_alerts}`,
      );
    });
    alerted.replaceChildren(
      el('h3', { text: t('overview.alerted') }),
      items.length > 0
        ? el('ul', { id: 'overview-alerted-list' }, ...items)
        : el('p', { id: 'overview-alerted-none', text: t('overview.alerted.none') }),
    );
  }

  function select_(code: string): void {
    selected = code;
    void showPanel(code);
  }

  function link(text: string, path: string, id: string): HTMLAnchorElement {
    const a = el('a', { href: path, id, text });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      ctx.navigate(path);
    });
    return a;
  }

  async function showPanel(code: string): Promise<void> {
    const p = answer?.features.find((f) => f.properties.code === code)?.properties;
    if (!p) return;
    const closeButton = el('button', { type: 'button', id: 'overview-panel-close', text: t('overview.panel.close') });
    closeButton.addEventListener('click', () => {
      selected = null;
      panel.replaceChildren(el('p', { text: t('overview.panel.hint') }));
    });
    const series = `/series?area=${encodeURIComponent(code)}&syndrome=${encodeURIComponent(syndrome || p.top_syndrome || 'dengue')}`;
    const alertList = el('div', { id: 'overview-panel-alerts' });
    panel.replaceChildren(
      el('h3', { id: 'overview-panel-name', text: p.name }),
      el(
        'dl',
        {},
        el('dt', { text: t('overview.panel.province') }),
        el('dd', { text: p.province_name }),
        el('dt', { text: t('overview.panel.level') }),
        el(
          'dd',
          { id: 'overview-panel-level', 'data-level': p.level ?? 'none' },
          el('span', { class: `swatch ${p.level ?? 'none'}` }),
          t(levelKey(p.level)),
        ),
        el('dt', { text: t('overview.panel.open_alerts') }),
        el('dd', { id: 'overview-panel-open', text: String(p.open_alerts) }),
        el('dt', { text: t('overview.panel.events') }),
        el('dd', { id: 'overview-panel-events', text: String(p.events_7d) }),
        el('dt', { text: t('overview.panel.top') }),
        el('dd', { text: p.top_syndrome ? ctx.syndromeName(p.top_syndrome) : t('overview.none') }),
      ),
      alertList,
      el(
        'p',
        { class: 'overview-links' },
        link(t('overview.panel.series'), series, 'overview-link-series'),
        link(t('overview.panel.inbox'), `/alerts?commune=${encodeURIComponent(code)}`, 'overview-link-alerts'),
      ),
      closeButton,
    );
    if (p.open_alerts === 0) {
      alertList.append(el('p', { text: t('overview.panel.no_alerts') }));
      return;
    }
    const family = syndrome === '' ? '' : `&syndrome=${encodeURIComponent(syndrome.replace(/^lab_/, ''))}`;
    try {
      const inbox = await ctx.api<{ alerts: InboxAlert[] }>(`/v1/alert-inbox?area=${code}&status=${ACTIVE}${family}&limit=50`);
      if (disposed || selected !== code) return;
      alertList.replaceChildren(
        el('h4', { text: t('overview.panel.alerts') }),
        el(
          'ul',
          {},
          ...inbox.alerts.map((a) =>
            el(
              'li',
              { 'data-id': a.id },
              el('span', { class: `swatch ${a.level}` }),
              link(
                `${ctx.syndromeName(a.family)} · ${t(levelKey(a.level))} · ${a.first_day} – ${a.last_day}`,
                `/alerts/${a.id}`,
                `overview-alert-${a.id}`,
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      alertList.replaceChildren(
        el('p', { class: 'error', text: t('error.load', { message: err instanceof Error ? err.message : String(err) }) }),
      );
    }
  }

  async function load(): Promise<void> {
    try {
      const a = await ctx.api<MapAnswer>(`/v1/map${syndrome === '' ? '' : `?syndrome=${encodeURIComponent(syndrome)}`}`);
      if (disposed) return;
      answer = a;
      error.hidden = true;
      draw(a);
    } catch (err) {
      if (disposed) return;
      error.textContent = t('error.load', { message: err instanceof Error ? err.message : String(err) });
      error.hidden = false;
    }
  }

  select.addEventListener('change', () => {
    syndrome = select.value;
    void load();
  });
  void ctx
    .api<{ series: string[] }>('/v1/syndromes')
    .then((s) => {
      if (disposed) return;
      for (const id of s.series.filter((x) => !x.startsWith('_'))) select.append(el('option', { value: id, text: ctx.syndromeName(id) }));
    })
    .catch(() => undefined);
  void load();
  const stopLive = ctx.onLive('alert', () => void load());
  // New counts of the syndrome shown (any, when all are) in the caller's communes: the map's
  // counts are read again (the server coalesces these events; the page has no timer).
  const stopCounts = ctx.onLive('counts', (data) => {
    if (countsConcern(data, { communes: null, syndrome: syndrome === '' ? null : syndrome, from: null, to: null })) void load();
  });
  return () => {
    disposed = true;
    stopLive();
    stopCounts();
    map.remove();
  };
}

export const page: Page = { route: '', title: 'overview.title', messages: overviewMessages, mount };
