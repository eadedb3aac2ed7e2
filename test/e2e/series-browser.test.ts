/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encounter, ingestHeaders, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import { dayString, parseDay } from '../../processors/count/window.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

// The series view and small multiples in a real browser against a real pipeline: a
// space-time cluster of diarrhoea in four neighbouring communes opens a cluster alert; the
// officer opens /series?alert=<id> and sees one line per commune and their total, switches to
// another commune and the cluster's lines are gone; /multiples draws one chart per commune.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
let alertId: string;
let cluster: string[];
const today = parseDay('2026-11-20');
const PASSWORD = 'series test password 2026';
const SHOTS = 'test-results/screenshots';

if (!browserAvailable) console.warn(`series browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(browserAvailable)('series view and small multiples in a real browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    p = await startTestPipeline({
      clock: { now: () => Date.parse('2026-11-20T20:00:00+07:00') },
      env: { PORT: '0', EWS_SCAN_REPLICATIONS: '999' },
    });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const units = p.units.all();
    const centre = '09187';
    const around = [centre, ...p.units.neighbours(centre, 3).map((u) => u.code)];
    const events: Record<string, unknown>[] = [];
    for (let d = today - 89; d <= today; d++)
      for (let k = 0; k < 3; k++) {
        const u = units[(d * 7 + k * 31) % units.length]!;
        if (around.includes(u.code)) continue;
        events.push(
          encounter({ event_id: `bg-${d}-${k}`, commune_code: u.code, occurred_at: `${dayString(d)}T09:00:00+07:00`, diagnoses: ['A09'] }),
        );
      }
    for (let d = today - 2; d <= today; d++)
      for (const c of around)
        for (let i = 0; i < 2; i++)
          events.push(
            encounter({
              event_id: `cl-${d}-${c}-${i}`,
              commune_code: c,
              occurred_at: `${dayString(d)}T10:00:00+07:00`,
              diagnoses: ['A09'],
            }),
          );
    const res = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
      payload: JSON.stringify(events),
    });
    expect(res.json()).toMatchObject({ accepted: events.length });
    await p.settle();
    await p.detect.runDay(today);
    await p.settle();
    const found = await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 });
    const a = found.alerts.find((x) => x.area.level === 'cluster');
    expect(a, JSON.stringify(found.alerts.map((x) => x.area))).toBeDefined();
    alertId = a!.id;
    cluster = a!.area.communes;
    expect(cluster.length).toBeGreaterThanOrEqual(2);
    // The officer of the province the whole cluster lies in (else a national one: a cluster across provinces needs both).
    const provinces = new Set(cluster.map((c) => units.find((u) => u.code === c)!.provinceCode));
    const jurisdiction: Jurisdiction = provinces.size === 1 ? { level: 'province', province: [...provinces][0]! } : { level: 'national' };
    await p.access.users.add({ username: 'officer', role: 'officer', jurisdiction, passwordHash: await hashPassword(PASSWORD) });
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  const nameOf = (code: string) => p.units.all().find((u) => u.code === code)!.name;
  const chartText = (w: WatchedPage) => w.page.locator('#series-chart svg').evaluate((s) => s.textContent ?? '');

  it('a cluster alert: one line per commune and their total, the detector and p-value; another area replaces them', async () => {
    const w = await signedIn(`/series?alert=${alertId}`);
    const { page } = w;
    await page.locator('#series-chart svg').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#series-chart').getAttribute('data-lines'), { timeout: 15_000 }).toBe(String(cluster.length));
    // The legend names every commune of the alert, and the total.
    const text = await chartText(w);
    for (const c of cluster) expect(text).toContain(nameOf(c));
    expect(text).toContain('Tổng');
    // The alert: its detector, p-value, level and link.
    expect(await page.locator('#series-alert-detector').textContent()).toContain('space_time_permutation_scan');
    expect(await page.locator('#series-alert-pvalue').textContent()).toMatch(/\d/);
    expect(await page.locator('#series-alert-level').textContent()).toBe('Đỏ');
    expect(await page.locator('#series-alert-link').getAttribute('href')).toBe(`/alerts/${alertId}`);
    expect(await page.locator('#series-syndrome').inputValue()).toBe('acute_diarrhoea');
    // The alarm marker of the cluster sits on the total (a red point).
    expect(await page.locator('#series-chart svg path[fill="#c0392b"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/series.png`, fullPage: true });

    // Another commune of the province: the cluster's lines are gone, the chart is that commune's.
    const province = p.units.all().find((u) => u.code === cluster[0])!.provinceCode;
    const other = p.units.all().find((u) => u.provinceCode === province && !cluster.includes(u.code))!;
    await page.selectOption('#series-area', other.code);
    await expect.poll(() => page.locator('#series-chart').getAttribute('data-areas'), { timeout: 15_000 }).toBe(other.code);
    await expect.poll(() => page.locator('#series-chart').getAttribute('data-lines')).toBe('1');
    const after = await chartText(w);
    expect(after).toContain(other.name);
    for (const c of cluster) expect(after).not.toContain(nameOf(c));
    expect(after).not.toContain('Tổng');
    expect(await page.locator('#series-alert').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('area')).toBe(other.code);
    await page.screenshot({ path: `${SHOTS}/series-other.png`, fullPage: true });
    expectClean(w);
  }, 90_000);

  it("small multiples: one chart per commune of the province, the cluster's first, each opening its series", async () => {
    const province = p.units.all().find((u) => u.code === cluster[0])!.provinceCode;
    const communes = p.units.all().filter((u) => u.provinceCode === province);
    const w = await signedIn(`/multiples?by=commune&province=${province}&syndrome=acute_diarrhoea`);
    const { page } = w;
    const cards = page.locator('#multiples-grid .multiple-card');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(communes.length);
    const keys = await cards.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset['key']));
    const inProvince = cluster.filter((c) => communes.some((u) => u.code === c));
    expect(keys.slice(0, inProvince.length).sort()).toEqual([...inProvince].sort());
    // The cards in view are drawn with ECharts.
    await expect.poll(() => cards.first().locator('svg').count(), { timeout: 10_000 }).toBe(1);
    expect(await cards.first().locator('h3').textContent()).toBe(nameOf(keys[0]!));
    await page.screenshot({ path: `${SHOTS}/multiples.png` });
    // Readable at 390 px: at most two columns.
    await page.setViewportSize({ width: 390, height: 844 });
    const columns = await page.locator('#multiples-grid').evaluate((g) => getComputedStyle(g).gridTemplateColumns.split(' ').length);
    expect(columns).toBeLessThanOrEqual(2);
    expect(columns).toBeGreaterThanOrEqual(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/multiples-390.png` });
    await cards.first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/series');
    expect(new URL(page.url()).searchParams.get('area')).toBe(keys[0]);
    await page.locator('#series-chart svg').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#series-chart').getAttribute('data-areas'), { timeout: 15_000 }).toBe(keys[0]);
    expectClean(w);
  }, 90_000);
});

interface Watched extends WatchedPage {
  consoleErrors: string[];
  /** Answers of 400 and above, `status path`. */
  failed: string[];
}

/** Signs in as the officer at `path` (1280 px wide), collecting page errors, console errors and CSP violations. */
async function signedIn(path: string): Promise<Watched> {
  const watched = await openWatchedPage(browser, { viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  watched.page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  const failed: string[] = [];
  watched.page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await watched.page.goto(`${url}${path}`);
  await submitSignIn(watched.page, 'officer', PASSWORD);
  return { ...watched, consoleErrors, failed };
}

// The session check before signing in answers 401, which Chromium reports as a failed load.
const BEFORE_SIGN_IN = new Set(['401 /v1/session']);

function expectClean(w: Watched): void {
  expect(w.errors).toEqual([]);
  expect(w.violations).toEqual([]);
  // Every failed answer is named by `failed`; the console's "Failed to load resource" lines are those.
  expect(w.failed.filter((f) => !BEFORE_SIGN_IN.has(f))).toEqual([]);
  expect(w.consoleErrors.filter((m) => !m.startsWith('Failed to load resource'))).toEqual([]);
}
