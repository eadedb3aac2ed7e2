import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import { openPglite } from '../../../platform/pg/pglite.ts';
import { openPgServer } from '../../../platform/pg/pg-server.ts';
import { migratePg, readPgMigrations } from '../../../platform/pg/migrations.ts';
import { PG_MIGRATIONS_DIR } from '../../../cli/operational-store.ts';

/**
 * The two engines every operational-store test runs on: PGlite in a temporary directory and
 * the PostgreSQL server at PGHOST:PGPORT (127.0.0.1:5432, database test, user postgres by
 * default). Each test gets its own schema. When the server does not answer, its tests are
 * skipped with a warning, except with CI=true, where they fail.
 */
export const SERVER_URL =
  process.env.TEST_DATABASE_URL ??
  `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${process.env.PGDATABASE ?? 'test'}`;

export async function serverAnswers(url = SERVER_URL, { ci }: { ci: string | undefined } = { ci: process.env.CI }): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    if (ci === 'true') throw new Error(`CI=true and no PostgreSQL server answers at ${url}`, { cause: err });
    console.warn(`no PostgreSQL server at ${url} (${String(err)}): its operational-store tests are skipped`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const uniqueSchema = (): string => `t_${randomBytes(6).toString('hex')}`;

export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh store on its own schema (PGlite: a new schema in the file's directory). */
  open(schema?: string): Promise<OperationalStore>;
  /** The PGlite directory (for scans), undefined on the server. */
  dir?: string;
}

/** A PGlite directory for one test file (initialising one takes ~5 s: the tests share it, one schema each). */
export function pgliteBackend(): Backend & { cleanup(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'ews-pg-')), 'pg');
  return {
    name: 'pglite',
    dir,
    open: (schema = uniqueSchema()) => openPglite({ dataDir: dir, schema }),
    cleanup: () => rmSync(join(dir, '..'), { recursive: true, force: true }),
  };
}

export function serverBackend(): Backend {
  return { name: 'postgres', open: (schema = uniqueSchema()) => openPgServer({ url: SERVER_URL, schema }) };
}

export const silentLog = pino({ level: 'silent' });

/** Opens and migrates a store on a fresh schema. */
export async function openMigrated(backend: Backend, schema?: string): Promise<OperationalStore> {
  const store = await backend.open(schema);
  await migratePg(store, readPgMigrations(PG_MIGRATIONS_DIR), silentLog);
  return store;
}
