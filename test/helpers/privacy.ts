import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { createPseudonymiser, singleKeyRing } from '../../ingest/pseudonymise.ts';

/** The key startTestPipeline gives its pipeline (test/helpers/pipeline.ts). */
export const TEST_PSEUDONYM_KEY = 'test-key-test-key-test-key-test-key';

/** The pseudonym a test pipeline gives `patientId` of `hospitalId` (what a dead letter keeps). */
export const testPseudonym = createPseudonymiser(singleKeyRing(Buffer.from(TEST_PSEUDONYM_KEY, 'utf8')));

/** An event as its dead letter keeps it: `patient_id` replaced by its pseudonym. */
export function pseudonymised(ev: Record<string, unknown>): Record<string, unknown> {
  return { ...ev, patient_id: testPseudonym(ev['hospital_id'] as string, ev['patient_id'] as string) };
}

/**
 * Every needle found, and where: the files of the data directory (byte for byte), every
 * ClickHouse table, and the captured log lines. The privacy scans of each ingest path share it.
 */
export async function findIdentifiers(
  store: Pick<ClickHouseClient, 'query'>,
  dataDir: string,
  logs: readonly string[],
  needles: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  const look = (where: string, haystack: Buffer) => {
    for (const n of needles) if (haystack.includes(Buffer.from(n, 'utf8'))) found.push(`${n} in ${where}`);
  };
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const f = join(d, e);
      const st = statSync(f);
      if (st.isDirectory()) walk(f);
      else if (st.isFile()) look(`file ${f.slice(dataDir.length)}`, readFileSync(f));
    }
  };
  walk(dataDir);
  const rs = await store.query({ query: 'SHOW TABLES', format: 'JSONEachRow' });
  const tables = (await rs.json<{ name: string }>()).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(['events', 'dead_letters']));
  for (const t of tables) {
    const rows = await store.query({ query: `SELECT * FROM \`${t}\``, format: 'TabSeparated' });
    look(`table ${t}`, Buffer.from(await rows.text(), 'utf8'));
  }
  look('logs', Buffer.from(logs.join(''), 'utf8'));
  return found;
}
