/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { encounter, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import type { Jurisdiction, Lang, Role } from '../../schemas/access.ts';

// The web application's shell (dashboards/web/src/main.ts) in a real browser: the sign-in page,
// a refused sign-in, the session cookie across a reload, signing out, the user's language as
// the default and the switch over it, and a content-security policy nothing on the page breaks.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
const now = Date.parse('2026-11-20T15:00:00+07:00');
const PASSWORD = 'correct horse battery staple';

async function createUser(username: string, role: Role, jurisdiction: Jurisdiction, lang: Lang): Promise<void> {
  await p.access.users.add({ username, role, jurisdiction, lang, passwordHash: await hashPassword(PASSWORD) });
}

if (!browserAvailable) console.warn(`dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(browserAvailable)('the web application shell in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    // Two quiet weeks, then a dengue spike in Kinh Bắc (09187) that opens an alert.
    const events = [];
    for (let d = 1; d <= 19; d++) {
      const day = `2026-11-${String(d).padStart(2, '0')}`;
      if (d % 3 === 0) events.push(encounter({ event_id: `q${d}`, occurred_at: `${day}T08:00:00+07:00` }));
    }
    for (let i = 0; i < 9; i++) events.push(encounter({ event_id: `s${i}`, occurred_at: '2026-11-20T09:00:00+07:00' }));
    await postAndSettle(p, events);
    await createUser('officer24', 'officer', { level: 'province', province: '24' }, 'vi');
    await createUser('epi', 'epidemiologist', { level: 'national' }, 'en');
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  it('without credentials: the sign-in page in Vietnamese, English after the switch, no data read, no OIDC link when OIDC is off', async () => {
    const { page, errors, violations } = await openPage();
    const reads: number[] = [];
    page.on('response', (r) => {
      if (/\/v1\/(alert|series|units|counts|live)/.test(r.url())) reads.push(r.status());
    });
    const answer = await page.goto(`${url}/`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(answer?.headers()['x-content-type-options']).toBe('nosniff');
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    const vi = (await page.locator('#signin').textContent()) ?? '';
    for (const words of ['Đăng nhập', 'Tên đăng nhập', 'Mật khẩu']) expect(vi).toContain(words);
    expect(vi).not.toContain('Username');
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('#signin').textContent()).toContain('Username');
    const en = (await page.locator('#signin').textContent()) ?? '';
    for (const words of ['Sign in', 'Password']) expect(en).toContain(words);
    expect(en).not.toContain('Mật khẩu');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.locator('#who').count()).toBe(0);
    expect(await page.locator('#oidc-link').isVisible()).toBe(false);
    expect(reads.every((s) => s === 401)).toBe(true);
    await page.screenshot({ path: 'test-results/signin.png' });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('offers the province account link when the server says OIDC is configured', async () => {
    const { page, errors, violations } = await openPage();
    // This build has no OIDC ({"oidc":false}): the answer is rewritten to what a configured server says.
    await page.route('**/v1/session/options', (route) => route.fulfill({ json: { oidc: true } }));
    await page.goto(`${url}/`);
    const link = page.locator('#oidc-link');
    await link.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('/v1/session/oidc');
    expect(await link.textContent()).toBe('Đăng nhập bằng tài khoản của tỉnh');
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it("a wrong password shows the server's message and stays on the sign-in page", async () => {
    const { page, errors, violations } = await openPage();
    await page.goto(`${url}/`);
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    await page.fill('#signin-username', 'epi');
    await page.fill('#signin-password', 'the wrong password');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/session') && r.request().method() === 'POST'),
      page.click('#signin-submit'),
    ]);
    expect(answer.status()).toBe(401);
    const message = ((await answer.json()) as { error: { message: string } }).error.message;
    expect(message.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe(message);
    expect(await page.locator('#signin-error').isVisible()).toBe(true);
    expect(await page.locator('#page').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('signs in as a province officer in their language, stays signed in across a reload, and signs out (closing the live stream)', async () => {
    const { page, errors, violations } = await openPage();
    const live: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/live')) live.push(r.url());
    });
    await page.goto(`${url}/alerts`);
    await submitSignIn(page, 'officer24', PASSWORD);
    await page.locator('#inbox tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#who-name').textContent()).toBe('officer24');
    expect(await page.locator('#who-role').textContent()).toBe('Cán bộ');
    expect(await page.locator('#inbox tbody tr').first().textContent()).toContain('Kinh Bắc');
    expect(live.length).toBeGreaterThan(0);
    await page.reload();
    await page.locator('#inbox tbody tr').first().waitFor({ timeout: 15_000 });
    const [signOut] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/session') && r.request().method() === 'DELETE'),
      page.click('#signout'),
    ]);
    expect(signOut.ok()).toBe(true);
    expect(signOut.request().headers()['x-csrf-token']).toBeTruthy();
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#inbox').count()).toBe(0);
    expect((await page.request.get(`${url}/v1/alert-inbox`)).status()).toBe(401);
    // No live stream is opened again once signed out.
    const opened = live.length;
    await page.waitForTimeout(6_000);
    expect(live.length).toBe(opened);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it("the user's own language is the default (English for this epidemiologist); the switch changes every word and is remembered", async () => {
    const { page, errors, violations } = await openPage();
    await page.goto(`${url}/alerts`);
    await submitSignIn(page, 'epi', PASSWORD);
    await page.locator('#inbox-panel').waitFor({ timeout: 15_000 });
    const english = (await page.locator('#app').textContent()) ?? '';
    for (const words of ['Alert inbox', 'Sign out', 'Epidemiologist', 'Status']) expect(english).toContain(words);
    expect(await page.locator('nav a[data-route="alerts"]').textContent()).toBe('Alert inbox');
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('nav a[data-route="alerts"]').textContent()).toBe('Hộp cảnh báo');
    const vietnamese = (await page.locator('#app').textContent()) ?? '';
    for (const words of ['Đăng xuất', 'Dịch tễ', 'Trạng thái']) expect(vietnamese).toContain(words);
    for (const words of ['Alert inbox', 'Sign out', 'Epidemiologist']) expect(vietnamese).not.toContain(words);
    // The choice is kept over the user's own language.
    await page.reload();
    await expect.poll(() => page.locator('nav a[data-route="alerts"]').textContent(), { timeout: 15_000 }).toBe('Hộp cảnh báo');
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);
});

/** A page in a fresh context (no cookies), collecting page errors and content-security-policy violations. */
const openPage = (options: BrowserContextOptions = {}): Promise<WatchedPage> =>
  openWatchedPage(browser, { viewport: { width: 1300, height: 850 }, ...options });
