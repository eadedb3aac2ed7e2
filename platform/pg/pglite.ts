import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { OperationalStore, Queryable, SqlResult } from '../operational-store.ts';
import { quotePgIdent } from '../operational-store.ts';
import { lockDirectory } from './directory-lock.ts';

export interface PgliteOptions {
  /** Data directory (EWS_DATA_DIR/pg); created and initialised when missing. One process at a time. */
  dataDir: string;
  /** Schema to create and use (tests: one each); default `public`. */
  schema?: string | undefined;
}

/**
 * The embedded adapter: PostgreSQL 18 in WebAssembly, in-process. Initialising a new
 * directory takes ~5 s and ~800 MB resident for a moment; reopening one ~0.5 s and ~300 MB.
 * The directory is locked for this process (`DirectoryHeldError` when another holds it).
 */
export async function openPglite(options: PgliteOptions): Promise<OperationalStore> {
  const lock = lockDirectory(options.dataDir);
  let db: PGlite;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    db = await PGlite.create({ dataDir: options.dataDir });
    if (options.schema) {
      const schema = quotePgIdent(options.schema);
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
    }
  } catch (err) {
    lock.release();
    throw err;
  }
  const run = async <R>(q: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> => {
    const r = await q.query<R>(sql, params ? [...params] : undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
  };
  let closed: Promise<void> | undefined;
  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) } satisfies Queryable)),
    close: () => (closed ??= db.close().finally(() => lock.release())),
  };
}
