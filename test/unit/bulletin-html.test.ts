import { describe, expect, it } from 'vitest';
import { isSafeSvg, renderBulletinHtml } from '../../dashboards/bulletin/bulletin-html.ts';
import { BULLETIN_MESSAGES } from '../../dashboards/bulletin/bulletin-messages.ts';
import { dotMapSvg } from '../../dashboards/bulletin/bulletin-dot-map.ts';
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
    expect(doc).toMatch(/<circle [^>]*data-commune="09187" data-level="red"/);
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

  it('takes the caller’s map when it is a safe SVG, and draws the dot map otherwise', () => {
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
      expect(doc).toContain('data-commune="09187"');
    }
  });
});

describe('the dot map', () => {
  it('puts the northernmost commune at the top and the easternmost at the right', () => {
    const svg = dotMapSvg(sampleBulletin().communes, { title: 'map', width: 600, height: 400 });
    const at = (code: string) => {
      const m = new RegExp(`<circle cx="([\\d.]+)" cy="([\\d.]+)"[^>]*data-commune="${code}"`).exec(svg)!;
      return { x: Number(m[1]), y: Number(m[2]) };
    };
    expect(at('07627').y).toBeLessThan(at('09187').y);
    expect(at('07627').x).toBeGreaterThan(at('09187').x);
    for (const c of ['07627', '09187', '09190']) {
      expect(at(c).x).toBeGreaterThanOrEqual(0);
      expect(at(c).x).toBeLessThanOrEqual(600);
      expect(at(c).y).toBeGreaterThanOrEqual(0);
      expect(at(c).y).toBeLessThanOrEqual(400);
    }
    expect(svg).toContain('>Kinh Bắc</text>');
    expect(svg).not.toContain('>Đại Sơn</text>'); // only communes with an alert are labelled
  });

  it('is an empty frame without communes', () => {
    expect(dotMapSvg([], { title: 't' })).toMatch(/^<svg [^>]*><title>t<\/title><rect [^>]*\/><\/svg>$/);
  });
});
