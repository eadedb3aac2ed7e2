import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type { ClickHouseClient };

export interface StoreOptions {
  /** ClickHouse server URL; when unset the engine runs in-process (chDB) on `dataDir`. */
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Database holding the project's tables. */
  database: string;
  /** chDB data directory (embedded default). One process may open it at a time. */
  dataDir: string;
}

/**
 * The one ClickHouse client factory: the same client and SQL run on the embedded engine and
 * on a server. The database is created if missing, and every query runs in it.
 */
export async function createStore(options: StoreOptions): Promise<ClickHouseClient> {
  const settings = { date_time_input_format: 'best_effort' as const };
  if (options.url) {
    const bootstrap = createClient({ url: options.url, username: options.username ?? 'default', password: options.password ?? '' });
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}` });
    await bootstrap.close();
    return createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      database: options.database,
      clickhouse_settings: settings,
    });
  }
  // Events and dead letters: the directory (and a data directory it creates) for the owner only.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const connection = createChdbConnection({ path: options.dataDir });
  const session = connection.chdb;
  // chDB's Connection is typed against its own copy of @clickhouse/client-common, so the
  // structurally identical types do not unify; the cast bridges the two declarations.
  const client = createClient({ connection, clickhouse_settings: settings } as unknown as Parameters<typeof createClient>[0]);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}` });
  // chDB ignores the client's `database` option; its session keeps the default set by USE.
  await client.command({ query: `USE ${quoteIdent(options.database)}` });
  EMBEDDED.set(client, (table, columns, body) =>
    session.rawInsert({ table, columns, format: 'TabSeparated', values: body }).then(() => undefined),
  );
  return client;
}

type RawInsert = (table: string, columns: readonly string[], body: Buffer) => Promise<void>;
const EMBEDDED = new WeakMap<ClickHouseClient, RawInsert>();

/**
 * Inserts TabSeparated rows given as bytes. On the embedded engine the buffer is handed to
 * chDB without a copy and parsed by the engine's own threads (building one SQL string per
 * INSERT instead cost the event loop a UTF-16 → UTF-8 conversion of the whole text); on a
 * server it is the body of an ordinary HTTP insert.
 */
export async function insertTsv(client: ClickHouseClient, table: string, columns: readonly string[], body: Buffer): Promise<void> {
  quoteIdent(table);
  for (const c of columns) quoteIdent(c);
  const embedded = EMBEDDED.get(client);
  if (embedded) return embedded(table, columns, body);
  await client.insert({ table, columns: [...columns] as [string, ...string[]], format: 'TabSeparated', values: Readable.from([body]) });
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid identifier: ${name}`);
  return name;
}
