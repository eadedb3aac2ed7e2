import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { AppError } from '../../platform/errors.ts';

/** Renders a standalone HTML document to PDF (the weekly bulletin). */
export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
}

export interface PdfRendererOptions {
  /** Chromium's executable (CHROMIUM_PATH; default Debian's /usr/bin/chromium). */
  executablePath: string;
}

// Root in a container has no sandbox; the document needs no network, GPU or extensions.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The bilingual refusal when Chromium cannot be started (503: install it, or set CHROMIUM_PATH). */
export function rendererUnavailable(path: string, cause?: unknown): AppError {
  const why = existsSync(path) ? 'could not be started' : 'is not installed there';
  return new AppError(
    'PDF_RENDERER_UNAVAILABLE',
    `PDF needs Chromium: ${path} ${why} (apt-get install chromium, or set CHROMIUM_PATH); the HTML bulletin works without it / ` +
      `cần Chromium để tạo PDF: ${path} ${existsSync(path) ? 'không khởi động được' : 'chưa được cài đặt'} ` +
      `(cài chromium hoặc đặt CHROMIUM_PATH); bản tin HTML vẫn tạo được`,
    { details: { chromium_path: path }, cause },
  );
}

/**
 * Headless Chromium through playwright-core: one browser per document (a bulletin a week is
 * no load worth a resident browser), one document at a time (two cores are shared), with
 * JavaScript off and every request refused: the document carries everything it shows.
 */
export function createPdfRenderer(options: PdfRendererOptions): PdfRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  const renderOne = async (html: string): Promise<Buffer> => {
    let browser;
    try {
      browser = await chromium.launch({ executablePath: options.executablePath, headless: true, args: ARGS });
    } catch (err) {
      throw rendererUnavailable(options.executablePath, err);
    }
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await browser.close();
    }
  };
  return {
    render(html) {
      const next = queue.then(
        () => renderOne(html),
        () => renderOne(html),
      );
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
