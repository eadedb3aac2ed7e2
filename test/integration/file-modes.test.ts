import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createEmbeddedLog } from '../../platform/event-log/embedded.ts';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';

/**
 * Files that hold health data are readable by their owner only: the data directory, the chDB
 * directory and the event log's directory 0700, the log's files 0600 (issue 9, privacy).
 * Runs under the usual umask 022, with which files are otherwise created 0644 and directories 0755.
 */
const parents: string[] = [];
afterAll(() => {
  for (const d of parents) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const parent = mkdtempSync(join(tmpdir(), 'ews-modes-'));
  parents.push(parent);
  return join(parent, 'data');
};
const mode = (p: string) => statSync(p).mode & 0o777;

describe('file modes', () => {
  it('the embedded log creates its directory 0700 and its files 0600, and tightens a file left 0644', async () => {
    const dir = join(fresh(), 'log');
    const old = createEmbeddedLog({ dir, logger: pino({ level: 'silent' }) });
    await old.append('t', [{ key: 'k', value: '{}' }]);
    await old.close();
    writeFileSync(join(dir, 'u.log'), '');
    chmodSync(join(dir, 'u.log'), 0o644);
    const log = createEmbeddedLog({ dir, logger: pino({ level: 'silent' }) });
    await log.append('u', [{ key: 'k', value: '{}' }]);
    await log.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 't.log'))).toBe(0o600);
    expect(mode(join(dir, 'u.log'))).toBe(0o600);
  });

  it('a pipeline creates its data directory, chDB directory and event log for the owner only', async () => {
    const dir = fresh();
    const p = await startTestPipeline({ dir });
    try {
      const res = await p.app.inject({
        method: 'POST',
        url: '/v1/events',
        payload: [encounter({ event_id: 'modes-1' })],
        headers: ingestHeaders(p),
      });
      expect(res.json()).toMatchObject({ accepted: 1 });
    } finally {
      await p.close();
    }
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'clickhouse'))).toBe(0o700);
    expect(mode(join(dir, 'log'))).toBe(0o700);
    const logs = readdirSync(join(dir, 'log'));
    expect(logs.some((f) => f.endsWith('.log'))).toBe(true);
    for (const f of logs) expect([f, mode(join(dir, 'log', f))]).toEqual([f, 0o600]);
    // Nothing under the data directory is reachable by others: every entry in it is the owner's.
    for (const entry of readdirSync(dir)) {
      const m = mode(join(dir, entry));
      if (statSync(join(dir, entry)).isDirectory()) expect([entry, m & 0o077]).toEqual([entry, 0]);
    }
    expect(existsSync(join(dir, 'pseudonym.key'))).toBe(false); // the test pipeline is given its key
  });
});
