/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { postAndSettle, type TestPipeline } from '../helpers/pipeline.ts';
import { dengue, startAlertPipeline } from '../helpers/alert-pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

// The overview map in a real browser against a real pipeline: a dengue spike in 09187 (Bắc
// Ninh) opens a red alert through the alert pipeline; the Bắc Ninh officer's home page draws
// one path per commune of the province, 09187 in red, and clicking it opens the side panel
// with its counts, its alert and the links. The Hưng Yên officer's map (negative control) has
// none of Bắc Ninh's communes and nothing red.
let p: TestPipeline;
let browser: Browser;
let url: string;
const now = Date.parse('2026-11-20T12:00:00+07:00');
const PASSWORD = 'overview test password 2026';
const RED = '#d7301f';

if (!browserAvailable) console.warn(`overview map browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(browserAvailable)('the overview map in a real browser', () => {
  beforeAll(async () => {
    const passwordHash = await hashPassword(PASSWORD);
    const users: [string, Jurisdiction][] = [
      ['bn.officer', { level: 'province', province: '24' }],
      ['hy.officer', { level: 'province', province: '33' }],
    ];
    p = await startAlertPipeline({
      now: () => now,
      env: { PORT: '0' },
      before: async (pipeline) => {
        for (const [username, jurisdiction] of users)
          await pipeline.access.users.add({ username, role: 'officer', jurisdiction, passwordHash });
      },
    });
    await postAndSettle(p, dengue('2026-11-20', 9));
    const page = await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 });
    expect(page.alerts.map((a) => [a.level, a.area.communes])).toEqual([['red', ['09187']]]);
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  const communesOf = (province: string) =>
    p.units
      .all()
      .filter((u) => u.provinceCode === province)
      .map((u) => u.code)
      .sort();
  const drawn = (w: WatchedPage) =>
    w.page
      .locator('#overview-map path[data-code]')
      .evaluateAll((ps) =>
        ps.map((x) => ({ code: x.getAttribute('data-code')!, fill: x.getAttribute('fill'), level: x.getAttribute('data-level') })),
      );

  it("the province officer's map: one path per commune of the province, 09187 red; clicking it opens the panel", async () => {
    const w = await signedIn('bn.officer');
    const paths = await drawn(w);
    expect(paths.map((x) => x.code).sort()).toEqual(communesOf('24'));
    const alerted = paths.find((x) => x.code === '09187')!;
    expect(alerted).toEqual({ code: '09187', fill: RED, level: 'red' });
    expect(paths.filter((x) => x.level !== 'none').map((x) => x.code)).toEqual(['09187']);
    expect(paths.filter((x) => x.code !== '09187').every((x) => x.fill !== RED)).toBe(true);
    // The demo registry has no surveyed boundaries: the page says the shapes are approximate.
    expect(await w.page.locator('#overview-approximate').isVisible()).toBe(true);
    expect(await w.page.locator('#overview-approximate').textContent()).toContain('Ranh giới gần đúng');
    expect(await w.page.locator('#overview-counts').textContent()).toMatch(/^1 xã đỏ · 0 xã vàng · \d+ xã$/);
    // The list beside the map, usable as text.
    expect(await w.page.locator('#overview-alerted-list li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-code')))).toEqual([
      '09187',
    ]);

    await w.page.locator('#overview-map path[data-code="09187"]').click();
    await w.page.locator('#overview-panel-name').waitFor({ timeout: 10_000 });
    const name = p.units.all().find((u) => u.code === '09187')!.name;
    expect(await w.page.locator('#overview-panel-name').textContent()).toBe(name);
    expect(await w.page.locator('#overview-panel-level').getAttribute('data-level')).toBe('red');
    expect(await w.page.locator('#overview-panel-open').textContent()).toBe('1');
    expect(await w.page.locator('#overview-panel-events').textContent()).toBe('4');
    await w.page.locator('#overview-panel-alerts li[data-id]').first().waitFor({ timeout: 10_000 });
    expect(await w.page.locator('#overview-panel-alerts li[data-id]').count()).toBe(1);
    expect(await w.page.locator('#overview-link-series').getAttribute('href')).toBe('/series?area=09187&syndrome=dengue');
    expect(await w.page.locator('#overview-link-alerts').getAttribute('href')).toBe('/alerts?commune=09187');
    mkdirSync('test-results/screenshots', { recursive: true });
    await w.page.screenshot({ path: 'test-results/screenshots/overview.png', fullPage: true });
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 90_000);

  it('on a phone (390 px) the panel goes below the map', async () => {
    const w = await signedIn('bn.officer', { width: 390, height: 844 });
    const map = (await w.page.locator('#overview-map').boundingBox())!;
    const panel = (await w.page.locator('#overview-panel').boundingBox())!;
    expect(panel.y).toBeGreaterThanOrEqual(map.y + map.height);
    expect(map.width).toBeLessThanOrEqual(390);
    await w.page.screenshot({ path: 'test-results/screenshots/overview-phone.png', fullPage: true });
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 60_000);

  it("negative control: the other province's officer sees none of Bắc Ninh's communes and nothing red", async () => {
    const w = await signedIn('hy.officer');
    const paths = await drawn(w);
    expect(paths.map((x) => x.code).sort()).toEqual(communesOf('33'));
    expect(paths.some((x) => x.code === '09187' || x.fill === RED)).toBe(false);
    expect(await w.page.locator('#overview-alerted-none').isVisible()).toBe(true);
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 60_000);

  it('new counts reach the open map through the live stream (no polling); the other province hears nothing (negative control)', async () => {
    const bn = await signedIn('bn.officer');
    const hy = await signedIn('hy.officer');
    const mapReads = (w: WatchedPage) => {
      const seen: string[] = [];
      w.page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/v1/map') seen.push(r.url());
      });
      return seen;
    };
    const bnReads = mapReads(bn);
    const hyReads = mapReads(hy);
    // Quiet: no timer reads the map again.
    await bn.page.waitForTimeout(4_000);
    expect(bnReads).toEqual([]);
    await postAndSettle(
      p,
      dengue('2026-11-20', 2).map((e, i) => ({ ...e, event_id: `live-${i}`, commune_code: '09190' })),
    );
    // No alert opened or changed (so the read comes from the counts event, not an alert event).
    expect((await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts).toHaveLength(1);
    await expect.poll(() => bnReads.length, { timeout: 15_000 }).toBeGreaterThan(0);
    // The coalescing window has passed for both: Hưng Yên's officer was not told of Bắc Ninh's counts.
    await hy.page.waitForTimeout(1_000);
    expect(hyReads).toEqual([]);
    expect(bn.errors).toEqual([]);
    expect(hy.errors).toEqual([]);
  }, 90_000);
});

/** Signs in as `username` on the home page and waits for the map's paths. */
async function signedIn(username: string, viewport = { width: 1400, height: 900 }): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, { viewport });
  await watched.page.goto(`${url}/`);
  await submitSignIn(watched.page, username, PASSWORD);
  try {
    await watched.page.locator('#overview-map path[data-code]').first().waitFor({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`no map paths; page errors: ${watched.errors.join(' | ')}; CSP: ${watched.violations.join(' | ')}`, { cause: err });
  }
  return watched;
}
