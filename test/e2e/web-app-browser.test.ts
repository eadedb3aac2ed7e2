/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn } from '../helpers/browser.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';

// Every page of the web application, for every role, on a desktop (1280 px) and a phone
// (390 px): one pipeline with data and an alert; each user signs in and visits every page
// their navigation links to (read from the page, so pages added later are covered without
// touching this file), then the alert's own page. Nothing may throw, log an error to the
// console or break the content-security policy, and on the phone nothing may be wider than
// the screen. A screenshot of each is kept in test-results/screenshots/<role>-<route>-<width>.png.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
let alertId: string;
const now = Date.parse('2026-11-20T12:00:00+07:00');
const PASSWORD = 'every page test password';
const SHOTS = 'test-results/screenshots';
const WIDTHS = [1280, 390] as const;

const USERS: { name: string; role: Role; jurisdiction: Jurisdiction }[] = [
  { name: 'province-officer', role: 'officer', jurisdiction: { level: 'province', province: '24' } },
  { name: 'commune-officer', role: 'officer', jurisdiction: { level: 'communes', communes: ['09187'] } },
  { name: 'epidemiologist', role: 'epidemiologist', jurisdiction: { level: 'national' } },
  { name: 'data-manager', role: 'data_manager', jurisdiction: { level: 'province', province: '24' } },
  { name: 'admin', role: 'admin', jurisdiction: { level: 'national' } },
];

if (!browserAvailable) console.warn(`web app browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** How far the page is wider than the screen, px (0: nothing overflows), and the widest culprits. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}`,
      );
    return { by: document.documentElement.scrollWidth - width, culprits };
  });

/** Waits until the page has drawn itself: its main element, no read under way, a moment for late answers. */
async function settled(page: Page): Promise<void> {
  await page.locator('#page').waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null, undefined, { timeout: 15_000 });
  await page.waitForTimeout(1_000);
}

describe.runIf(browserAvailable)('every page, every role, desktop and phone', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const passwordHash = await hashPassword(PASSWORD);
    for (const u of USERS) await p.access.users.add({ username: u.name, role: u.role, jurisdiction: u.jurisdiction, passwordHash });
    const days = Array.from({ length: 19 }, (_, i) => `2026-11-${String(1 + i).padStart(2, '0')}`);
    await postAndSettle(p, [
      ...days.flatMap((d, i) =>
        i % 2 === 0 ? [] : [encounter({ event_id: `q-${d}`, occurred_at: `${d}T09:00:00+07:00`, commune_code: '09187' })],
      ),
      ...days.map((d) =>
        encounter({ event_id: `r-${d}`, occurred_at: `${d}T10:00:00+07:00`, commune_code: '11953', diagnoses: ['J06.9'] }),
      ),
    ]);
    await postAndSettle(p, [
      ...Array.from({ length: 9 }, (_, i) => encounter({ event_id: `s-${i}`, occurred_at: '2026-11-20T09:00:00+07:00' })),
      ...Array.from({ length: 6 }, (_, i) => lab({ event_id: `l-${i}`, occurred_at: '2026-11-20T10:00:00+07:00' })),
    ]);
    const alerts = (await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 })).alerts;
    expect(alerts.length).toBeGreaterThan(0);
    alertId = alerts[0]!.id;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  it('negative control: the overflow check sees an element wider than the phone', async () => {
    const { page } = await openWatchedPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(`${url}/`);
    await page.locator('#signin').waitFor({ timeout: 15_000 });
    expect((await overflow(page)).by).toBe(0);
    await page.evaluate(() => {
      const wide = document.createElement('div');
      wide.id = 'too-wide';
      wide.textContent = 'x';
      wide.style.width = '600px';
      document.body.append(wide);
    });
    const seen = await overflow(page);
    expect(seen.by).toBeGreaterThan(0);
    expect(seen.culprits).toContain('div#too-wide');
  }, 60_000);

  it.each(USERS.map((u) => [u.name, u] as const))(
    '%s',
    async (_name, user) => {
      const { page, errors, violations } = await openWatchedPage(browser, { viewport: { width: WIDTHS[0], height: 900 } });
      const consoleErrors: string[] = [];
      let signedIn = false;
      page.on('console', (m) => {
        // Before sign-in the page asks who is signed in and hears 401, which Chromium logs: not an error of the page.
        if (signedIn && m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(`${url}/`);
      await submitSignIn(page, user.name, PASSWORD);
      await page.locator('#nav').waitFor({ state: 'attached', timeout: 15_000 });
      signedIn = true;
      const routes = await page.locator('#nav a[data-route]').evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset['route']!));
      expect(routes).toContain('alerts');
      const problems: string[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
        const visits = [
          ...routes.map((r) => ({ name: r === '' ? 'overview' : r, path: `/${r}` })),
          { name: 'alert', path: `/alerts/${alertId}` },
        ];
        for (const v of visits) {
          const before = { errors: errors.length, console: consoleErrors.length, violations: violations.length };
          await page.goto(`${url}${v.path}`);
          await settled(page);
          if (v.name === 'alert') await page.locator('#detail-status, #detail-error').first().waitFor({ timeout: 15_000 });
          await page.screenshot({ path: `${SHOTS}/${user.name}-${v.name}-${width}.png`, fullPage: true });
          const where = `${v.path} at ${width}px`;
          for (const e of errors.slice(before.errors)) problems.push(`${where}: page error ${e}`);
          for (const e of consoleErrors.slice(before.console)) problems.push(`${where}: console error ${e}`);
          for (const e of violations.slice(before.violations)) problems.push(`${where}: ${e}`);
          if (width < 600) {
            const o = await overflow(page);
            if (o.by > 0) problems.push(`${where}: ${o.by}px wider than the screen (${o.culprits.join(', ')})`);
          }
        }
        if (width < 600) {
          // The navigation is behind the menu button on the phone, and opens with it.
          const toggle = page.locator('#menu-toggle');
          expect(await toggle.isVisible()).toBe(true);
          expect(await page.locator('#nav').isVisible()).toBe(false);
          await toggle.click();
          expect(await page.locator('#nav').isVisible()).toBe(true);
          expect((await overflow(page)).by).toBe(0);
        } else expect(await page.locator('#menu-toggle').isVisible()).toBe(false);
      }
      expect(problems).toEqual([]);
    },
    180_000,
  );
});
