/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encounter, lab, postAndSettle, startTestPipeline } from '../helpers/pipeline.ts';
import { hashPassword } from '../../access/passwords.ts';
import { browserAvailable, CHROMIUM, launchBrowser, openWatchedPage, submitSignIn, type WatchedPage } from '../helpers/browser.ts';
import type { Jurisdiction } from '../../schemas/access.ts';

// The alert inbox of the web page (issue 10) in a real browser against a real pipeline: the
// officer of Bắc Ninh signs in, opens the lifecycle alert a dengue spike in 09187 made, and
// works it with the page's buttons; the store holds what the page shows. The officer of
// Hưng Yên (negative control) does not see it.
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

describe.runIf(browserAvailable)('alert inbox in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => now }, env: { PORT: '0' } });
    url = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const passwordHash = await hashPassword(PASSWORD);
    const users: [string, Jurisdiction][] = [
      ['bn.officer', { level: 'province', province: '24' }],
      ['hy.officer', { level: 'province', province: '33' }],
    ];
    for (const [username, jurisdiction] of users) await p.access.users.add({ username, role: 'officer', jurisdiction, passwordHash });
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
    const { page, errors, violations } = await signedIn('bn.officer');
    const row = page.locator(`#inbox tbody tr[data-id="${alertId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('#inbox-count').textContent()).toBe('1');
    const rowText = await row.textContent();
    for (const words of ['Kinh Bắc', 'dengue', 'Đỏ', 'red', 'Mới', 'open']) expect(rowText).toContain(words);
    await page.screenshot({ path: '/tmp/inbox-list.png', fullPage: true });

    await row.locator('a').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/alerts/${alertId}`);
    await page.locator('#detail-status').waitFor({ timeout: 10_000 });
    expect(await page.locator('#detail-status').textContent()).toContain('open');
    // The evidence: both series, the detector, observed against its threshold.
    const evidence = page.locator('#evidence tbody tr');
    expect(await evidence.count()).toBe(2);
    const evidenceText = await page.locator('#evidence').textContent();
    for (const words of ['dengue', 'lab_dengue', '2026-11-20', 'p-value', 'Threshold']) expect(evidenceText).toContain(words);
    expect(await page.locator('#no-steps').textContent()).toContain('No steps yet');
    // This officer's allowed actions for an open alert, as buttons.
    const buttons = await page
      .locator('#detail-actions .action-btn')
      .evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset['action']));
    expect(buttons).toEqual(['verify', 'discard', 'monitor']);

    // The version the page read (grouping may have stored a change since the alert opened).
    const before = (await p.lifecycle.get(alertId))!.version;
    await page.click('#action-btn-verify');
    await page.locator('#action-form[data-action="verify"]').waitFor();
    await page.fill('#action-field-notes', 'Đã gọi điện xác nhận với bệnh viện / confirmed by phone');
    await page.screenshot({ path: '/tmp/inbox-verify-form.png', fullPage: true });
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

    // The page: the new status, the step row (who, the action, the note), the next actions.
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 10_000 }).toContain('verified');
    const step = page.locator('#steps tbody tr[data-action="verify"]');
    await step.waitFor();
    expect(await step.locator('.actor').textContent()).toBe('bn.officer');
    expect(await step.locator('.action').textContent()).toContain('verify');
    expect(await step.locator('.notes').textContent()).toContain('confirmed by phone');
    expect(await page.locator('#action-message').textContent()).toContain('verified');
    await expect.poll(() => row.getAttribute('data-status')).toBe('verified');
    const next = await page.locator('#detail-actions .action-btn').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset['action']));
    expect(next).toEqual(['assess_risk', 'close']);
    await page.screenshot({ path: '/tmp/inbox-verified.png', fullPage: true });

    // The store: the transition and its step, by this officer, with the note.
    const stored = await p.lifecycle.get(alertId);
    expect(stored).toMatchObject({ status: 'verified', version: before + 1 });
    expect(await p.lifecycle.steps(alertId)).toEqual([
      expect.objectContaining({
        action: 'verify',
        from: 'open',
        to: 'verified',
        actor: 'bn.officer',
        notes: 'Đã gọi điện xác nhận với bệnh viện / confirmed by phone',
      }),
    ]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 90_000);

  it('a change made meanwhile: the stale action answers 409 CONFLICT, shown in both languages, and the page reads the alert again', async () => {
    const { page, errors, violations } = await signedIn('bn.officer', `/alerts/${alertId}`);
    // The deep link opened the page on the alert.
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 15_000 }).toContain('verified');
    await page.click('#action-btn-assess_risk');
    await page.fill('#action-field-hazard', 'dengue virus, serotype unknown');
    await page.fill('#action-field-exposure', 'a ward of 12 000 people, Aedes present');
    await page.fill('#action-field-context', 'rainy season; the district hospital has beds');
    // Someone else assesses it first, on the version the page holds.
    await p.lifecycle.transition(
      alertId,
      (await p.lifecycle.get(alertId))!.version,
      { type: 'assess_risk', hazard: 'dengue', exposure: 'ward 3', context: 'rainy season' },
      { actor: { username: 'bn.head', role: 'officer', via: 'session' } },
    );
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/alerts/${alertId}/actions`)),
      page.click('#action-submit'),
    ]);
    expect(answer.status()).toBe(409);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
    const message = page.locator('#action-message');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain('changed by someone else');
    expect(await message.textContent()).toContain('người khác thay đổi');
    expect(await message.getAttribute('role')).toBe('alert');
    // Read again: the other officer's step is on the page, the status is theirs.
    await expect.poll(() => page.locator('#detail-status').textContent()).toContain('risk assessed');
    expect(await page.locator('#steps tbody tr[data-action="assess_risk"] .actor').textContent()).toBe('bn.head');
    await expect.poll(() => page.locator(`#inbox tbody tr[data-id="${alertId}"]`).getAttribute('data-status')).toBe('risk_assessed');
    await page.screenshot({ path: '/tmp/inbox-conflict.png', fullPage: true });

    // Characterising shows the WHO risk level of the pair before it is sent, and the store agrees.
    await page.click('#action-btn-characterise_risk');
    expect(await page.locator('#action-message').isVisible()).toBe(false);
    await page.selectOption('#action-field-likelihood', 'likely');
    await page.selectOption('#action-field-consequence', 'major');
    expect(await page.locator('#action-risk-level').textContent()).toBe('Cao · high');
    await page.screenshot({ path: '/tmp/inbox-characterise.png', fullPage: true });
    await page.click('#action-submit');
    await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 10_000 }).toContain('risk characterised');
    expect((await p.lifecycle.get(alertId))?.risk.characterisation).toMatchObject({
      likelihood: 'likely',
      consequence: 'major',
      level: 'high',
    });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 90_000);

  it("draws the alert's series and its pseudonymised line list from the real detail answer", async () => {
    const token = (await p.access.users.issueToken('bn.officer')).token;
    const detail = (await p.app.inject({ url: `/v1/alerts/${alertId}`, headers: { authorization: `Bearer ${token}` } })).json<{
      series: { days: string[]; observed: number[]; upperbound: (number | null)[] };
      line_list: { rows: { patient_key: string }[]; truncated: boolean };
    }>();
    const { series } = detail;
    expect(series.days.at(-1)).toBe('2026-11-20');
    // 9 dengue encounters and 6 positive dengue tests in 09187 on the alert's day.
    expect(detail.line_list.rows).toHaveLength(15);
    const { page, errors, violations } = await signedIn('bn.officer');
    await page.locator(`#inbox tbody tr[data-id="${alertId}"] a`).click();
    const chart = page.locator('#alert-chart svg');
    await chart.waitFor({ timeout: 10_000 });
    expect(await chart.locator('rect.bar').count()).toBe(series.observed.length);
    // The spike day is above its upper bound: drawn as such.
    expect(await chart.locator('rect.bar.over').getAttribute('data-day')).toBe('2026-11-20');
    // Bars stand on the axis, the spike the tallest of them.
    const boxes = await chart.locator('rect.bar').evaluateAll((rs) =>
      rs.map((r) => {
        const b = (r as SVGGraphicsElement).getBBox();
        return { y: b.y, height: b.height };
      }),
    );
    const spike = boxes[boxes.length - 1]!;
    expect(new Set(boxes.map((b) => Math.round(b.y + b.height))).size).toBe(1);
    for (const b of boxes.slice(0, -1)) expect(b.height).toBeLessThan(spike.height);
    expect(await chart.locator('path.upper').count()).toBe(1);
    // The line list: one row per event, the pseudonym shown, never a raw patient id.
    expect(await page.locator('#line-list tbody tr').count()).toBe(15);
    expect(await page.locator('#line-list thead th[data-key="patient_key"]').count()).toBe(1);
    const listText = (await page.locator('#line-list').textContent()) ?? '';
    expect(listText).toContain(detail.line_list.rows[0]!.patient_key);
    expect(listText).not.toContain('PATIENT-123');
    await page.locator('#detail-series').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/inbox-series.png', fullPage: true });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it('a data manager sees the series but the line list is withheld, with the reason', async () => {
    await p.access.users.add({
      username: 'bn.data',
      role: 'data_manager',
      jurisdiction: { level: 'province', province: '24' },
      passwordHash: await hashPassword(PASSWORD),
    });
    const { page, errors, violations } = await signedIn('bn.data');
    await page.locator(`#inbox tbody tr[data-id="${alertId}"] a`).click();
    await page.locator('#alert-chart svg').waitFor({ timeout: 10_000 });
    await page.locator('#line-list-withheld').waitFor({ timeout: 10_000 });
    expect(await page.locator('#line-list-withheld').textContent()).toMatch(/read:line_list/);
    expect(await page.locator('#line-list').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);

  it("the other province's officer: an empty inbox, and the alert's link answers that it is outside their jurisdiction", async () => {
    const { page, errors, violations } = await signedIn('hy.officer');
    await page.locator('#inbox-empty').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#inbox-count').textContent()).toBe('0');
    expect(await page.locator('#inbox tbody tr').count()).toBe(0);
    // Not only the active ones: none at all.
    await page.selectOption('#inbox-status', '');
    await page.locator('#inbox-empty').waitFor({ state: 'visible' });
    expect(await page.locator('#inbox tbody tr').count()).toBe(0);
    await page.goto(`${url}/alerts/${alertId}`);
    const error = page.locator('#detail-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain('outside your jurisdiction');
    expect(await page.locator('#detail-actions').count()).toBe(0);
    await page.screenshot({ path: '/tmp/inbox-outsider.png', fullPage: true });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 60_000);
});

/** Signs in through the page's form as `username` (at `path`), in a fresh context, collecting page errors and CSP violations. */
async function signedIn(username: string, path = '/'): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, { viewport: { width: 1400, height: 900 } });
  await watched.page.goto(`${url}${path}`);
  await submitSignIn(watched.page, username, PASSWORD);
  await watched.page.locator('#inbox-panel').waitFor({ state: 'visible', timeout: 15_000 });
  return watched;
}
