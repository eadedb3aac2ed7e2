import { describe, expect, it } from 'vitest';
import { startOnDataDir as start, tempDirs } from '../../helpers/data-dir.ts';
import { cleanEnv, runCli, startCli } from '../cli/cli-process.ts';

const TOKEN = 'users-cli-token-users-cli-token-users-cli';
const tempDir = tempDirs('ews-users-cli-');

async function withStdin(args: string[], input: string) {
  const p = startCli(args);
  p.child.stdin.end(input);
  return p.exited;
}

describe('ews users on a stopped data directory', () => {
  it('adds (a generated password alone on stdout, once), lists, issues a token; a service started later honours them', async () => {
    const dir = tempDir();
    const add = await runCli(['users', 'add', 'bn.officer', '--role', 'officer', '--province', '24', '--lang', 'en', '--data-dir', dir]);
    expect(add.code, add.stderr).toBe(0);
    const password = add.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(add.stderr).toMatch(/shown this once/);
    const stdinAdd = await withStdin(
      ['users', 'add', 'xa.officer', '--role', 'officer', '--communes', '07210,07228', '--password-stdin', '--data-dir', dir],
      'my chosen password\n',
    );
    expect(stdinAdd.code, stdinAdd.stderr).toBe(0);
    expect(stdinAdd.stdout).toBe('');

    const list = await runCli(['users', 'list', '--json', '--data-dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toMatchObject([
      { username: 'bn.officer', role: 'officer', jurisdiction: { level: 'province', province: '24' }, lang: 'en' },
      { username: 'xa.officer', jurisdiction: { level: 'communes', communes: ['07210', '07228'] } },
    ]);
    expect(list.stdout).not.toContain(password);
    const token = await runCli(['users', 'token', 'bn.officer', '--data-dir', dir]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim()).toMatch(/^ews_ut_[A-Za-z0-9_-]{43}$/);

    const p = await start(dir);
    try {
      const signIn = (username: string, pw: string) =>
        p.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password: pw } });
      expect((await signIn('bn.officer', password)).statusCode).toBe(200);
      expect((await signIn('xa.officer', 'my chosen password')).statusCode).toBe(200);
      const me = await p.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${token.stdout.trim()}` } });
      expect(me.json()).toMatchObject({ user: { username: 'bn.officer' } });
      const audit = await p.access.audit.list({ actor: 'cli', limit: 10 });
      expect(audit.records.map((r) => r.action)).toEqual(['user.token', 'user.add', 'user.add']);
    } finally {
      await p.close();
    }
    const disable = await runCli(['users', 'disable', 'bn.officer', '--data-dir', dir]);
    expect(disable.code, disable.stderr).toBe(0);
    const passwd = await runCli(['users', 'passwd', 'xa.officer', '--data-dir', dir]);
    expect(passwd.code, passwd.stderr).toBe(0);
    expect(passwd.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  it('refuses bad arguments with one line naming the option, and exit 2; an unknown user is exit 1', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['users'], /give one of add, list/],
      [['users', 'add', 'u1'], /--role must be one of/],
      [['users', 'add', 'u1', '--role', 'officer', '--province', '99'], /--province unknown province 99/],
      [['users', 'add', 'u1', '--role', 'officer', '--communes', '07210,123'], /--communes must be a 5-digit commune code/],
      [['users', 'add', 'u1', '--role', 'officer', '--communes', '07210,99999'], /--communes unknown commune 99999/],
      [['users', 'add', 'u1', '--role', 'officer', '--province', '24', '--communes', '07210'], /not both/],
      [['users', 'add', 'u1', '--role', 'officer', '--email', 'nope'], /--email must be an e-mail/],
      [['users', 'token'], /needs the USERNAME/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli([...args, '--data-dir', dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const unknown = await runCli(['users', 'token', 'nobody', '--data-dir', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ews users: no user nobody / không có người dùng nobody\n');
    for (const sub of ['add', 'list', 'token', 'disable', 'passwd']) {
      const help = await runCli(['users', sub, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/ews users add USERNAME --role/);
    }
  });
});

describe('ews users while the service runs', () => {
  it('points at --url when the directory is held; --url adds, lists and issues tokens through the admin API', async () => {
    const dir = tempDir();
    const p = await start(dir, { PORT: '0', EWS_ADMIN_TOKEN: TOKEN });
    try {
      const held = await runCli(['users', 'list', '--data-dir', dir]);
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(/--url/);
      const env = cleanEnv({ EWS_ADMIN_TOKEN: TOKEN });
      const add = await runCli(['users', 'add', 'hy.head', '--role', 'officer', '--province', '33', '--url', p.url], env);
      expect(add.code, add.stderr).toBe(0);
      const password = add.stdout.trim();
      const signIn = await p.app.inject({ method: 'POST', url: '/v1/session', payload: { username: 'hy.head', password } });
      expect(signIn.statusCode).toBe(200);
      const list = await runCli(['users', 'list', '--url', p.url], env);
      expect(list.stdout).toMatch(/hy\.head\s+officer\s+province 33/);
      const token = await runCli(['users', 'token', 'hy.head', '--url', p.url], env);
      expect(token.code, token.stderr).toBe(0);
      const me = await p.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: `Bearer ${token.stdout.trim()}` } });
      expect(me.statusCode).toBe(200);
      const wrong = await runCli(['users', 'list', '--url', p.url], cleanEnv({ EWS_ADMIN_TOKEN: `${TOKEN}x` }));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/401/);
      expect((await p.access.audit.list({ actor: 'admin-token', target: 'hy.head', limit: 5 })).records.map((r) => r.action)).toEqual([
        'user.token',
        'user.add',
      ]);
    } finally {
      await p.close();
    }
  });
});
