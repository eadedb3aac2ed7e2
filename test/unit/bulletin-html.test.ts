import { describe, expect, it } from 'vitest';
import { isSafeSvg, renderBulletinHtml } from '../../dashboards/bulletin/bulletin-html.ts';
import { BULLETIN_MESSAGES } from '../../dashboards/bulletin/bulletin-messages.ts';
import { bulletinMapSvg, mapKey, MAX_MARKS } from '../../dashboards/bulletin/bulletin-map.ts';
import { sampleBulletin } from '../helpers/bulletin-data.ts';

const html = (lang: 'vi' | 'en' = 'vi', over = {}, mapSvg?: string) => renderBulletinHtml(sampleBulletin(over), { lang, mapSvg });

describe('the bulletin document', () => {
  it.each([
    [
      'vi',
      'Bản tin giám sát hội chứng hằng tuần',
      'từ 16/11/2026 đến 22/11/2026',
      '08:30 23/11/2026',
      'Không phải ổ dịch',
      'Sốt xuất huyết Dengue',
    ],
    ['en', 'Weekly syndromic surveillance bulletin', '16 Nov 2026 to 22 Nov 2026', '23 Nov 2026 08:30', 'No outbreak', 'Dengue'],
  ] as const)('in %s: title, week dates, issue time in Vietnam time, outcome, syndrome names', (lang, ...texts) => {
    const doc = html(lang);
    expect(doc).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${lang}">`));
    for (const text of texts) expect(doc).toContain(text);
    expect(doc).toContain('Bắc Ninh (24)');
    expect(doc).toContain('2026-W47');
  });

  it('both languages have the same message keys', () => {
    expect(Object.keys(BULLETIN_MESSAGES.en).sort()).toEqual(Object.keys(BULLETIN_MESSAGES.vi).sort());
  });

  it('is standalone: A4, CSS inside, no script, nothing loaded from elsewhere', () => {
    const doc = html();
    expect(doc).toContain('@page { size: A4;');
    expect(doc).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(|@import/i);
  });

  it('the four sections: syndromes with the flag and arrows, alerts opened and closed, the map, hospitals', () => {
    const doc = html();
    expect(doc).toMatch(/<tr class="flagged" data-syndrome="dengue">.*42.*12,5.*3,36.*▲.*Có/);
    expect(doc).toMatch(/<tr class="" data-syndrome="ili">.*▼/);
    expect(doc).toMatch(
      /<table class="grid alerts" id="alerts-opened">[\s\S]*data-alert="al-opened"[\s\S]*Đỏ[\s\S]*Xã\/phường: Kinh Bắc[\s\S]*Đã xác minh/,
    );
    expect(doc).toMatch(
      /id="alerts-closed">[\s\S]*data-alert="al-closed"[\s\S]*Cụm xã: Võ Cường \+1[\s\S]*Không phải ổ dịch<br><small>cụm gia đình, đã xử lý/,
    );
    expect(doc).toMatch(/<path data-code="09187" data-level="red"/);
    expect(doc).toMatch(/<tr class="" data-hospital="BV-BN">.*7\/7.*700.*680.*103%/);
    expect(doc).toMatch(/<tr class="weak" data-hospital="BV-TS">.*4\/7/);
  });

  it.each([
    [{ kind: 'previous_years', years: [1, 2] }, 'previous_years', 'cùng tuần ISO trong 2 năm trước (2025, 2024)'],
    [{ kind: 'previous_weeks', weeks: 8 }, 'previous_weeks', 'trung bình 8 tuần liền trước'],
  ] as const)('states the basis of expected: %j', (expectedBasis, kind, text) => {
    const doc = html('vi', { expectedBasis });
    expect(doc).toContain(`data-basis="${kind}"`);
    expect(doc).toContain(text);
  });

  it('says so when a section is empty', () => {
    const doc = html('en', { syndromes: [], opened: [], closed: [], hospitals: [] });
    for (const text of [
      'No cases were recorded this week.',
      'No alert was opened this week.',
      'No alert was closed this week.',
      'No hospital of the province is registered.',
    ])
      expect(doc).toContain(text);
  });

  it('escapes every datum: a hospital, a commune, notes and an id named <script>', () => {
    const evil = '<script>alert(1)</script>';
    const base = sampleBulletin();
    const doc = renderBulletinHtml(
      sampleBulletin({
        province: { code: '24', name: evil },
        hospitals: [{ ...base.hospitals[0]!, id: `"${evil}`, name: evil }],
        communes: [{ ...base.communes[0]!, name: evil }],
        closed: [{ ...base.closed[0]!, outcomeNotes: evil, area: { ...base.closed[0]!.area, name: evil } }],
      }),
      { lang: 'vi' },
    );
    expect(doc).not.toContain('<script');
    expect(doc).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(doc).toContain('data-hospital="&quot;&lt;script&gt;');
    // Negative control: the check above finds a document that was not escaped.
    expect(renderBulletinHtml(sampleBulletin(), { lang: 'vi' }).replace('Bắc Ninh (24)', `${evil} (24)`)).toContain('<script');
  });

  it('takes the caller’s map when it is a safe SVG, and draws its own polygon map otherwise', () => {
    const polygons = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" id="polygons"><path d="M0 0L10 10"/></svg>';
    expect(html('vi', {}, polygons)).toContain('id="polygons"');
    for (const bad of [
      '<svg onload="alert(1)"></svg>',
      '<svg><script>alert(1)</script></svg>',
      '<svg><a href="javascript:alert(1)">x</a></svg>',
      '<svg><foreignObject><div></div></foreignObject></svg>',
      '<div></div>',
    ]) {
      expect(isSafeSvg(bad), bad).toBe(false);
      const doc = html('vi', {}, bad);
      expect(doc).not.toContain(bad);
      expect(doc).toContain('<path data-code="09187"');
    }
  });
});

