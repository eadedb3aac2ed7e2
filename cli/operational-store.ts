import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { OperationalStore } from '../platform/operational-store.ts';
import { openOperationalStore } from '../platform/pg/open.ts';
import { migratePg, readPgMigrations } from '../platform/pg/migrations.ts';
import { DirectoryHeldError } from '../platform/pg/directory-lock.ts';
import { createLogger } from '../platform/logger.ts';

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

/**
 * The operational store of a stopped data directory (or DATABASE_URL), for `ews <command>`
 * working directly on it. When a running service holds the embedded store, says so on stderr
 * — with the admin API route to use instead — and answers undefined (the command exits 1).
 */
export async function openStoppedStore(
  command: string,
  config: { DATABASE_URL?: string | undefined; EWS_DATA_DIR: string },
  dataDir: string | undefined,
  adminRoute: string,
): Promise<OperationalStore | undefined> {
  try {
    return await openMigratedOperationalStore(
      { DATABASE_URL: config.DATABASE_URL, EWS_DATA_DIR: dataDir ?? config.EWS_DATA_DIR },
      createLogger({ level: 'warn' }),
    );
  } catch (err) {
    if (!(err instanceof DirectoryHeldError)) throw err;
    process.stderr.write(
      `ews ${command}: ${err.message}. The embedded store opens in one process only: use the running service's admin API, ` +
        `ews ${command} … --url http://host:port with EWS_ADMIN_TOKEN (or ${adminRoute}) / ` +
        `kho nhúng chỉ mở được trong một tiến trình: dùng API quản trị của dịch vụ đang chạy (--url và EWS_ADMIN_TOKEN).\n`,
    );
    return undefined;
  }
}
