/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';
import { browserAvailable, CHROMIUM, launchBrowser } from '../helpers/browser.ts';

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

  it('shows the commune with the open alert and charts its series with the threshold', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The content-security policy (platform/http.ts) must not block anything the page does.
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
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
});
