import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, type CliResult } from './cli-process.ts';

// The commands are read from `ews help` itself, so a command added there is checked too.
let help: CliResult;
let commands: string[] = [];
beforeAll(async () => {
  help = await runCli(['help']);
  commands = [...help.stdout.matchAll(/^ {2}ews ([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}, 60_000);

describe('ews COMMAND --help', () => {
  it('ews help lists the commands, every one that cli/main.ts dispatches', () => {
    expect(help.code).toBe(0);
    expect(commands).toEqual(expect.arrayContaining(['demo', 'serve', 'produce', 'detect', 'backtest', 'bench', 'schemas']));
    const dispatched = [...readFileSync(join(REPO, 'cli/main.ts'), 'utf8').matchAll(/case '([a-z][a-z-]*)':/g)].map((m) => m[1]!);
    for (const c of dispatched.filter((c) => c !== 'help')) expect(commands, `ews help does not list '${c}'`).toContain(c);
  });

  it('every listed command answers --help with exit 0 and a usage line, without starting anything', async () => {
    const results = await Promise.all(commands.map(async (c) => [c, await runCli([c, '--help'])] as const));
    for (const [c, r] of results) {
      expect(r.code, `ews ${c} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout, `ews ${c} --help`).toMatch(new RegExp(`^Usage / Cách dùng: ews ${c}\\b`, 'm'));
      // The first line says what it does in English and Vietnamese: "ews CMD — English / tiếng Việt".
      expect(r.stdout.split('\n')[0], `ews ${c} --help`).toMatch(new RegExp(`^ews ${c} — .+ / .*[^\\x00-\\x7f]`));
      expect(r.stderr, `ews ${c} --help`).toBe('');
    }
  }, 120_000);

  it('ews detect --help names only files that exist', async () => {
    const r = await runCli(['detect', '--help']);
    const paths = [...r.stdout.matchAll(/\b((?:test|scripts|processors|schemas)\/[\w./-]*[\w/])/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(2);
    for (const p of paths) expect(existsSync(join(REPO, p)), p).toBe(true);
  }, 60_000);

  it('an unknown option is one line on stderr and exit 2, not a stack trace', async () => {
    const r = await runCli(['schemas', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--bogus/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
