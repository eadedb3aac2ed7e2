import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { createStore, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { createLogger } from '../../platform/logger.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import type { Alert } from '../../schemas/alerts.ts';
import { createAlertStore } from '../../storage/alerts.ts';
import { createEventStore } from '../../storage/events.ts';

// The storage ports on the real engine, in a database of their own.
let dir: string;
let client: ClickHouseClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ews-storage-'));
  client = await createStore({ database: 'ews_ports', dataDir: dir });
  await migrate(client, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const alert = (over: Partial<Alert> = {}): Alert => ({
  alert_id: 'A1',
  commune_code: '09187',
  area_level: 'commune',
  cluster_communes: [],
  granularity: 'day',
  syndrome: 'dengue',
  status: 'open',
  level: 'red',
  algorithm: 'ears_c2',
  first_day: '2026-11-20',
  last_day: '2026-11-20',
  observed: 9,
  expected: 1,
  threshold: 4,
  p_value: null,
  signal_count: 1,
  opened_at: '2026-11-20T05:00:00.000Z',
  updated_at: '2026-11-20T05:00:00.000Z',
  ...over,
});

describe('AlertStore', () => {
  it('keeps the version of the later call, also when calls overlap and the clock goes back', async () => {
    let now = Date.parse('2026-11-20T05:00:00Z');
    const store = createAlertStore(client, { now: () => now });
    // Two versions in the first call, one in the second: the second call's must be the newest.
    await Promise.all([
      store.insert([alert({ observed: 9 }), alert({ observed: 10 })]),
      store.insert([alert({ observed: 12, signal_count: 2 })]),
    ]);
    expect((await store.openAlerts()).map((a) => a.observed)).toEqual([12]);
    // A restart with a clock set back a day still writes newer versions.
    now -= 86_400_000;
    const again = createAlertStore(client, { now: () => now });
    await again.insert([alert({ observed: 14, signal_count: 3, status: 'closed' })]);
    expect(await again.openAlerts()).toEqual([]);
    expect(await again.list({ status: 'closed', limit: 10 })).toEqual([alert({ observed: 14, signal_count: 3, status: 'closed' })]);
  });

  it('filters by parameters only: a quote in a filter value is a value, not SQL', async () => {
    const store = createAlertStore(client, { now: () => Date.now() });
    await store.insert([alert({ alert_id: 'B1', syndrome: 'hfmd', commune_code: '09190' })]);
    expect((await store.list({ status: 'all', syndrome: 'hfmd', limit: 10 })).map((a) => a.alert_id)).toEqual(['B1']);
    expect(await store.list({ status: 'all', syndrome: "hfmd' OR '1'='1", limit: 10 })).toEqual([]);
    expect((await store.list({ status: 'all', commune: '09190', limit: 10 })).map((a) => a.alert_id)).toEqual(['B1']);
  });
});

describe('EventStore', () => {
  it('counts each stored event once', async () => {
    const events = createEventStore(client);
    expect(await events.countStored()).toBe(0);
    await client.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: [
        { hospital_id: 'H', event_id: '1', day: '2026-11-20', commune_code: '09187' },
        { hospital_id: 'H', event_id: '1', day: '2026-11-20', commune_code: '09187' },
        { hospital_id: 'H', event_id: '2', day: '2026-11-20', commune_code: '09187' },
      ],
    });
    expect(await events.countStored()).toBe(2);
  });
});
