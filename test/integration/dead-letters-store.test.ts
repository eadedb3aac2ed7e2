import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';
import { createDeadLetterStore } from '../../storage/dead-letters.ts';
import { DEAD_LETTER_RAW_CAP, DEAD_LETTER_REASON_CAP, type DeadLetterStore } from '../../schemas/dead-letter.ts';
import { KAFKA_DEAD_LETTER_RAW_CAP } from '../../platform/event-log/kafka-dead-letter.ts';

/** storage/dead-letters.ts against the real `dead_letters` table. */
describe('dead-letter store (real engine)', () => {
  let dir: string;
  let store: ClickHouseClient;
  let letters: DeadLetterStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-dl-'));
    store = await createStore({ database: 'ews', dataDir: join(dir, 'ch') });
    await migrate(store, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
    letters = createDeadLetterStore(store);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const row = async (source: string) => {
    const rs = await store.query({
      query: `SELECT hex(raw) AS hex, raw_bytes, raw_truncated, reason, details, toUnixTimestamp64Milli(received_at) AS at
              FROM dead_letters WHERE source = {source:String}`,
      query_params: { source },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ hex: string; raw_bytes: number; raw_truncated: boolean; reason: string; details: string; at: string }>();
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x81, 0x7d])],
    ['TSV specials', Buffer.from('a\tb\nc\\d\re\0f\bg\fh', 'utf8')],
    ['Vietnamese text', Buffer.from('sốt xuất huyết', 'utf8')],
    ['a number JSON.parse would lose', Buffer.from('[{"temperature_c":1e309}]', 'utf8')],
  ])('stores the bytes received exactly: %s', async (name, bytes) => {
    await letters.record([{ source: `exact:${name}`, reason_code: 'X', reason: 'r', raw: bytes }], 1_764_619_200_123);
    const r = await row(`exact:${name}`);
    expect(r.hex).toBe(bytes.toString('hex').toUpperCase());
    expect(Number(r.raw_bytes)).toBe(bytes.length);
    expect(r.raw_truncated).toBe(false);
    expect(Number(r.at)).toBe(1_764_619_200_123);
  });

  it('keeps the first 64 KiB, with the size of the whole payload, and caps reason and details', async () => {
    const big = Buffer.alloc(DEAD_LETTER_RAW_CAP * 3, 0x61);
    await letters.record(
      [{ source: 'big', reason_code: 'X', reason: 'k'.repeat(2_000_000), details: { key: 'k'.repeat(2_000_000) }, raw: big }],
      Date.now(),
    );
    const r = await row('big');
    expect(r.hex.length / 2).toBe(DEAD_LETTER_RAW_CAP);
    expect(Number(r.raw_bytes)).toBe(big.length);
    expect(r.raw_truncated).toBe(true);
    expect(r.reason.length).toBeLessThan(DEAD_LETTER_REASON_CAP + 40);
    expect(r.details.length).toBeLessThan(20_000);
    expect(JSON.parse(r.details)).toMatchObject({ truncated: true, characters: expect.any(Number) });
  });

  it('flags as truncated a payload of which only the beginning was received', async () => {
    await letters.record([{ source: 'prefix', reason_code: 'BODY_TOO_LARGE', reason: 'r', raw: 'abc', raw_bytes: 5000 }], Date.now());
    const r = await row('prefix');
    expect(Number(r.raw_bytes)).toBe(5000);
    expect(r.raw_truncated).toBe(true);
  });

  it('the Kafka dead-letter store caps raw like the table', () => {
    expect(KAFKA_DEAD_LETTER_RAW_CAP).toBe(DEAD_LETTER_RAW_CAP);
  });
});
