// Runs the real `ews` command (bin/ews.mjs) as a child process, as a user would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/ews.mjs', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `ews` process whose output is collected as it comes. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stdout or stderr matches `re` (rejects after `timeoutMs` or on exit). */
  waitFor(re: RegExp, timeoutMs: number): Promise<void>;
  exited: Promise<CliResult>;
}

/** Environment of a test run: the parent's, without variables that would change the outcome. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(EWS_|KAFKA_|CLICKHOUSE_|DATABASE_URL$|PORT$|HOST$)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const onData = () => listeners.forEach((l) => l());
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onData();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onData();
  });
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor: (re, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(stdout) || re.test(stderr)) done(resolve);
        };
        const done = (f: () => void) => {
          listeners.delete(check);
          clearTimeout(timer);
          f();
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`timed out waiting for ${re}; stderr: ${stderr.slice(-2000)}`))),
          timeoutMs,
        );
        listeners.add(check);
        void exited.then((r) =>
          done(() => reject(new Error(`ews exited (${r.code ?? r.signal}) before ${re}; stderr: ${stderr.slice(-2000)}`))),
        );
        check();
      }),
  };
}

/** Runs `ews ARGS…` to completion. */
export function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const p = startCli(args, env);
  p.child.stdin.end();
  return p.exited;
}
