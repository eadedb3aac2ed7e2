/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); .ci/run installs it. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Starts headless Chromium. Without it, browser tests fail under CI (they must not pass
 * silently) and are skipped with a message elsewhere.
 */
export const browserAvailable = existsSync(CHROMIUM) || process.env['CI'] === 'true';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a sandbox-less container; no network beyond loopback here.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page and what it has reported so far: page errors, and content-security-policy violations. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  violations: string[];
}

/**
 * A page in a fresh context (no cookies), collecting page errors and content-security-policy
 * violations: the policy (platform/http.ts) must not block anything the page does.
 */
export async function openWatchedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  return { page, errors, violations };
}

/** Fills and submits the page's sign-in form once it shows (the page already at a URL that asks for it). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#signin').waitFor({ state: 'visible', timeout: 15_000 });
  await page.fill('#signin-username', username);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
}
