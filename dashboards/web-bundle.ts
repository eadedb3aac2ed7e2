import { fileURLToPath } from 'node:url';
import { build, type OutputFile } from 'esbuild';

/** One built asset: its path under /assets/ and its bytes. */
export interface BundleAsset {
  path: string;
  body: Uint8Array;
  type: string;
}

const ENTRY = fileURLToPath(new URL('./web/src/main.ts', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function typeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.'));
  return TYPES[ext] ?? 'application/octet-stream';
}

/**
 * Bundles the web application (dashboards/web/src, TypeScript) with every library it uses
 * (charts, map, their CSS and images) into in-memory assets: nothing is fetched from the
 * internet at run time and nothing is written to disk, so a checkout can never serve a stale
 * build. esbuild takes well under a second; the service builds once, on the first request.
 */
export async function bundleWebApp(options: { minify?: boolean } = {}): Promise<BundleAsset[]> {
  const result = await build({
    entryPoints: { app: ENTRY },
    bundle: true,
    write: false,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    outdir: '/assets',
    assetNames: '[name]-[hash]',
    loader: { '.png': 'file', '.svg': 'file' },
    logLevel: 'silent',
    legalComments: 'linked',
  });
  return result.outputFiles.map((f: OutputFile) => ({ path: f.path, body: f.contents, type: typeOf(f.path) }));
}

let cached: Promise<BundleAsset[]> | undefined;

/** The bundle, built once per process. */
export function webBundle(): Promise<BundleAsset[]> {
  cached ??= bundleWebApp();
  return cached;
}
