import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, insertTsv, type ClickHouseClient } from '../../platform/clickhouse.ts';
import { TsvRows, tsvArray, tsvNumber, tsvString } from '../../storage/tsv.ts';

const nasty = ['a\tb', 'line1\nline2', 'back\\slash', "quote'd", 'cr\rlf', 'nul\0', 'Sốt, ho — "đau họng"', '', '\\N'];

describe('round trip through the real engine', () => {
  let dir: string;
  let client: ClickHouseClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ews-tsv-'));
    client = await createStore({ database: 'tsvtest', dataDir: dir });
    await client.command({ query: 'CREATE TABLE t (s String, a Array(String), n Nullable(Float64)) ENGINE = Memory' });
  });
  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every awkward string comes back unchanged', async () => {
    const lines = nasty.map((s, i) => [tsvString(s), tsvArray([s, 'x']), tsvNumber(i % 2 ? null : i)].join('\t'));
    await client.command({ query: `INSERT INTO t (s, a, n) FORMAT TabSeparated\n${lines.join('\n')}\n` });
    const rs = await client.query({ query: 'SELECT s, a, n FROM t', format: 'JSONEachRow' });
    const rows = await rs.json<{ s: string; a: string[]; n: number | null }>();
    expect(rows.map((r) => r.s).sort()).toEqual([...nasty].sort());
    for (const r of rows) expect(r.a).toEqual([r.s, 'x']);
    expect(rows.filter((r) => r.n === null)).toHaveLength(Math.floor(nasty.length / 2));
  });

  it('insertTsv hands TsvRows bytes to the engine unchanged', async () => {
    await client.command({ query: 'CREATE TABLE r (s String, a Array(String), n Nullable(Float64)) ENGINE = Memory' });
    const rows = new TsvRows(8);
    nasty.forEach((s, i) => rows.push(`${tsvString(s)}\t${tsvArray([s, 'x'])}\t${tsvNumber(i % 2 ? null : i)}\n`));
    await insertTsv(client, 'r', ['s', 'a', 'n'], rows.bytes());
    const got = await (
      await client.query({ query: 'SELECT s, a, n FROM r', format: 'JSONEachRow' })
    ).json<{ s: string; a: string[]; n: number | null }>();
    expect(got.map((r) => r.s).sort()).toEqual([...nasty].sort());
    for (const r of got) expect(r.a).toEqual([r.s, 'x']);
  });
  it('insertTsv refuses identifiers that are not plain names', async () => {
    await expect(insertTsv(client, 'r; DROP TABLE r', ['s'], Buffer.from('x\n'))).rejects.toThrow(/invalid identifier/);
    await expect(insertTsv(client, 'r', ['s) SELECT 1 --'], Buffer.from('x\n'))).rejects.toThrow(/invalid identifier/);
  });
});
