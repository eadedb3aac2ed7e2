import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, insertTsv, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { EVENT_COLUMNS, encodeBatch } from '../../processors/count-batch.ts';
import { classifyEvent } from '../../processors/classify/index.ts';

/** encodeBatch's rows, as the real engine stores them in `events`. */
describe('encodeBatch rows in the real `events` table', () => {
  let dir: string;
  let store: ClickHouseClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-cbs-'));
    store = await createStore({ database: 'ews', dataDir: join(dir, 'ch') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['2026-07-01T08:30:00+07:00', '2026-11-26T01:02:03.456Z'],
    ['2026-06-30T17:00:00Z', '2026-11-26T01:02:03Z'],
    ['2026-07-01T01:00:00.987654-05:30', '2026-11-26T01:02:03.1+07:00'],
  ])('occurred_at %s and received_at %s keep their instants (to the millisecond) and local day', async (occurred, received) => {
    const event = {
      schema: 'ews.encounter.v1',
      event_id: `E-${occurred}`,
      hospital_id: 'H1',
      occurred_at: occurred,
      commune_code: '09187',
      patient_key: 'pk',
      sex: 'male',
      setting: 'outpatient',
      diagnoses: ["J11'1"],
      chief_complaint: 'ho\tsốt',
    };
    const out = encodeBatch([{ value: JSON.stringify({ event, received_at: received }), offset: 7 }], {
      classify: classifyEvent,
      trusted: true,
    });
    await insertTsv(store, 'events', EVENT_COLUMNS, out.tsv);
    const [row] = await (
      await store.query({
        query:
          'SELECT toUnixTimestamp64Milli(occurred_at) AS o, toUnixTimestamp64Milli(received_at) AS r, toString(day) AS day, diagnoses, chief_complaint, log_offset FROM events WHERE event_id = {id:String}',
        query_params: { id: event.event_id },
        format: 'JSONEachRow',
      })
    ).json<{ o: string; r: string; day: string; diagnoses: string[]; chief_complaint: string; log_offset: string }>();
    expect(Number(row!.o)).toBe(Date.parse(occurred));
    expect(Number(row!.r)).toBe(Date.parse(received));
    expect(row!.day).toBe(new Date(Date.parse(occurred) + 7 * 3_600_000).toISOString().slice(0, 10));
    expect(row!.diagnoses).toEqual(["J11'1"]);
    expect(row!.chief_complaint).toBe('ho\tsốt');
    expect(String(row!.log_offset)).toBe('7');
  });
});
