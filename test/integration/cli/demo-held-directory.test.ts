import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';

// `ews demo` empties its data directory at start. On a directory a running service holds (the
// operational store's lock names a live process) it must refuse instead: emptying it deleted
// the running demo's ClickHouse parts under it (found by hand, 2026-12-02).
describe('ews demo on a data directory another process holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-demo-held-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses in one bilingual line naming the holder, and leaves the directory as it was', async () => {
    mkdirSync(join(dir, 'clickhouse'), { recursive: true });
    writeFileSync(join(dir, 'clickhouse', 'part.bin'), 'data of the running service');
    // This test's own process stands for the running service: alive for the whole run.
    writeFileSync(join(dir, 'pg.lock'), String(process.pid));
    const r = await runCli(['demo', '--data-dir', dir, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`held by process ${process.pid}`);
    expect(r.stderr).toContain('đang được tiến trình');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'clickhouse', 'part.bin'))).toBe(true);
    expect(existsSync(join(dir, 'pg.lock'))).toBe(true);
  }, 60_000);
});
