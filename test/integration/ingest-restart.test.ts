import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders, registerOnDataDir } from '../helpers/pipeline.ts';
import { createStore } from '../../platform/clickhouse.ts';
import { TOPICS } from '../../schemas/topics.ts';
import { cleanEnv, startCli } from './cli/cli-process.ts';

/**
 * A crash after ingest answered (the events fsynced in the log) but before the processors
 * wrote them: on restart the log replays its uncommitted tail. A resend of those events must
 * be answered as a duplicate, not accepted again.
 */
type P = Awaited<ReturnType<typeof startTestPipeline>>;
const clock = { now: () => Date.parse('2026-11-25T12:00:00+07:00') };
let p: P | undefined;
afterAll(async () => {
  await p?.cleanup();
  if (p) rmSync(p.dir, { recursive: true, force: true });
});

const post = (pl: P, events: unknown[]) =>
  pl.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(pl), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });

async function storedEvents(pl: P): Promise<number> {
  const rs = await pl.store.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

describe('duplicate answers across a crash and replay', () => {
  it('a resend of events still in the log tail, not yet in the store, is a duplicate after the restart', async () => {
    p = await startTestPipeline({ clock });
    const events = Array.from({ length: 50 }, (_, i) => encounter({ event_id: `crash-${i}` }));
    expect((await post(p, events)).json()).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
    await p.settle();
    await p.close();

    // The state a crash leaves: the log holds the events past the committed offset, the store
    // does not have them (the processors never wrote them).
    const store = await createStore({ database: 'ews', dataDir: join(p.dir, 'clickhouse') });
    await store.command({ query: 'TRUNCATE TABLE events' });
    await store.command({ query: 'TRUNCATE TABLE syndrome_counts' });
    await store.close();
    for (const topic of [TOPICS.encounters, TOPICS.labs]) writeFileSync(join(p.dir, 'log', `${topic}.ews-processors.offset`), '0');

    p = await startTestPipeline({ clock, dir: p.dir });
    const res = await post(p, events);
    expect(res.json()).toEqual({ accepted: 0, duplicates: 50, rejected: [] });
    // The replay did write them, once: the store was empty before the restart.
    await p.settle();
    expect(await storedEvents(p)).toBe(50);
    // And a new event is still accepted.
    expect((await post(p, [encounter({ event_id: 'after-crash' })])).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    await p.cleanup();
    rmSync(p.dir, { recursive: true, force: true });
    p = undefined;
  });

  it('after a real kill -9 of `ews serve` right after its answer, the restarted ingest answers the resend as duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ews-kill-'));
    const env = cleanEnv({
      EWS_DATA_DIR: dir,
      PORT: '0',
      EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
      EWS_LOG_LEVEL: 'warn',
      EWS_SCAN: 'false',
    });
    const key = await registerOnDataDir(dir);
    const serve = startCli(['serve'], env);
    await serve.waitFor(/dashboard[^\n]*http:\/\/localhost:\d+/, 60_000);
    const url = /(http:\/\/localhost:\d+)/.exec(serve.stdout)![1]!;
    const events = Array.from({ length: 50 }, (_, i) => encounter({ event_id: `kill-${i}` }));
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(events),
    });
    expect(await res.json()).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
    // At once: the processors wait up to 500 ms to fill a batch, so the events are in the log only.
    serve.child.kill('SIGKILL');
    await serve.exited;

    const store = await createStore({ database: 'ews', dataDir: join(dir, 'clickhouse') });
    const rs = await store.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
    const storedBefore = Number((await rs.json<{ n: string }>())[0]!.n);
    await store.close();
    // The crash left them out of the store (else this test would not be about the log's tail).
    expect(storedBefore).toBe(0);

    p = await startTestPipeline({ dir });
    expect((await post(p, events)).json()).toEqual({ accepted: 0, duplicates: 50, rejected: [] });
    await p.settle();
    expect(await storedEvents(p)).toBe(50);
    await p.cleanup();
    p = undefined;
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
