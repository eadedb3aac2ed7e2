import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../cli/config.ts';
import { startPipeline } from '../../../cli/pipeline.ts';
import { createLogger } from '../../../platform/logger.ts';
import { cleanEnv, runCli } from '../cli/cli-process.ts';

const TOKEN = 'cli-admin-token-cli-admin-token-cli-admin';
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ews-hospitals-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('ews hospitals on a stopped data directory', () => {
  it('adds (the key alone on stdout, once), lists without keys, rotates and revokes; a service started later honours them', async () => {
    const dir = tempDir();
    const add = await runCli(['hospitals', 'add', 'BV-A', '--name', 'Bệnh viện A', '--province', '24', '--data-dir', dir]);
    expect(add.code, add.stderr).toBe(0);
    const key = add.stdout.trim();
    expect(key).toMatch(/^ews_hk_[A-Za-z0-9_-]{43}$/);
    expect(add.stderr).toMatch(/shown this once/);

    const list = await runCli(['hospitals', 'list', '--data-dir', dir, '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(JSON.parse(list.stdout)).toMatchObject({ id: 'BV-A', name: 'Bệnh viện A', province_code: '24', key_prefix: key.slice(0, 13) });

    const rotate = await runCli(['hospitals', 'rotate', 'BV-A', '--data-dir', dir]);
    expect(rotate.code, rotate.stderr).toBe(0);
    const rotated = rotate.stdout.trim();
    const add2 = await runCli(['hospitals', 'add', 'BV-B', '--name', 'B', '--data-dir', dir]);
    const revoke = await runCli(['hospitals', 'revoke', 'BV-B', '--data-dir', dir]);
    expect(revoke.code, revoke.stderr).toBe(0);

    const config = readConfig({ EWS_DATA_DIR: dir, EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key' });
    const p = await startPipeline(config, {
      log: createLogger({ level: 'silent' }),
      clock: { now: () => Date.now() },
      listen: false,
      cronSchedule: false,
    });
    try {
      expect(await p.hospitalKeys.verify(rotated)).toEqual({ ok: true, hospitalId: 'BV-A' });
      expect(await p.hospitalKeys.verify(key)).toEqual({ ok: true, hospitalId: 'BV-A' }); // inside the grace period
      expect(await p.hospitalKeys.verify(add2.stdout.trim())).toEqual({ ok: false, reason: 'revoked' });
    } finally {
      await p.close();
    }
  });

  it('refuses bad arguments with one line and exit 2', async () => {
    const dir = tempDir();
    for (const args of [['hospitals'], ['hospitals', 'add', 'BV-A'], ['hospitals', 'rotate'], ['hospitals', 'add', 'a b', '--name', 'x']]) {
      const r = await runCli([...args, '--data-dir', dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const dup = await runCli(['hospitals', 'rotate', 'NOPE', '--data-dir', dir]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('ews hospitals: no hospital NOPE / không có bệnh viện NOPE\n');
  });
});

describe('ews hospitals while the service runs', () => {
  it('says the directory is held (in Vietnamese and English) and points at the admin API, which --url then uses', async () => {
    const dir = tempDir();
    const config = readConfig({
      EWS_DATA_DIR: dir,
      EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
      PORT: '0',
      EWS_ADMIN_TOKEN: TOKEN,
    });
    const p = await startPipeline(config, {
      log: createLogger({ level: 'silent' }),
      clock: { now: () => Date.now() },
      cronSchedule: false,
    });
    try {
      const held = await runCli(['hospitals', 'list', '--data-dir', dir]);
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(/is held by process \d+/);
      expect(held.stderr).toMatch(/đang được tiến trình/);
      expect(held.stderr).toMatch(/--url/);
      // A second service on the same directory stops at once with one line, before touching anything.
      const second = await runCli(['serve'], cleanEnv({ EWS_DATA_DIR: dir, PORT: '0' }));
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^ews serve: the operational store .* is held by process \d+ .*stop it first/);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);

      const noToken = await runCli(['hospitals', 'list', '--url', p.url]);
      expect(noToken.code).toBe(2);
      const add = await runCli(['hospitals', 'add', 'BV-C', '--name', 'C', '--url', p.url], cleanEnv({ EWS_ADMIN_TOKEN: TOKEN }));
      expect(add.code, add.stderr).toBe(0);
      expect(await p.hospitalKeys.verify(add.stdout.trim())).toEqual({ ok: true, hospitalId: 'BV-C' });
      const wrong = await runCli(['hospitals', 'list', '--url', p.url], cleanEnv({ EWS_ADMIN_TOKEN: `${TOKEN}x` }));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/401/);
    } finally {
      await p.close();
    }
  });
});
