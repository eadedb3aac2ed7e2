/**
 * The operational store's port: PostgreSQL for state that needs uniqueness and transactions
 * (hospitals and their keys now; users, sessions, the alert lifecycle and the outbox later).
 * Two adapters implement it with the same SQL: PGlite in the data directory (platform/pg/pglite.ts)
 * and a PostgreSQL server (platform/pg/pg-server.ts). Rooms receive typed store functions
 * built on it (storage/), never the adapter.
 */
export interface SqlResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted by the statement (0 for a SELECT on PGlite). */
  rowCount: number;
}

/** Runs one parameterised statement (`$1`, `$2`, …); values travel as parameters, never in the SQL text. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
}

export interface OperationalStore extends Queryable {
  /** Which engine answers: the embedded one or a server. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws (the error is rethrown).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the connection(s); PGlite also releases the data directory. */
  close(): Promise<void>;
}

/** SQLSTATE of a unique-constraint violation (both engines report it as `code`). */
export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of a PostgreSQL error from either adapter, if it is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A schema name safe to put in SQL text (tests use one schema each). */
export function quotePgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return `"${name}"`;
}
