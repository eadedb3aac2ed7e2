/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import type { Jurisdiction, Role } from '../../schemas/access.ts';

// The alert inbox of the web application (pages/inbox.ts) in a real browser against a real
// pipeline: the officer of Bắc Ninh signs in, opens the lifecycle alert a dengue spike in 09187
// made, and works it with the page's buttons; the store holds what the page shows, and a step
// taken elsewhere reaches the open page through the live updates. The officer of Hưng Yên
// (negative control) does not see it. The words are checked in the user's language (English
// here, the users' `lang`), the Vietnamese ones after the switch.
type P = Awaited<ReturnType<typeof startTestPipeline>>;
let p: P;
let browser: Browser;
let url: string;
let alertId: string;
const now = Date.parse('2026-11-20T12:00:00+07:00');
const PASSWORD = 'inbox test password 2026';

const dengue = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => encounter({ event_id: `d-${date}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'] }));
const labs = (date: string, n: number) =>
  Array.from({ length: n }, (_, i) => lab({ event_id: `l-${date}-${i}`, occurred_at: `${date}T10:00:00+07:00` }));

if (!browserAvailable) console.warn(`alert inbox browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const actionsShown = (w: WatchedPage) =>
  w.page.locator('#detail-actions .action-btn').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset['action']));

