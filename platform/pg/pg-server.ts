import pg from 'pg';
import type { OperationalStore, Queryable, SqlResult } from '../operational-store.ts';
import { quotePgIdent } from '../operational-store.ts';

export interface PgServerOptions {
  /** postgres://user:password@host:port/database (DATABASE_URL). */
  url: string;
  /** Schema to create and use on every connection (tests: one each); default the server's search_path. */
  schema?: string | undefined;
  /** Connections in the pool. Default 5. */
  maxConnections?: number;
}

/**
 * The server adapter (node `pg`): the same SQL and migrations as PGlite on a PostgreSQL
 * server. Connects once at open, so a wrong URL fails start-up rather than the first request.
 */
export async function openPgServer(options: PgServerOptions): Promise<OperationalStore> {
  const schema = options.schema ? quotePgIdent(options.schema) : undefined;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 5,
    // Every connection of the pool uses the schema (the startup packet sets it).
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    // Two processes creating the schema at once race in the catalogue: a lock serialises them.
    if (schema)
      await pool.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('ews.create_schema')); CREATE SCHEMA IF NOT EXISTS ${schema}; COMMIT`);
    else await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw err;
  }
  const run = async <R>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> => {
    const r = await q.query(sql, params ? [...params] : undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => (closed ??= pool.end()),
  };
}
