import { describe, expect, it } from 'vitest';
import { startOnDataDir as start, tempDirs } from '../../helpers/data-dir.ts';
import { cleanEnv, runCli } from './cli-process.ts';

const TOKEN = 'subscribe-cli-token-subscribe-cli-token-0';
const tempDir = tempDirs('ews-subscribe-cli-');
const addOfficer = (dir: string) =>
  runCli(['users', 'add', 'bn.officer', '--role', 'officer', '--province', '24', '--email', 'bn@example.vn', '--data-dir', dir]);
/** `ews users subscribe bn.officer <options> --data-dir <dir>`. */
const subscribe = (dir: string, ...options: string[]) => runCli(['users', 'subscribe', 'bn.officer', ...options, '--data-dir', dir]);

describe('ews users subscribe', () => {
  it('on a stopped data directory: stores the options given, keeps the others, --off; a service started later has them', async () => {
    const dir = tempDir();
    expect((await addOfficer(dir)).code).toBe(0);
    const first = await subscribe(dir, '--min-level', 'red', '--syndromes', 'dengue,measles_rubella');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      min_level: 'red',
      syndromes: ['dengue', 'measles_rubella'],
      channels: ['email'],
      active: true,
    });
    const hook = await subscribe(dir, '--channels', 'email,webhook', '--webhook-url', 'https://hooks.example.vn/bn');
    expect(hook.code, hook.stderr).toBe(0);
    expect(JSON.parse(hook.stdout)).toMatchObject({
      min_level: 'red',
      channels: ['email', 'webhook'],
      webhook_url: 'https://hooks.example.vn/bn',
    });
    const off = await subscribe(dir, '--off', '--syndromes', 'all');
    expect(JSON.parse(off.stdout)).toMatchObject({ active: false, syndromes: 'all', min_level: 'red' });

    const p = await start(dir);
    try {
      expect(await p.access.users.subscription('bn.officer')).toMatchObject({ active: false, minLevel: 'red', syndromes: [] });
      const audit = await p.access.audit.list({ action: 'user.subscription', limit: 10 });
      expect(audit.records.map((r) => [r.actor, r.details['active']])).toEqual([
        ['cli', false],
        ['cli', undefined],
        ['cli', true],
      ]);
    } finally {
      await p.close();
    }
  });

  it('refuses bad options with one line naming the option (exit 2), an unknown user with exit 1; --help', async () => {
    const dir = tempDir();
    expect((await addOfficer(dir)).code).toBe(0);
    const cases: [string[], RegExp][] = [
      [['--min-level', 'orange'], /--min-level must be "yellow" or "red"/],
      [['--syndromes', 'dengue,flu'], /--syndromes must be one of/],
      [['--channels', 'email,pigeon'], /--channels must be one of email, sms, webhook/],
      [['--channels', 'sms'], /--channels sms needs the user's phone number/],
      [['--channels', 'webhook'], /--webhook-url is required for the webhook channel/],
      [['--webhook-url', 'not a url'], /--webhook-url must be an http\(s\) URL/],
    ];
    for (const [args, re] of cases) {
      const r = await subscribe(dir, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    // Negative control: the same directory takes a good change.
    expect((await subscribe(dir, '--min-level', 'red')).code).toBe(0);
    const unknown = await runCli(['users', 'subscribe', 'nobody', '--data-dir', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ews users: no user nobody / không có người dùng nobody\n');
    const help = await runCli(['users', 'subscribe', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ews users subscribe USERNAME \[--syndromes/);
  });

  it('through the admin API of a running service (--url), audited as the admin token', async () => {
    const dir = tempDir();
    expect((await addOfficer(dir)).code).toBe(0);
    const p = await start(dir, { PORT: '0', EWS_ADMIN_TOKEN: TOKEN });
    try {
      const env = cleanEnv({ EWS_ADMIN_TOKEN: TOKEN });
      const r = await runCli(['users', 'subscribe', 'bn.officer', '--min-level', 'red', '--url', p.url], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ min_level: 'red', stored: true });
      expect(await p.access.users.subscription('bn.officer')).toMatchObject({ minLevel: 'red' });
      const bad = await runCli(['users', 'subscribe', 'bn.officer', '--channels', 'sms', '--url', p.url], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/400 .*channels sms needs the user's phone number/);
      const audit = await p.access.audit.list({ action: 'user.subscription', limit: 5 });
      expect(audit.records.map((r) => r.actor)).toEqual(['admin-token']);
    } finally {
      await p.close();
    }
  });
});
