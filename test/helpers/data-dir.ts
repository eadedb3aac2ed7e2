import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { startPipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';

/**
 * Makes fresh temporary data directories named `<prefix>…`, every one removed after the
 * file's tests. Call it at the top of a test file: `const tempDir = tempDirs('ews-users-cli-')`.
 */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/**
 * A real pipeline on the data directory `dir` (what the CLI wrote there while it was stopped),
 * silent, without the cron schedule; it listens only when `env` sets PORT.
 */
export const startOnDataDir = (dir: string, env: Record<string, string> = {}) =>
  startPipeline(readConfig({ EWS_DATA_DIR: dir, EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key', ...env }), {
    log: createLogger({ level: 'silent' }),
    clock: { now: () => Date.now() },
    cronSchedule: false,
    ...(env['PORT'] ? {} : { listen: false }),
  });