describe('the polygon map', () => {
  const communes = sampleBulletin().communes;
  const svg = bulletinMapSvg(communes, {
    title: 'map',
    approximateNote: 'approximate',
    registry: communes.map((c) => ({ code: c.code, provinceCode: '24', lon: c.lon, lat: c.lat })),
  });
  const centre = (code: string) => {
    const d = new RegExp(`<path data-code="${code}"[^>]* d="([^"]+)"`).exec(svg)![1]!;
    const xy = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    return { x: xy.reduce((s, p) => s + p[0], 0) / xy.length, y: xy.reduce((s, p) => s + p[1], 0) / xy.length };
  };

  it('one polygon per commune filled by level; north at the top, east at the right; inside the box', () => {
    for (const c of communes) expect(svg).toMatch(new RegExp(`<path data-code="${c.code}" data-level="${c.level}"`));
    expect(centre('07627').y).toBeLessThan(centre('09187').y);
    expect(centre('07627').x).toBeGreaterThan(centre('09187').x);
    for (const m of svg.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(0);
      expect(Number(m[1])).toBeLessThanOrEqual(640);
      expect(Number(m[2])).toBeGreaterThanOrEqual(0);
      expect(Number(m[2])).toBeLessThanOrEqual(400);
    }
    expect(svg).toContain('>approximate</text>');
  });

  it('no names on the map: the alerted communes are numbered, and the document lists number → name', () => {
    expect(svg).not.toContain('class="label"');
    const key = mapKey(communes);
    expect(key.entries.length).toBeGreaterThan(0);
    expect(key.entries.every((k) => k.level === 'red' || k.level === 'yellow')).toBe(true);
    for (const k of key.entries) expect(svg).toMatch(new RegExp(`<g class="mark" data-code="${k.code}">[^]*?>${k.n}</text></g>`));
    // Communes without an alert are not numbered.
    for (const c of communes.filter((x) => x.level === 'none')) expect(svg).not.toContain(`class="mark" data-code="${c.code}"`);
    const doc = html();
    for (const k of key.entries) expect(doc).toMatch(new RegExp(`<li data-code="${k.code}" data-level="${k.level}"><b>${k.n}</b>`));
  });

  it(`numbers at most ${MAX_MARKS} communes (red first) and says how many more have an alert`, () => {
    const many = Array.from({ length: MAX_MARKS + 5 }, (_, i) => ({
      code: String(10000 + i),
      name: `Xã ${String(i).padStart(2, '0')}`,
      lat: 21 + (i % 6) * 0.01,
      lon: 106 + Math.floor(i / 6) * 0.01,
      level: i === MAX_MARKS + 4 ? ('red' as const) : ('yellow' as const),
    }));
    const key = mapKey(many);
    expect(key.entries).toHaveLength(MAX_MARKS);
    expect(key.more).toBe(5);
    expect(key.entries[0]).toMatchObject({ n: 1, level: 'red', code: String(10000 + MAX_MARKS + 4) });
    expect(html('en', { communes: many })).toContain('and 5 more communes with an alert');
  });

  it('with no alert: no number, and the key says so', () => {
    const calm = communes.map((c) => ({ ...c, level: 'none' as const }));
    expect(mapKey(calm).entries).toEqual([]);
    expect(html('en', { communes: calm })).toContain('id="map-key-none"');
  });
});
