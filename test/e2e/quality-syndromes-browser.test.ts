/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { encounter, ingestHeaders, ndjson, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';

// The Data quality and Syndromes pages of the web application in a real browser against a
// real pipeline. A Bắc Ninh data manager sees the two Bắc Ninh hospitals, the silent one
// first, and not Hưng Yên's (negative control); on the Syndromes page, choosing dengue shows
// its ICD-10 codes. Screenshots in test-results/screenshots/.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
let now = Date.parse('2026-11-20T08:00:00+07:00');
const PASSWORD = 'quality test password 2026';
const SHOTS = 'test-results/screenshots';

async function post(hospital: string, events: Record<string, unknown>[]): Promise<void> {
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p, hospital), 'content-type': 'application/x-ndjson' },
    payload: ndjson(events.map((e) => ({ ...e, hospital_id: hospital, occurred_at: new Date(now).toISOString() }))),
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Each element's attribute or text, one by one (evaluateAll would need eval, which the page's CSP refuses). */
async function each(loc: Locator, read: (one: Locator) => Promise<string | null>): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < (await loc.count()); i++) out.push(await read(loc.nth(i)));
  return out;
}

if (!browserAvailable) console.warn(`quality/syndromes browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(browserAvailable)('Data quality and Syndromes pages in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' }, hospitals: [] });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    for (const [id, name, provinceCode] of [
      ['BV-BN-A', 'Bệnh viện Đa khoa tỉnh Bắc Ninh', '24'],
      ['BV-BN-B', 'Trung tâm Y tế Quế Võ', '24'],
      ['BV-HY', 'Bệnh viện Đa khoa tỉnh Hưng Yên', '33'],
    ] as const) {
      p.keys[id] = (await p.hospitals.add({ id, name, provinceCode })).key;
    }
    await p.hospitalKeys.refresh();
    await p.access.users.add({
      username: 'bn.dm',
      role: 'data_manager',
      jurisdiction: { level: 'province', province: '24' },
      passwordHash: await hashPassword(PASSWORD),
    });
    // BV-BN-A sends every 3 hours over two days, one event rejected (unknown commune) and one
    // uninformative complaint; BV-BN-B sent once, 2 days ago, and fell silent; BV-HY is elsewhere.
    const start = Date.parse('2026-11-18T08:00:00+07:00');
    now = start;
    await post('BV-BN-B', [encounter({ event_id: 'b-1' })]);
    await post('BV-HY', [encounter({ event_id: 'hy-1', commune_code: '11953' })]);
    for (let i = 0; i < 16; i++) {
      now = start + i * 3 * 3_600_000;
      await post('BV-BN-A', [
        encounter({ event_id: `a-${i}-1` }),
        encounter({ event_id: `a-${i}-2`, diagnoses: [], chief_complaint: i % 4 === 0 ? 'khám' : 'sốt, ho' }),
        ...(i === 5 ? [encounter({ event_id: 'a-bad', commune_code: '99999' })] : []),
      ]);
    }
    now = Date.parse('2026-11-20T09:00:00+07:00');
    await p.settle();
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  async function signedIn(path: string, viewport = { width: 1300, height: 900 }): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser, { viewport });
    await watched.page.goto(`${url}${path}`);
    await submitSignIn(watched.page, 'bn.dm', PASSWORD);
    return watched;
  }

  it('/quality: one row per Bắc Ninh hospital, the silent one first, none of Hưng Yên; no console errors', async () => {
    const { page, errors, violations } = await signedIn('/quality');
    const rows = page.locator('#quality-rows tr');
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await each(rows, (r) => r.getAttribute('data-hospital'))).toEqual(['BV-BN-B', 'BV-BN-A']);
    const silent = page.locator('tr[data-hospital="BV-BN-B"]');
    expect(await silent.locator('.badge').textContent()).toBe('Im lặng');
    expect(await silent.textContent()).toContain('2 ngày trước');
    const ok = page.locator('tr[data-hospital="BV-BN-A"]');
    expect(await ok.locator('.badge').textContent()).not.toBe('Im lặng');
    // The rejected event's reason, the sparkline drawn as SVG bars, the informative share.
    expect(await ok.locator('ul.reasons').textContent()).toMatch(/[A-Z_]+ 1/);
    expect(await ok.locator('svg.sparkline rect.bar').count()).toBe(28);
    expect(await ok.textContent()).toMatch(/\d+(,\d)?% của 32/);
    expect(await page.locator('nav a[data-route="quality"]').textContent()).toBe('Chất lượng dữ liệu');
    await page.screenshot({ path: `${SHOTS}/quality.png`, fullPage: true });
    // In English after the switch, and the refresh button reloads.
    await page.click('#lang-switch');
    await page.locator('#quality-rows tr').first().waitFor();
    expect(await page.locator('tr[data-hospital="BV-BN-B"] .badge').textContent()).toBe('Silent');
    await page.click('#quality-refresh');
    await expect.poll(() => page.locator('#quality-status').textContent()).toMatch(/Updated at/);
    // A phone: cards, still every hospital.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/quality-phone.png`, fullPage: true });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('/syndromes: names in the current language; choosing dengue shows its ICD-10 codes and keywords', async () => {
    const { page, errors, violations } = await signedIn('/syndromes');
    const item = page.locator('#syndrome-list button[data-id="dengue"]');
    await item.waitFor({ timeout: 15_000 });
    expect(await item.locator('.syndrome-name').textContent()).toBe('Sốt xuất huyết Dengue');
    // Every series, denominators too.
    expect(await page.locator('#syndrome-list button[data-id="_visits"]').count()).toBe(1);
    expect(await page.locator('#syndrome-detail .syndrome-definition').count()).toBe(0);
    await item.click();
    const icd = page.locator('#syndrome-detail #def-icd10');
    await icd.waitFor();
    expect(await each(icd.locator('li'), (li) => li.textContent())).toEqual(['A90', 'A91', 'A97']);
    expect(await page.locator('#def-keywords').textContent()).toContain('sốt xuất huyết');
    expect(await page.locator('#def-loinc').textContent()).toContain('Không dùng xét nghiệm');
    expect(new URL(page.url()).pathname).toBe('/syndromes/dengue');
    await page.screenshot({ path: `${SHOTS}/syndromes.png`, fullPage: true });
    // A lab series: its LOINC codes; negative control: no ICD-10 codes.
    await page.click('#syndrome-list button[data-id="lab_dengue"]');
    await expect.poll(() => page.locator('#def-loinc').textContent()).toContain('75377-2');
    expect(await page.locator('#def-icd10 li').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  });
});
