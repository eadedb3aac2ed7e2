import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from './cli-process.ts';

// The real `ews serve` with one bad setting each: start-up stops before anything opens the
// store (the data directory is never created), with one line on stderr naming the variable,
// exit code 2 and no stack trace.
describe('ews serve refuses a bad configuration at start', () => {
  it.each([
    ['EWS_DETECTORS', { EWS_DETECTORS: 'bogus@x' }, [], /is not algorithm@/],
    ['EWS_DETECT_CRON', { EWS_DETECT_CRON: '99 6 * * *' }, [], /not a cron expression/],
    ['EWS_UNITS_CSV', { EWS_UNITS_CSV: '/nonexistent/units.csv' }, [], /no such file/],
    ['EWS_WEBHOOK_URL', { EWS_WEBHOOK_URL: 'alerts.example.org/hook' }, [], /http\(s\) URL/],
    ['EWS_PSEUDONYM_KEY', { KAFKA_BROKERS: '127.0.0.1:1' }, ['--role', 'ingest'], /--role ingest needs the provincial key/],
    ['KAFKA_BROKERS', { EWS_PSEUDONYM_KEY: 'k'.repeat(32) }, ['--role', 'processor'], /--role processor needs it/],
  ])(
    '%s',
    async (variable, env, args, why) => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'ews-config-cli-')), 'data');
      const r = await runCli(['serve', ...args], cleanEnv({ EWS_DATA_DIR: dataDir, PORT: '0', ...env }));
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ews serve: invalid configuration / cấu hình không hợp lệ — ${variable}: `));
      expect(lines[0]).toMatch(why);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
      expect(existsSync(dataDir), 'the store was opened').toBe(false);
    },
    60_000,
  );
});
