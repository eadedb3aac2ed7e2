import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { OperationalStore } from '../operational-store.ts';

export interface PgMigration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Reads `NNN_name.sql` files in version order. A statement ends with `;` at the end of a
 * line, outside `$$ … $$` bodies (functions and triggers keep their inner semicolons).
 */
export function readPgMigrations(dir: string): PgMigration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      statements: splitStatements(readFileSync(join(dir, file), 'utf8')),
    }));
}

export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (!inBody && line.trimStart().startsWith('--')) continue;
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest) statements.push(rest);
  return statements.filter(Boolean);
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in version order, all in
 * one transaction (PostgreSQL's DDL is transactional: a failure leaves nothing half-done).
 * A transaction-scoped advisory lock, keyed by the current schema, makes a second process
 * starting at the same moment wait and then find the work done.
 */
export async function migratePg(store: OperationalStore, migrations: readonly PgMigration[], log: Logger): Promise<number[]> {
  const applied = await store.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ews.schema_migrations'), hashtext(current_schema()))`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const now: PgMigration[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      now.push(m);
    }
    return now;
  });
  for (const m of applied) log.info({ version: m.version, name: m.name }, 'operational store migration applied');
  return applied.map((m) => m.version);
}
