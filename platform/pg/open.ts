import { join } from 'node:path';
import type { OperationalStore } from '../operational-store.ts';
import { openPglite } from './pglite.ts';
import { openPgServer } from './pg-server.ts';

export interface OperationalStoreOptions {
  /** DATABASE_URL; unset → PGlite in `<dataDir>/pg`. */
  databaseUrl?: string | undefined;
  /** EWS_DATA_DIR. */
  dataDir: string;
  /** Schema to create and use (tests); default the engine's. */
  schema?: string | undefined;
}

/** The one factory of the operational store: a PostgreSQL server with DATABASE_URL, else PGlite in the data directory. */
export function openOperationalStore(options: OperationalStoreOptions): Promise<OperationalStore> {
  if (options.databaseUrl) return openPgServer({ url: options.databaseUrl, schema: options.schema });
  return openPglite({ dataDir: pgDataDir(options.dataDir), schema: options.schema });
}

/** Where PGlite keeps its files inside EWS_DATA_DIR. */
export const pgDataDir = (dataDir: string): string => join(dataDir, 'pg');
