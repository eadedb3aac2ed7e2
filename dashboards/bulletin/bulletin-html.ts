import type { BulletinAlert, BulletinData, BulletinLang, HospitalCompleteness, SyndromeRow } from './bulletin-data.ts';
import { bulletinMapSvg, LEVEL_COLOURS, mapKey } from './bulletin-map.ts';
import type { CommuneShape } from '../geo/geometry.ts';
import { bulletinText, type BulletinMessageKey } from './bulletin-messages.ts';
import { esc } from './escape.ts';
import { USUAL_WEEKS } from './bulletin-core.ts';

/**
 * The weekly bulletin as one standalone, printable HTML document (A4): CSS embedded, no
 * script, no external asset, every datum escaped. Pure: the same data give the same bytes.
 */

export interface BulletinHtmlOptions {
  lang: BulletinLang;
  /**
   * A map drawn by the caller, an SVG document. Markup that could run anything (script, event
   * handlers, javascript: links, foreignObject) is refused and the bulletin's own map drawn
   * instead. Default: the bulletin's polygon map (bulletin-map.ts).
   */
  mapSvg?: string | undefined;
  /** The commune shapes of the deployment (EWS_BOUNDARIES_GEOJSON); default approximate cells of `registry`. */
  shapes?: readonly CommuneShape[] | undefined;
  /** Every commune of the registry (centroids), for approximate cells; default the bulletin's own communes. */
  registry?: readonly { code: string; provinceCode: string; lon: number; lat: number }[] | undefined;
}

/** Whether an SVG string is a lone <svg> element without anything that runs. */
export function isSafeSvg(svg: string): boolean {
  const s = svg.trim();
  return /^<svg[\s>]/i.test(s) && /<\/svg>$/i.test(s) && !/<script|<foreignObject|<iframe|\son[a-z]+\s*=|javascript:|<!ENTITY/i.test(s);
}

const VN_OFFSET_MS = 7 * 3_600_000;

