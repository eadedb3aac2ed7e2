import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { OperationalStore } from '../platform/operational-store.ts';
import { openOperationalStore } from '../platform/pg/open.ts';
import { migratePg, readPgMigrations } from '../platform/pg/migrations.ts';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../schemas/pg-migrations/', import.meta.url));

/** Opens the operational store of a configuration (DATABASE_URL, else PGlite in EWS_DATA_DIR/pg) and applies its migrations. */
export async function openMigratedOperationalStore(
  config: { DATABASE_URL?: string | undefined; EWS_DATA_DIR: string },
  log: Logger,
): Promise<OperationalStore> {
  const store = await openOperationalStore({ databaseUrl: config.DATABASE_URL, dataDir: config.EWS_DATA_DIR });
  try {
    await migratePg(store, readPgMigrations(PG_MIGRATIONS_DIR), log.child({ module: 'pg-migrations' }));
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}