describe.runIf(browserAvailable)('alert inbox in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const passwordHash = await hashPassword(PASSWORD);
    const users: [string, Role, Jurisdiction][] = [
      ['bn.officer', 'officer', { level: 'province', province: '24' }],
      ['hy.officer', 'officer', { level: 'province', province: '33' }],
      ['bn.data', 'data_manager', { level: 'province', province: '24' }],
    ];
    for (const [username, role, jurisdiction] of users)
      await p.access.users.add({ username, role, jurisdiction, passwordHash, lang: 'en' });
    // A quiet fortnight of dengue in 09187 (Bắc Ninh), then a spike of cases and positive tests.
    const quiet = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);
    await postAndSettle(
      p,
      quiet.flatMap((d, i) => dengue(d, i % 2)),
    );
    await postAndSettle(p, [...dengue('2026-11-20', 9), ...labs('2026-11-20', 6)]);
    const page = await p.lifecycle.list({ jurisdiction: { level: 'national' }, limit: 10 });
    expect(page.alerts.map((a) => [a.family, a.level, a.status])).toEqual([['dengue', 'red', 'open']]);
    alertId = page.alerts[0]!.id;
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await p?.cleanup();
  });

  it('the province officer opens the alert from the inbox and verifies it with a note: the page and the store show the step', async () => {
    const w = await signedIn('bn.officer');
    const { page } = w;
    const row = page.locator(`#inbox tbody tr[data-id="${alertId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('#inbox-count').textContent()).toBe('1');
    const rowText = await row.textContent();
    for (const words of ['Kinh Bắc', 'red', 'open']) expect(rowText).toContain(words);

    await row.locator('a').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/alerts/${alertId}`);
    await page.locator('#detail-status').waitFor({ timeout: 10_000 });
    expect(await page.locator('#detail-status').textContent()).toBe('open');
    // The evidence: both series, the detector, observed against its threshold, the p-value.
    const evidence = page.locator('#evidence tbody tr');
    expect(await evidence.count()).toBe(2);
    const evidenceText = (await page.locator('#evidence').textContent()) ?? '';
    for (const words of ['2026-11-20', 'p-value', 'Threshold', 'detector']) expect(evidenceText).toContain(words);
    const algorithms = await evidence.evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset['algorithm']));
    for (const a of algorithms) expect(evidenceText).toContain(a);
    expect(await page.locator('#evidence .p-value').first().textContent()).toMatch(/^(–|\d)/);
    // The chart is the series page's: a link, not drawn here.
    expect(await page.locator('#detail-series-link').getAttribute('href')).toBe(`/series?alert=${alertId}`);
    expect(await page.locator('#alert-detail svg, #alert-detail canvas').count()).toBe(0);
    expect(await page.locator('#no-steps').textContent()).toBe('No steps yet');
    expect(await actionsShown(w)).toEqual(['verify', 'discard', 'monitor']);

    const before = (await p.lifecycle.get(alertId))!.version;
    await page.click('#action-btn-verify');
    await page.locator('#action-form[data-action="verify"]').waitFor();
    await page.fill('#action-field-notes', 'Đã gọi điện xác nhận với bệnh viện / confirmed by phone');
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/alerts/${alertId}/actions`) && r.request().method() === 'POST'),
      page.click('#action-submit'),
    ]);
    expect(posted.status()).toBe(200);
    expect(posted.request().headers()['x-csrf-token']).toBeTruthy();
    expect(posted.request().postDataJSON()).toEqual({
      type: 'verify',
      notes: 'Đã gọi điện xác nhận với bệnh viện / confirmed by phone',
      version: before,
    });

    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 10_000 }).toBe('verified');
    const step = page.locator('#steps tbody tr[data-action="verify"]');
    await step.waitFor();
    expect(await step.locator('.actor').textContent()).toBe('bn.officer');
    expect(await step.locator('.action').textContent()).toBe('Verify');
    expect(await step.locator('.notes').textContent()).toContain('confirmed by phone');
    expect(await page.locator('#action-message').textContent()).toContain('verified');
    await expect.poll(() => row.getAttribute('data-status')).toBe('verified');
    expect(await actionsShown(w)).toEqual(['assess_risk', 'close']);
    await page.screenshot({ path: 'test-results/inbox-verified.png', fullPage: true });

    const stored = await p.lifecycle.get(alertId);
    expect(stored).toMatchObject({ status: 'verified', version: before + 1 });
    expect(await p.lifecycle.steps(alertId)).toEqual([
      expect.objectContaining({ action: 'verify', from: 'open', to: 'verified', actor: 'bn.officer' }),
    ]);
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 90_000);

  it('a step taken elsewhere reaches the open page through the live updates, without a reload', async () => {
    const w = await signedIn('bn.officer', `/alerts/${alertId}`);
    const { page } = w;
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 15_000 }).toBe('verified');
    const loads: string[] = [];
    page.on('framenavigated', (f) => loads.push(f.url()));
    await p.lifecycle.transition(
      alertId,
      (await p.lifecycle.get(alertId))!.version,
      { type: 'assess_risk', hazard: 'dengue', exposure: 'ward 3', context: 'rainy season' },
      { actor: { username: 'bn.head', role: 'officer', via: 'session' } },
    );
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 15_000 }).toBe('risk assessed');
    await expect.poll(() => page.locator(`#inbox tbody tr[data-id="${alertId}"]`).getAttribute('data-status')).toBe('risk_assessed');
    expect(await page.locator('#steps tbody tr[data-action="assess_risk"] .actor').textContent()).toBe('bn.head');
    expect(loads).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 60_000);

  it('a change made meanwhile: the stale action answers 409 CONFLICT, explained, and the page reads the alert again; the risk level follows the WHO matrix', async () => {
    const w = await signedIn('bn.officer', `/alerts/${alertId}`);
    const { page } = w;
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 15_000 }).toBe('risk assessed');
    await page.click('#action-btn-characterise_risk');
    await page.selectOption('#action-field-likelihood', 'likely');
    await page.selectOption('#action-field-consequence', 'major');
    expect(await page.locator('#action-risk-level').textContent()).toBe('high');
    // Someone else characterises it first, on the version the page holds: the open form is kept, and says so.
    await p.lifecycle.transition(
      alertId,
      (await p.lifecycle.get(alertId))!.version,
      { type: 'characterise_risk', likelihood: 'unlikely', consequence: 'minor' },
      { actor: { username: 'bn.head', role: 'officer', via: 'session' } },
    );
    await page.locator('#detail-changed').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#action-form').count()).toBe(1);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/alerts/${alertId}/actions`)),
      page.click('#action-submit'),
    ]);
    expect(answer.status()).toBe(409);
    const message = page.locator('#action-message');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain('changed by someone else');
    expect(await message.getAttribute('role')).toBe('alert');
    await expect.poll(() => page.locator('#detail-status').textContent()).toBe('risk characterised');
    expect(await page.locator('#detail-risk').textContent()).toContain('low');
    expect(await page.locator('#steps tbody tr[data-action="characterise_risk"] .actor').textContent()).toBe('bn.head');
    await page.screenshot({ path: 'test-results/inbox-conflict.png', fullPage: true });
    // In Vietnamese after the switch: the same alert, other words.
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 10_000 }).toBe('Đã phân loại nguy cơ');
    expect(await page.locator('#inbox-title').textContent()).toContain('Hộp cảnh báo');
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 90_000);

  it('the line list is shown pseudonymised to the officer and withheld from a data manager, with the reason', async () => {
    const officer = await signedIn('bn.officer', `/alerts/${alertId}`);
    await officer.page.locator('#line-list').waitFor({ timeout: 15_000 });
    // 9 dengue encounters and 6 positive dengue tests in 09187 on the alert's day.
    expect(await officer.page.locator('#line-list tbody tr').count()).toBe(15);
    expect(await officer.page.locator('#line-list thead th[data-key="patient_key"]').count()).toBe(1);
    expect(await officer.page.locator('#line-list').textContent()).not.toContain('PATIENT-123');
    const data = await signedIn('bn.data', `/alerts/${alertId}`);
    await data.page.locator('#line-list-withheld').waitFor({ timeout: 15_000 });
    expect(await data.page.locator('#line-list-withheld').textContent()).toMatch(/read:line_list/);
    expect(await data.page.locator('#line-list').count()).toBe(0);
    // No lifecycle work for this role.
    expect(await data.page.locator('#no-actions').count()).toBe(1);
    for (const w of [officer, data]) {
      expect(w.errors).toEqual([]);
      expect(w.violations).toEqual([]);
    }
  }, 60_000);

  it("the other province's officer: an empty inbox, and the alert's link answers that it is outside their jurisdiction", async () => {
    const w = await signedIn('hy.officer');
    const { page } = w;
    await page.locator('#inbox-empty').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#inbox-count').textContent()).toBe('0');
    expect(await page.locator('#inbox tbody tr').count()).toBe(0);
    await page.selectOption('#inbox-status', '');
    await page.locator('#inbox-empty').waitFor({ state: 'visible' });
    expect(new URL(page.url()).search).toBe('?status=');
    expect(await page.locator('#inbox tbody tr').count()).toBe(0);
    await page.goto(`${url}/alerts/${alertId}`);
    const error = page.locator('#detail-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain('outside your jurisdiction');
    expect(await page.locator('#detail-actions').count()).toBe(0);
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 60_000);

  it('the officer changes their notifications: the store keeps them', async () => {
    const w = await signedIn('bn.officer');
    const { page } = w;
    await page.click('#subscription-title');
    await page.locator('#subscription-form').waitFor({ timeout: 10_000 });
    await page.selectOption('#sub-min-level', 'red');
    await page.check('#sub-active');
    await page.check('#sub-channel-webhook');
    await page.fill('#sub-webhook-url', 'https://hooks.example.vn/bn');
    await page.uncheck('#sub-all');
    await page.check('#sub-syndrome-dengue');
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/me/subscription') && r.request().method() === 'PUT'),
      page.click('#sub-save'),
    ]);
    expect(put.status(), await put.text()).toBe(200);
    await expect.poll(() => page.locator('#sub-message').textContent()).toBe('Saved');
    expect(await p.access.users.subscription('bn.officer')).toMatchObject({
      minLevel: 'red',
      channels: ['webhook'],
      syndromes: ['dengue'],
      webhookUrl: 'https://hooks.example.vn/bn',
      active: true,
    });
    // A refusal (e-mail without an address) shows the server's message naming the field.
    await page.check('#sub-channel-email');
    await page.click('#sub-save');
    await expect.poll(() => page.locator('#sub-message').textContent()).toContain('channels');
    expect(await page.locator('#sub-message').getAttribute('role')).toBe('alert');
    expect(w.errors).toEqual([]);
    expect(w.violations).toEqual([]);
  }, 60_000);
});

/** Signs in through the page's form as `username` (at `path`), in a fresh context, collecting page errors and CSP violations. */
async function signedIn(username: string, path = '/alerts'): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, { viewport: { width: 1400, height: 900 } });
  await watched.page.goto(`${url}${path}`);
  await submitSignIn(watched.page, username, PASSWORD);
  await watched.page.locator('#inbox-panel').waitFor({ state: 'visible', timeout: 15_000 });
  return watched;
}
