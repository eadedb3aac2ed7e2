import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, insertTsv, type ClickHouseClient } from '../../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../../platform/migrations.ts';
import { createLogger } from '../../../platform/logger.ts';
import { MIGRATIONS_DIR } from '../../../cli/pipeline.ts';
import { EVENT_COLUMNS, encodeBatch } from '../../../processors/count/count-batch.ts';
import { classifyEvent } from '../../../processors/classify/index.ts';
import { dayString, localDayNumber } from '../../../processors/count/window.ts';
import { parseLogRecord } from '../../../schemas/topics.ts';
import { wellFormedRecordObject } from '../../helpers/log-record-arbitraries.ts';

/** The text as UTF-8 can hold it: unpaired surrogates become U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

/**
 * The fuzz sample through the real engine: whatever encodeBatch accepts from generated records
 * (RFC 3339 corners, offsets, fractions, text TSV must escape…) the `events` table takes in one
 * INSERT, and gives back as the contract read it: instants to the millisecond, local day, text.
 */
describe('encodeBatch fuzz sample in the real `events` table', () => {
  let dir: string;
  let store: ClickHouseClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-fuzz-cb-'));
    store = await createStore({ database: 'ews', dataDir: join(dir, 'ch') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2])('round-trips every accepted record of 1,500 generated ones (≥ 150 accepted, seed %i)', async (seed) => {
    const samples = fc.sample(wellFormedRecordObject, { numRuns: 1500, seed });
    // Distinct identities, so the table keeps one row per record.
    const values = samples.map((r, i) =>
      JSON.stringify({ ...r, event: { ...r.event, event_id: `${seed}-${i}-${r.event.event_id}`.slice(0, 128) } }),
    );
    const input = values.map((value, offset) => ({ value, offset }));
    const out = encodeBatch(input, { classify: classifyEvent, trusted: false });
    expect(out.rows).toBeGreaterThan(150);
    await insertTsv(store, 'events', EVENT_COLUMNS, out.tsv);

    const refused = new Set(out.refused.map((r) => r.offset));
    const accepted = input.filter((r) => !refused.has(r.offset));
    const rows = await (
      await store.query({
        query:
          'SELECT log_offset, hospital_id, event_id, commune_code, chief_complaint, diagnoses, age_years, toUnixTimestamp64Milli(occurred_at) AS o, toUnixTimestamp64Milli(received_at) AS r, toString(day) AS day FROM events WHERE startsWith(event_id, {p:String})',
        query_params: { p: `${seed}-` },
        format: 'JSONEachRow',
      })
    ).json<{
      log_offset: string;
      hospital_id: string;
      event_id: string;
      commune_code: string;
      chief_complaint: string;
      diagnoses: string[];
      age_years: number | null;
      o: string;
      r: string;
      day: string;
    }>();
    expect(rows).toHaveLength(accepted.length);
    const byOffset = new Map(
      rows.map((r) => [Number(r.log_offset), { ...r, log_offset: Number(r.log_offset), o: Number(r.o), r: Number(r.r) }]),
    );
    for (const rec of accepted) {
      const parsed = parseLogRecord(rec.value);
      if (!parsed.ok) throw new Error(`accepted but not a record: ${rec.value}`);
      const ev = parsed.record.event;
      const o = Date.parse(ev.occurred_at);
      expect(byOffset.get(rec.offset)).toEqual({
        log_offset: rec.offset,
        hospital_id: ev.hospital_id,
        event_id: ev.event_id,
        commune_code: ev.commune_code,
        // UTF-8 has no unpaired surrogates: the contract lets them into free text, the store keeps U+FFFD.
        chief_complaint: ev.schema === 'ews.encounter.v1' ? wellFormed(ev.chief_complaint ?? '') : '',
        diagnoses: ev.schema === 'ews.encounter.v1' ? ev.diagnoses.map(wellFormed) : [],
        age_years: ev.age_years ?? null,
        o,
        r: Date.parse(parsed.record.received_at),
        day: dayString(localDayNumber(o)),
      });
    }
  });
});
