import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The lint gate is part of `npm run check`: these prove it refuses what it is there to refuse
// (a stage importing another, a lost promise, an import cycle, console in a library room)
// and passes a clean file, by linting real files written into the rooms (type-aware rules
// need them on disk, inside the project) and removed afterwards.
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const tag = `${process.pid}-${Date.now()}`;
const written: string[] = [];

function probe(room: string, name: string, code: string): string {
  const rel = `${room}/lint-probe-${name}-${tag}.ts`;
  writeFileSync(join(REPO, rel), code);
  written.push(rel);
  return rel;
}

async function rulesHit(...files: string[]): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO });
  const results = await eslint.lintFiles(files);
  return results.flatMap((r) => r.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`));
}

afterAll(() => {
  for (const f of written) rmSync(join(REPO, f), { force: true });
});

describe('the lint gate', () => {
  it('passes a clean file in a library room (negative control)', async () => {
    const f = probe(
      'processors',
      'clean',
      "import { AppError } from '../platform/errors.ts';\nexport const make = (): AppError => new AppError('INTERNAL', 'x');\n",
    );
    expect(await rulesHit(f)).toEqual([]);
  });

  it('refuses an import across stages, with the reason from the room table', async () => {
    const f = probe(
      'processors',
      'zone',
      "import { registerIngestRoutes } from '../ingest/http-routes.ts';\nexport const r = registerIngestRoutes;\n",
    );
    const hits = await rulesHit(f);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^import-x\/no-restricted-paths: .*stages never import each other/);
  });

  it('refuses a floating promise', async () => {
    const f = probe(
      'alerts',
      'floating',
      'async function send(): Promise<void> {\n  await Promise.resolve();\n}\nexport function go(): void {\n  send();\n}\n',
    );
    expect(await rulesHit(f)).toEqual([expect.stringMatching(/^@typescript-eslint\/no-floating-promises:/)]);
  });

  it('refuses an import cycle', async () => {
    const b = `lint-probe-cycle-b-${tag}`;
    const a = probe('storage', 'cycle-a', `import { b } from './${b}.ts';\nexport const a = (): number => b() + 1;\n`);
    const bf = probe(
      'storage',
      'cycle-b',
      `import { a } from './lint-probe-cycle-a-${tag}.ts';\nexport const b = (): number => 1;\nexport const c = (): number => a();\n`,
    );
    const hits = await rulesHit(a, bf);
    expect(hits.filter((h) => h.startsWith('import-x/no-cycle'))).toHaveLength(2);
  });

  it('refuses console in a library room', async () => {
    const f = probe('ingest', 'console', "export function f(): void {\n  console.log('per event');\n}\n");
    expect(await rulesHit(f)).toEqual([expect.stringMatching(/^no-console:/)]);
  });
});
