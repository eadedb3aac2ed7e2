import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A broker of its own for a test that stops and restarts it: the project's local broker
 * (scripts/kafka/start.sh, Apache Kafka from Maven Central jars) on a random port with a
 * fresh run directory, so other tests' broker is never disturbed.
 */
export interface PrivateBroker {
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

export function privateBroker(): PrivateBroker {
  const port = 19_100 + 2 * Math.floor(Math.random() * 400);
  const runDir = mkdtempSync(join(tmpdir(), 'ews-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 1),
    KAFKA_RUN_DIR: runDir,
    KAFKA_STOP_TIMEOUT: '20',
  };
  const run = (script: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [join(REPO, 'scripts/kafka', script)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${script} (port ${port}) exited with ${code}: ${out.slice(-2000)}`)),
      );
    });
  return {
    brokers: `127.0.0.1:${port}`,
    start: () => run('start.sh'),
    stop: () => run('stop.sh'),
    async remove() {
      await run('stop.sh').catch(() => undefined);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
