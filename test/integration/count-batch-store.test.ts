import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, insertTsv, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { EVENT_COLUMNS, dateTime64Field, encodeBatch } from '../../processors/count/count-batch.ts';
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

  /** Rows of `events` by event id: instants in epoch ms, day as text. */
  async function stored(ids: string[]): Promise<Map<string, { o: number; r: number; day: string }>> {
    const rows = await (
      await store.query({
        query:
          'SELECT event_id, toUnixTimestamp64Milli(occurred_at) AS o, toUnixTimestamp64Milli(received_at) AS r, toString(day) AS day FROM events WHERE event_id IN {ids:Array(String)}',
        query_params: { ids },
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string; o: string; r: string; day: string }>();
    return new Map(rows.map((x) => [x.event_id, { o: Number(x.o), r: Number(x.r), day: x.day }]));
  }

  const OFFSETS = ['Z', '-12:00', '-09:30', '-03:00', '+00:00', '+05:45', '+07:00', '+09:30', '+12:45', '+14:00'];
  /** `ms` as RFC 3339 at `offset` with `digits` fractional digits (beyond milliseconds: 456789…). */
  function rfc3339(ms: number, offset: string, digits: number): string {
    const minutes = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    const local = new Date(ms + minutes * 60_000).toISOString();
    const frac = (local.slice(20, 23) + '456789').slice(0, digits);
    return `${local.slice(0, 19)}${digits > 0 ? `.${frac}` : ''}${offset}`;
  }
  const truncated = (ms: number, digits: number) =>
    digits >= 3
      ? ms
      : ms - (((ms % 1000) + 1000) % 1000) + Math.floor((((ms % 1000) + 1000) % 1000) / 10 ** (3 - digits)) * 10 ** (3 - digits);

  it('keeps every instant the encoder writes, across the engine’s number/text boundaries, offsets −12:00…+14:00, 0–9 fractional digits and leap days', async () => {
    const instants = [
      Date.UTC(1969, 11, 31, 17, 0, 0, 0), // first instant of local day 1970-01-01 (before the epoch)
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(1970, 0, 1, 0, 0, 0, 0),
      Date.UTC(1971, 5, 1, 12, 0, 0, 1), // the early 1970s: 8-digit epoch seconds, refused by the engine before
      Date.UTC(1973, 2, 3, 9, 46, 39, 999), // last instant with 8-digit epoch seconds
      Date.UTC(1973, 2, 3, 9, 46, 40, 0),
      Date.UTC(2000, 1, 29, 23, 59, 59, 999), // leap day of a century divisible by 400
      Date.UTC(2001, 8, 9, 1, 46, 40, 0), // first instant with 10-digit epoch seconds
      Date.UTC(2024, 1, 29, 16, 59, 59, 999),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999), // 2100 is no leap year
      Date.UTC(2149, 5, 6, 16, 59, 59, 999), // last instant of the last local day `day` holds
    ];
    const records: { value: string; offset: number }[] = [];
    const expected = new Map<string, { o: number; day: string }>();
    for (const [i, ms] of instants.entries()) {
      for (const [j, offset] of OFFSETS.entries()) {
        for (let digits = 0; digits <= 9; digits++) {
          const text = rfc3339(ms, offset, digits);
          const o = truncated(ms, digits);
          const event_id = `corner-${i}-${j}-${digits}`;
          const event = { ...baseEvent, event_id, occurred_at: text };
          records.push({ value: JSON.stringify({ event, received_at: text }), offset: records.length });
          expected.set(event_id, { o, day: new Date(o + 7 * 3_600_000).toISOString().slice(0, 10) });
        }
      }
    }
    const out = encodeBatch(records, { classify: classifyEvent, trusted: false });
    expect(out.refused).toEqual([]);
    expect(out.rows).toBe(records.length);
    await insertTsv(store, 'events', EVENT_COLUMNS, out.tsv);
    const rows = await stored([...expected.keys()]);
    expect(rows.size).toBe(expected.size);
    for (const [id, want] of expected) expect({ id, ...rows.get(id) }).toEqual({ id, o: want.o, r: want.o, day: want.day });
  });

  it.each([
    ['1900-01-01T00:00:00.000Z', Date.UTC(1900, 0, 1)],
    ['1969-12-31T23:59:59.999Z', -1],
    ['the epoch', 0],
    ['2286-11-20T17:46:39.999Z (last 10-digit second)', 9_999_999_999_999],
    ['2286-11-20T17:46:40.000Z', 10_000_000_000_000],
    ['2299-12-31T23:59:59.999Z', Date.UTC(2300, 0, 1) - 1],
  ])('dateTime64Field writes %s as the engine keeps it', async (_name, ms) => {
    const id = `dt64-${ms}`;
    const fields = EVENT_COLUMNS.map((c) =>
      c === 'event_id'
        ? id
        : c === 'occurred_at' || c === 'received_at'
          ? dateTime64Field(ms)
          : c === 'day'
            ? '2000-01-01'
            : c === 'diagnoses' || c === 'syndromes'
              ? '[]'
              : c === 'age_years' || c === 'temperature_c'
                ? '\\N'
                : c === 'log_offset'
                  ? '1'
                  : 'x',
    );
    await insertTsv(store, 'events', EVENT_COLUMNS, Buffer.from(`${fields.join('\t')}\n`));
    expect((await stored([id])).get(id)).toEqual({ o: ms, r: ms, day: '2000-01-01' });
  });
});

const baseEvent = {
  schema: 'ews.encounter.v1',
  hospital_id: 'H1',
  commune_code: '09187',
  patient_key: 'pk',
  sex: 'male',
  setting: 'outpatient',
  diagnoses: ['A90'],
};
