import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { APP_ROUTES } from '../../dashboards/web-routes.ts';
import type { Page } from '../../dashboards/web/src/contract.ts';
import { missingKeys, type Catalogue } from '../../dashboards/web/src/i18n.ts';
import { shellMessages } from '../../dashboards/web/src/shell.messages.ts';

// Every message catalogue of the web application has the same keys in Vietnamese and English
// (a word missing in one language shows as its key), and every page's route is served
// (APP_ROUTES). The pages are read from pages/index.ts itself, so a page added later is checked
// without touching this file. They are bundled for this test with their libraries (maps,
// charts) and CSS replaced by inert stand-ins: those touch `window` when loaded, and Node has
// none; the catalogues and routes are plain data and do not need them.

const INDEX = fileURLToPath(new URL('../../dashboards/web/src/pages/index.ts', import.meta.url));
// Named imports are copied from the module's own keys, so the stand-in lists the ones the pages import.
const STUB = `const f = function () {}; const p = new Proxy(f, { get: (_t, k) => (k === '__esModule' ? true : k === Symbol.toPrimitive ? () => '' : p), apply: () => p, construct: () => p }); const m = {}; for (const k of ${JSON.stringify(['default', 'use', 'init', 'LineChart', 'BarChart', 'SVGRenderer', 'GridComponent', 'TooltipComponent', 'LegendComponent', 'MarkAreaComponent', 'MarkPointComponent', 'MarkLineComponent', 'DataZoomComponent'])}) m[k] = p; m.__esModule = true; module.exports = new Proxy(m, { get: (t, k) => (k in t ? t[k] : p) });`;

const stubs: Plugin = {
  name: 'stub-libraries',
  setup(b) {
    b.onResolve({ filter: /\.css$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
    b.onResolve({ filter: /^[^./]/ }, (a) =>
      a.path === 'zod' || a.path.startsWith('zod/') ? undefined : { path: a.path, namespace: 'stub' },
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: STUB, loader: 'js' }));
  },
};

async function loadPages(): Promise<Page[]> {
  const out = await build({
    entryPoints: [INDEX],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    plugins: [stubs],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { pages: Page[] };
  return mod.pages;
}

const pages = await loadPages();

describe('web application catalogues and routes', () => {
  it('has pages, the inbox among them', () => {
    expect(pages.map((p) => p.route)).toContain('alerts');
  });

  const catalogues: [string, Catalogue][] = [
    ['shell', shellMessages],
    ...pages.map((p): [string, Catalogue] => [`page '${p.route}'`, p.messages]),
  ];
  it.each(catalogues)('%s: the same keys in Vietnamese and English, none empty', (_name, catalogue) => {
    expect(missingKeys(catalogue)).toEqual({ vi: [], en: [] });
    for (const lang of ['vi', 'en'] as const) expect(Object.entries(catalogue[lang]).filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  it.each(pages.map((p) => [p.route, p] as const))("page '%s': its route is served and its title is in its catalogue", (route, page) => {
    expect(APP_ROUTES as readonly string[]).toContain(route);
    expect(Object.keys({ ...shellMessages.vi, ...page.messages.vi })).toContain(page.title);
  });

  it('negative control: the check sees a key one language lacks', () => {
    expect(missingKeys({ vi: { a: 'x', b: 'y' }, en: { a: 'x' } })).toEqual({ vi: [], en: ['b'] });
  });
});
