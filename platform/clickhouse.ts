import { mkdirSync } from 'node:fs';
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
  mkdirSync(options.dataDir, { recursive: true });
  const connection = createChdbConnection({ path: options.dataDir });
  // chDB's Connection is typed against its own copy of @clickhouse/client-common, so the
  // structurally identical types do not unify; the cast bridges the two declarations.
  const client = createClient({ connection, clickhouse_settings: settings } as unknown as Parameters<typeof createClient>[0]);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}` });
  // chDB ignores the client's `database` option; its session keeps the default set by USE.
  await client.command({ query: `USE ${quoteIdent(options.database)}` });
  return client;
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid identifier: ${name}`);
  return name;
}
