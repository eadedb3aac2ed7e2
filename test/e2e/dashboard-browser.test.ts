/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { adminHeaders, encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';

/** Creates a user with a password in the pipeline's operational store (argon2id, as `ews users add`). */
async function createUser(p: P, user: { username: string; password: string; role: Role; jurisdiction: Jurisdiction }): Promise<void> {
  await p.access.users.add({
    username: user.username,
    role: user.role,
    jurisdiction: user.jurisdiction,
    passwordHash: await hashPassword(user.password),
  });
}

type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
const now = Date.parse('2026-11-20T15:00:00+07:00');

if (!browserAvailable) console.warn(`dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(browserAvailable)('dashboard in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    const address = await p.app.listen({ port: 0, host: '127.0.0.1' });
    url = address;
    // Two quiet weeks, then a dengue spike in Kinh Bắc (09187) that opens an alert.
    const events = [];
    for (let d = 1; d <= 19; d++) {
      const day = `2026-11-${String(d).padStart(2, '0')}`;
      if (d % 3 === 0) events.push(encounter({ event_id: `q${d}`, occurred_at: `${day}T08:00:00+07:00` }));
    }
    for (let i = 0; i < 9; i++) events.push(encounter({ event_id: `s${i}`, occurred_at: '2026-11-20T09:00:00+07:00' }));
    await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
      payload: JSON.stringify(events),
    });
    await p.settle();
    expect(p.alerts.openAlerts()).toHaveLength(1);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  it('as the admin token: shows the commune with the open alert and charts its series with the threshold', async () => {
    const { page, errors, violations } = await openPage({ extraHTTPHeaders: { ...adminHeaders } });
    const answer = await page.goto(`${url}/`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(answer?.headers()['x-content-type-options']).toBe('nosniff');
    const row = page.locator('#alerts tbody tr').first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#alert-count').textContent()).toBe('1');
    const text = await row.textContent();
    expect(text).toContain('Kinh Bắc');
    expect(text).toContain('dengue');
    expect(text).toContain('red');
    // The chart follows the selected alert: Chart.js has drawn the series and its threshold.
    await expect.poll(() => page.locator('#chart-note').textContent(), { timeout: 10_000 }).toContain('dengue');
    const datasets = await page.evaluate(() => {
      const chart = (
        globalThis as unknown as { Chart: { getChart(el: Element): { data: { datasets: { label: string; data: (number | null)[] }[] } } } }
      ).Chart.getChart(document.getElementById('chart')!);
      return chart.data.datasets.map((d) => ({ label: d.label, max: Math.max(...d.data.filter((x): x is number => x !== null)) }));
    });
    expect(datasets.map((d) => d.label)).toEqual([
      expect.stringContaining('count'),
      expect.stringContaining('threshold'),
      expect.stringContaining('expected'),
    ]);
    expect(datasets[0]!.max).toBe(9);
    expect(datasets[1]!.max).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/dashboard.png' });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('without credentials: the sign-in page in Vietnamese and English, no data, no OIDC link when OIDC is off', async () => {
    const { page, errors, violations } = await openPage();
    const reads: number[] = [];
    page.on('response', (r) => {
      if (/\/v1\/(alerts|series|units|counts)/.test(r.url())) reads.push(r.status());
    });
    await page.goto(`${url}/`);
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    const text = await page.locator('#signin').textContent();
    for (const words of ['Đăng nhập', 'Sign in', 'Tên đăng nhập', 'Username', 'Mật khẩu', 'Password']) expect(text).toContain(words);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    expect(await page.locator('#who').isVisible()).toBe(false);
    expect(await page.locator('#oidc-link').isVisible()).toBe(false);
    expect(reads.every((s) => s === 401)).toBe(true);
    await page.screenshot({ path: 'test-results/dashboard-signin.png' });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('offers the province account link when the server says OIDC is configured', async () => {
    const { page, errors, violations } = await openPage();
    // This build has no OIDC (GET /v1/session/options answers {"oidc":false}): the answer is
    // rewritten to what a configured server says, to see the page follow it.
    await page.route('**/v1/session/options', (route) => route.fulfill({ json: { oidc: true } }));
    await page.goto(`${url}/`);
    const link = page.locator('#oidc-link');
    await link.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('/v1/session/oidc');
    expect(await link.textContent()).toMatch(/Đăng nhập bằng tài khoản của tỉnh.*Sign in with the province's account/);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it("a failed sign-in shows the server's message and stays on the sign-in page", async () => {
    const { page, errors, violations } = await openPage();
    await page.goto(`${url}/`);
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    await page.fill('#signin-username', 'nobody');
    await page.fill('#signin-password', 'not-the-password');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/session') && r.request().method() === 'POST'),
      page.click('#signin-submit'),
    ]);
    expect(answer.status()).toBeGreaterThanOrEqual(400);
    const message = ((await answer.json()) as { error: { message: string } }).error.message;
    expect(message.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe(message);
    expect(await page.locator('#signin-error').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('signs in through the form as a province officer, sees its alert, and signs out', async () => {
    await createUser(p, {
      username: 'officer24',
      password: 'correct horse battery staple',
      role: 'officer',
      jurisdiction: { level: 'province', province: '24' },
    });
    const { page, errors, violations } = await openPage();
    await page.goto(`${url}/`);
    await submitSignIn(page, 'officer24', 'correct horse battery staple');
    await page.locator('#alerts tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#who-name').textContent()).toBe('officer24');
    expect(await page.locator('#who-role').textContent()).toContain('officer');
    expect(await page.locator('#alerts tbody tr').first().textContent()).toContain('Kinh Bắc');
    // The session cookie, not a header, carried the reads: the page reloads still signed in.
    await page.reload();
    await page.locator('#alerts tbody tr').first().waitFor({ timeout: 15_000 });
    const [signOut] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/session') && r.request().method() === 'DELETE'),
      page.click('#signout'),
    ]);
    expect(signOut.ok()).toBe(true);
    expect(signOut.request().headers()['x-csrf-token']).toBeTruthy();
    await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
    expect((await page.request.get(`${url}/v1/alerts`)).status()).toBe(401);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('a wrong password shows the error the server gives', async () => {
    await createUser(p, {
      username: 'epi',
      password: 'the right password here',
      role: 'epidemiologist',
      jurisdiction: { level: 'national' },
    });
    const { page } = await openPage();
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
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe(message);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
  }, 60_000);
});

/** A page in a fresh context (no cookies), collecting page errors and content-security-policy violations. */
const openPage = (options: BrowserContextOptions = {}): Promise<WatchedPage> =>
  openWatchedPage(browser, { viewport: { width: 1300, height: 850 }, ...options });
