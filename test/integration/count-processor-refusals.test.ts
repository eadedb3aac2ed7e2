import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, insertTsv, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import type { ConsumedBatch } from '../../platform/event-log/types.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { createCountProcessor, type CountProcessor } from '../../processors/count/count-processor.ts';
import { EVENT_COLUMNS, encodeBatch } from '../../processors/count/count-batch.ts';
import { classifyEvent } from '../../processors/classify/index.ts';
import { createDeadLetterStore } from '../../storage/dead-letters.ts';

/**
 * A batch whose rows the engine refuses is split, its bad records dead-lettered with the
 * engine's reason and the rest written, on the real engine (chDB). The bad record is one the
 * encoder lets through: a trusted record (embedded log, fields not re-checked) whose age is
 * not a number, which the engine cannot parse as UInt8.
 */
describe('count processor: rows the store refuses', () => {
  let dir: string;
  let store: ClickHouseClient;
  let n = 0;
  const log = createLogger({ level: 'silent' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-cpr-'));
    store = await createStore({ database: 'ews', dataDir: join(dir, 'ch') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), log);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const processor = (over: { stallAfterMs?: number; realNow?: () => number } = {}): CountProcessor =>
    createCountProcessor({
      log,
      metrics: new Registry(),
      clock: { now: () => Date.now() },
      store,
      deadLetters: createDeadLetterStore(store),
      classify: classifyEvent,
      onCountsChanged: () => undefined,
      trustedLog: true,
      ...(over.stallAfterMs === undefined ? {} : { stallAfterMs: over.stallAfterMs }),
      ...(over.realNow ? { realClock: { now: over.realNow } } : {}),
    });

  /** A batch of `good` valid records with a record the engine refuses at each of `badAt`. */
  function batch(partition: number, good: number, badAt: readonly number[] = []): { batch: ConsumedBatch; good: string[]; bad: string[] } {
    const run = `r${++n}`;
    const ids = { good: [] as string[], bad: [] as string[] };
    const records = [];
    for (let i = 0; i < good + badAt.length; i++) {
      const bad = badAt.includes(i);
      const event_id = `${run}-${partition}-${i}${bad ? '-bad' : ''}`;
      (bad ? ids.bad : ids.good).push(event_id);
      const event = {
        schema: 'ews.encounter.v1',
        event_id,
        hospital_id: 'H1',
        occurred_at: '2026-11-20T09:30:00+07:00',
        commune_code: '09187',
        patient_key: 'pk',
        sex: 'female',
        age_years: bad ? 'not a number' : 30,
        setting: 'outpatient',
        diagnoses: ['A90'],
      };
      const value = JSON.stringify({ event, received_at: '2026-11-20T03:00:00Z' });
      records.push({ topic: 'ews.encounters.v1', partition, offset: 100 + i, key: '09187', value });
    }
    return { batch: { topic: 'ews.encounters.v1', partition, records, nextOffset: 100 + records.length }, ...ids };
  }

  async function storedIds(ids: string[]): Promise<string[]> {
    const rows = await (
      await store.query({
        query: 'SELECT DISTINCT event_id FROM events WHERE event_id IN {ids:Array(String)} ORDER BY event_id',
        query_params: { ids },
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string }>();
    return rows.map((r) => r.event_id);
  }
  async function letters(partition: number): Promise<{ source: string; reason_code: string; reason: string }[]> {
    return (
      await store.query({
        query: `SELECT source, toString(reason_code) AS reason_code, reason FROM dead_letters WHERE source LIKE {p:String} ORDER BY source`,
        query_params: { p: `ews.encounters.v1/${partition}/%` },
        format: 'JSONEachRow',
      })
    ).json();
  }

  it('negative control: the engine does refuse the bad record the encoder lets through', async () => {
    const b = batch(1, 0, [0]);
    const out = encodeBatch(b.batch.records, { classify: classifyEvent, trusted: true });
    expect(out.rows).toBe(1);
    await expect(insertTsv(store, 'events', EVENT_COLUMNS, out.tsv)).rejects.toThrow(/Code: 27/);
  });

  it('splits the batch: the good records are stored, the bad ones dead-lettered with the engine’s reason', async () => {
    const b = batch(2, 40, [0, 17, 41]);
    await processor().handle(b.batch);
    expect(await storedIds([...b.good, ...b.bad])).toEqual([...b.good].sort());
    const dl = await letters(2);
    expect(dl.map((d) => d.source)).toEqual(['ews.encounters.v1/2/100', 'ews.encounters.v1/2/117', 'ews.encounters.v1/2/141']);
    for (const d of dl) {
      expect(d.reason_code).toBe('RECORD_REFUSED_BY_STORE');
      expect(d.reason).toMatch(/^the store refused the row: Code: 27\. DB::Exception: Cannot parse input/);
    }
  });

  it('a refused joined INSERT fails no good batch: batches handled together all complete', async () => {
    const p = processor();
    const batches = [batch(3, 5), batch(4, 5, [2]), batch(5, 5), batch(6, 5)];
    // The first INSERT takes batch 3 alone; 4, 5 and 6 arrive meanwhile and are joined.
    await Promise.all(batches.map((b) => p.handle(b.batch)));
    const good = batches.flatMap((b) => b.good);
    expect(await storedIds([...good, ...batches[1]!.bad])).toEqual([...good].sort());
    expect((await letters(4)).map((d) => d.reason_code)).toEqual(['RECORD_REFUSED_BY_STORE']);
    expect(await letters(5)).toEqual([]);
    expect(p.health().ok).toBe(true);
  });

  it('a store that is unavailable is retried, not split, and makes the processor unhealthy once the batch fails for longer than the threshold', async () => {
    let now = 1_000_000;
    const p = processor({ stallAfterMs: 30_000, realNow: () => now });
    const b = batch(7, 3);
    await store.command({ query: 'DETACH TABLE events' });
    try {
      await expect(p.handle(b.batch)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      now += 20_000;
      await expect(p.handle(b.batch)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(p.health()).toMatchObject({ ok: true, stalledSeconds: 20 });
      now += 15_000;
      await expect(p.handle(b.batch)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const h = p.health();
      expect(h.ok).toBe(false);
      expect(h.reason).toMatch(/^batch of ews\.encounters\.v1\/7 failing for 35 s: .*events/);
    } finally {
      await store.command({ query: 'ATTACH TABLE events' });
    }
    expect(await letters(7)).toEqual([]);
    now += 1_000;
    await p.handle(b.batch);
    expect(p.health()).toEqual({ ok: true, stalledSeconds: 0, lag: 0 });
    expect(await storedIds(b.good)).toEqual([...b.good].sort());
  });
});