function dateText(day: string, lang: BulletinLang): string {
  const [y, m, d] = day.split('-');
  return lang === 'vi' ? `${d}/${m}/${y}` : `${d} ${MONTHS[Number(m) - 1]} ${y}`;
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An instant in Vietnam time (UTC+07:00, no daylight saving): `HH:MM dd/mm/yyyy`, or `dd Mon yyyy HH:MM`. */
function instantText(iso: string, lang: BulletinLang): string {
  const local = new Date(Date.parse(iso) + VN_OFFSET_MS).toISOString();
  const time = local.slice(11, 16);
  const date = dateText(local.slice(0, 10), lang);
  return lang === 'vi' ? `${time} ${date}` : `${date} ${time}`;
}

function num(x: number, lang: BulletinLang, digits = 1): string {
  return x.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}

export function renderBulletinHtml(data: BulletinData, options: BulletinHtmlOptions): string {
  const { lang } = options;
  const t = (key: BulletinMessageKey, params?: Record<string, string | number>) => esc(bulletinText(lang, key, params));
  const map =
    options.mapSvg !== undefined && isSafeSvg(options.mapSvg)
      ? options.mapSvg
      : bulletinMapSvg(data.communes, {
          title: bulletinText(lang, 's3.title'),
          approximateNote: bulletinText(lang, 's3.approximate'),
          shapes: options.shapes,
          registry:
            options.registry ?? data.communes.map((c) => ({ code: c.code, provinceCode: data.province.code, lon: c.lon, lat: c.lat })),
        });
  const key = mapKey(data.communes);
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${t('title')} — ${esc(data.province.name)} — ${esc(data.week.label)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="head">
<p class="source">${t('header.source')}</p>
<h1>${t('title')}</h1>
<table class="meta">
<tr><th>${t('header.province')}</th><td id="province">${esc(data.province.name)} (${esc(data.province.code)})</td></tr>
<tr><th>${t('header.week')}</th><td id="week">${esc(data.week.label)}, ${t('header.dates', { from: dateText(data.week.from, lang), to: dateText(data.week.to, lang) })}</td></tr>
<tr><th>${t('header.issued')}</th><td id="issued">${esc(instantText(data.issuedAt, lang))} (UTC+07:00)</td></tr>
</table>
</header>
${syndromeSection(data, lang, t)}
${alertSection(data, lang, t)}
<section id="map" class="map">
<h2>${t('s3.title')}</h2>
<figure>${map}
<figcaption>${t('s3.note')} <span class="key"><i style="background:${LEVEL_COLOURS.red}"></i>${t('level.red')}</span> <span class="key"><i style="background:${LEVEL_COLOURS.yellow}"></i>${t('level.yellow')}</span> <span class="key"><i style="background:${LEVEL_COLOURS.none}"></i>${t('s3.legend.none')}</span></figcaption>
</figure>
${mapKeyList(key, t)}
</section>
${hospitalSection(data.hospitals, lang, t)}
<footer>${t('footer')}</footer>
</body>
</html>
`;
}

type T = (key: BulletinMessageKey, params?: Record<string, string | number>) => string;

/** The numbers on the map and their communes, in columns; how many more communes have an alert. */
function mapKeyList(key: ReturnType<typeof mapKey>, t: T): string {
  if (key.entries.length === 0) return `<p class="note" id="map-key-none">${t('s3.key.none')}</p>`;
  const items = key.entries
    .map((k) => `<li data-code="${esc(k.code)}" data-level="${k.level}"><b>${k.n}</b> <i class="${k.level}"></i>${esc(k.name)}</li>`)
    .join('');
  const more = key.more > 0 ? `<p class="note" id="map-key-more">${t('s3.key.more', { n: key.more })}</p>` : '';
  return `<ol class="map-key" id="map-key">${items}</ol>${more}`;
}

function syndromeSection(data: BulletinData, lang: BulletinLang, t: T): string {
  const b = data.expectedBasis;
  const anyExpected = data.syndromes.some((s) => s.expected !== null);
  const basis = !anyExpected
    ? t('s1.basis.none')
    : b.kind === 'previous_years'
      ? t('s1.basis.years', { n: b.years.length, years: b.years.map((y) => Number(data.week.label.slice(0, 4)) - y).join(', ') })
      : t('s1.basis.weeks', { n: b.weeks });
  const rows = data.syndromes.map((s) => syndromeRow(s, lang, t)).join('\n');
  const table =
    data.syndromes.length === 0
      ? `<p class="empty">${t('s1.none')}</p>`
      : `<table class="grid" id="syndromes">
<thead><tr><th>${t('s1.syndrome')}</th><th class="n">${t('s1.count')}</th><th class="n">${t('s1.expected')}</th><th class="n">${t('s1.ratio')}</th><th class="c">${t('s1.trend')}</th><th class="c">${t('s1.flag')}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return `<section id="syndromes-section">
<h2>${t('s1.title')}</h2>
${table}
<p class="note" id="expected-basis" data-basis="${b.kind}">${basis} ${t('s1.threshold', { ratio: num(data.threshold.ratio, lang), min: data.threshold.minCount })}</p>
</section>`;
}

function syndromeRow(s: SyndromeRow, lang: BulletinLang, t: T): string {
  const dir = s.expected === null || s.count === s.expected ? 'same' : s.count > s.expected ? 'up' : 'down';
  const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '–';
  return `<tr class="${s.flagged ? 'flagged' : ''}" data-syndrome="${esc(s.id)}"><td>${esc(s.name[lang])}</td><td class="n">${num(s.count, lang)}</td><td class="n">${s.expected === null ? t('none') : num(s.expected, lang)}</td><td class="n">${s.ratio === null ? t('none') : num(s.ratio, lang, 2)}</td><td class="c arrow ${dir}" title="${t(`arrow.${dir}`)}">${arrow} <span class="sr">${t(`arrow.${dir}`)}</span></td><td class="c">${s.flagged ? `<b class="flag">${t('yes')}</b>` : ''}</td></tr>`;
}

function alertSection(data: BulletinData, lang: BulletinLang, t: T): string {
  const head = (closed: boolean) =>
    `<thead><tr><th>${t('s2.level')}</th><th>${t('s2.syndrome')}</th><th>${t('s2.area')}</th><th>${t('s2.days')}</th><th class="n">${t('s2.cases')}</th><th>${closed ? t('s2.closed_at') : t('s2.opened_at')}</th><th>${closed ? t('s2.outcome') : t('s2.status')}</th></tr></thead>`;
  const table = (alerts: readonly BulletinAlert[], closed: boolean, id: string, empty: BulletinMessageKey) =>
    alerts.length === 0
      ? `<p class="empty" id="${id}">${t(empty)}</p>`
      : `<table class="grid alerts" id="${id}">${head(closed)}<tbody>
${alerts.map((a) => alertRow(a, closed, lang, t)).join('\n')}
</tbody></table>`;
  return `<section id="alerts-section">
<h2>${t('s2.title')}</h2>
<h3>${t('s2.opened')} (${data.opened.length})</h3>
${table(data.opened, false, 'alerts-opened', 's2.none.opened')}
<h3>${t('s2.closed')} (${data.closed.length})</h3>
${table(data.closed, true, 'alerts-closed', 's2.none.closed')}
</section>`;
}

function alertRow(a: BulletinAlert, closed: boolean, lang: BulletinLang, t: T): string {
  const days = a.firstDay === a.lastDay ? dateText(a.firstDay, lang) : `${dateText(a.firstDay, lang)} – ${dateText(a.lastDay, lang)}`;
  const area = `${t(`area.${a.area.level}`)}: ${esc(a.area.name)}${a.area.level === 'cluster' && a.area.communes.length > 1 ? ` +${a.area.communes.length - 1}` : ''}`;
  const cases = `${num(a.observed, lang)}${a.expected === null ? '' : ` (${num(a.expected, lang)})`}`;
  const last = closed
    ? `${a.outcome === null ? t('none') : t(`outcome.${a.outcome}`)}${a.outcomeNotes ? `<br><small>${esc(a.outcomeNotes)}</small>` : ''}`
    : t(`status.${a.status}`);
  return `<tr data-alert="${esc(a.id)}"><td><span class="level ${a.level}">${t(`level.${a.level}`)}</span></td><td>${esc(a.familyName[lang])}</td><td>${area}</td><td>${days}</td><td class="n">${cases}</td><td>${esc(instantText(closed ? (a.closedAt ?? a.openedAt) : a.openedAt, lang))}</td><td>${last}</td></tr>`;
}

function hospitalSection(hospitals: readonly HospitalCompleteness[], lang: BulletinLang, t: T): string {
  const rows = hospitals.map((h) => {
    const weak = h.daysWithData < 7 || (h.ratio !== null && h.ratio < 0.5);
    return `<tr class="${weak ? 'weak' : ''}" data-hospital="${esc(h.id)}"><td>${esc(h.name)} <small>${esc(h.id)}</small></td><td class="n">${h.daysWithData}/7</td><td class="n">${num(h.events, lang)}</td><td class="n">${h.usualEvents === null ? t('none') : num(h.usualEvents, lang)}</td><td class="n">${h.ratio === null ? t('none') : `${num(h.ratio * 100, lang, 0)}%`}</td></tr>`;
  });
  const table =
    hospitals.length === 0
      ? `<p class="empty">${t('s4.none')}</p>`
      : `<table class="grid" id="hospitals"><thead><tr><th>${t('s4.hospital')}</th><th class="n">${t('s4.days')}</th><th class="n">${t('s4.events')}</th><th class="n">${t('s4.usual')}</th><th class="n">${t('s4.ratio')}</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
  return `<section id="hospitals-section">
<h2>${t('s4.title')}</h2>
${table}
<p class="note">${t('s4.note', { n: USUAL_WEEKS })}</p>
</section>`;
}

const CSS = `
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1c2529; margin: 0; line-height: 1.35; }
.head { border-bottom: 2px solid #0d47a1; margin-bottom: 10pt; padding-bottom: 6pt; }
.source { margin: 0; font-size: 8.5pt; color: #546e7a; text-transform: uppercase; letter-spacing: .03em; }
h1 { font-size: 16pt; margin: 2pt 0 6pt; color: #0d47a1; }
h2 { font-size: 12pt; margin: 14pt 0 5pt; color: #0d47a1; border-bottom: 1px solid #cfd8dc; padding-bottom: 2pt; }
h3 { font-size: 10.5pt; margin: 8pt 0 4pt; }
table.meta th { text-align: left; padding: 1pt 10pt 1pt 0; color: #546e7a; font-weight: normal; }
table.meta td { font-weight: bold; }
table.grid { width: 100%; border-collapse: collapse; }
table.grid th, table.grid td { border: 1px solid #cfd8dc; padding: 3pt 5pt; vertical-align: top; }
table.grid thead th { background: #eceff1; text-align: left; font-size: 9pt; }
table.grid tr { break-inside: avoid; }
.n { text-align: right; white-space: nowrap; }
.c { text-align: center; }
tr.flagged td { background: #ffebee; }
.flag { color: #b71c1c; }
.arrow.up { color: #c62828; }
.arrow.down { color: #2e7d32; }
.arrow.same { color: #78909c; }
.sr { font-size: 8pt; }
.level { display: inline-block; padding: 0 5pt; border-radius: 3pt; font-weight: bold; font-size: 9pt; }
.level.red { background: ${LEVEL_COLOURS.red}; color: #fff; }
.level.yellow { background: ${LEVEL_COLOURS.yellow}; color: #1c2529; }
tr.weak td { background: #fff8e1; }
small { color: #607d8b; }
.note, .empty { font-size: 8.5pt; color: #455a64; margin: 4pt 0; }
.map { break-inside: avoid; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; max-height: 95mm; }
.map-key { list-style: none; margin: 4pt 0 0; padding: 0; columns: 3; column-gap: 10pt; font-size: 8.5pt; }
.map-key li { break-inside: avoid; }
.map-key b { display: inline-block; min-width: 14pt; text-align: right; margin-right: 3pt; }
.map-key i { display: inline-block; width: 7pt; height: 7pt; margin-right: 3pt; vertical-align: -0.5pt; }
.map-key i.red { background: ${LEVEL_COLOURS.red}; }
.map-key i.yellow { background: ${LEVEL_COLOURS.yellow}; }
figcaption { font-size: 8.5pt; color: #455a64; margin-top: 3pt; }
.key { white-space: nowrap; margin-left: 6pt; }
.key i { display: inline-block; width: 8pt; height: 8pt; margin-right: 3pt; vertical-align: -1pt; border: 0.5pt solid #90a4ae; }
footer { margin-top: 14pt; font-size: 8pt; color: #78909c; border-top: 1px solid #cfd8dc; padding-top: 4pt; }
`;
