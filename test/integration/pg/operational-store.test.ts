import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sqlState, UNIQUE_VIOLATION } from '../../../platform/operational-store.ts';
import { DirectoryHeldError } from '../../../platform/pg/directory-lock.ts';
import { migratePg, readPgMigrations, splitStatements } from '../../../platform/pg/migrations.ts';
import { openPglite } from '../../../platform/pg/pglite.ts';
import { PG_MIGRATIONS_DIR } from '../../../cli/operational-store.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend, silentLog, uniqueSchema } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const server = serverBackend();
const hasServer = await serverAnswers();

describe.each([
  { backend: pglite, run: true },
  { backend: server, run: hasServer },
])('operational store on $backend.name', ({ backend, run }) => {
  it.runIf(run)('runs parameterised statements; a transaction commits, or rolls back when it throws', async () => {
    const db = await backend.open();
    try {
      await db.query('CREATE TABLE t (id text PRIMARY KEY, n integer NOT NULL)');
      const ins = await db.query('INSERT INTO t VALUES ($1, $2), ($3, $4)', ['a', 1, "b'; DROP TABLE t; --", 2]);
      expect(ins.rowCount).toBe(2);
      await db.transaction(async (tx) => {
        await tx.query('UPDATE t SET n = n + 10 WHERE id = $1', ['a']);
      });
      // Negative control: the failed transaction's update is not kept.
      await expect(
        db.transaction(async (tx) => {
          await tx.query('UPDATE t SET n = 999 WHERE id = $1', ['a']);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const { rows } = await db.query<{ id: string; n: number }>('SELECT id, n FROM t ORDER BY n');
      expect(rows).toEqual([
        { id: "b'; DROP TABLE t; --", n: 2 },
        { id: 'a', n: 11 },
      ]);
      const dup = await db.query('INSERT INTO t VALUES ($1, $2)', ['a', 3]).catch((e: unknown) => e);
      expect(sqlState(dup)).toBe(UNIQUE_VIOLATION);
    } finally {
      await db.close();
    }
  });

  it.runIf(run)('applies every migration once and records it; a second start applies nothing', async () => {
    const schema = uniqueSchema();
    const migrations = readPgMigrations(PG_MIGRATIONS_DIR);
    expect(migrations.map((m) => m.version)[0]).toBe(1);
    const db = await backend.open(schema);
    try {
      expect(await migratePg(db, migrations, silentLog)).toEqual(migrations.map((m) => m.version));
      expect(await migratePg(db, migrations, silentLog)).toEqual([]);
      const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
      // The tables are in this test's schema, not elsewhere.
      const t = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      expect(t.rows.map((r) => r.table_name)).toEqual([
        'alert_steps',
        'audit_log',
        'hospital_keys',
        'hospitals',
        'lifecycle_alerts',
        'outbox',
        'schema_migrations',
        'sessions',
        'sign_in_failures',
        'subscriptions',
        'user_tokens',
        'users',
      ]);
    } finally {
      await db.close();
    }
  });

  it.runIf(run)('a migration that fails leaves nothing half-done', async () => {
    const db = await backend.open();
    try {
      const broken = [
        { version: 1, name: '001_broken', statements: ['CREATE TABLE half (x integer)', 'CREATE TABLE nope (x no_such_type)'] },
      ];
      await expect(migratePg(db, broken, silentLog)).rejects.toThrow();
      const { rows } = await db.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'half'`,
      );
      expect(rows).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(hasServer)('migrations on the server', () => {
  it('two processes starting at once on one schema: one migrates, the other waits and finds it done', async () => {
    const schema = uniqueSchema();
    const [a, b] = await Promise.all([server.open(schema), server.open(schema)]);
    try {
      const migrations = readPgMigrations(PG_MIGRATIONS_DIR);
      const results = await Promise.all([migratePg(a, migrations, silentLog), migratePg(b, migrations, silentLog)]);
      expect(results.map((r) => r.length).sort()).toEqual([0, migrations.length]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('PGlite data directory', () => {
  it('is held by one opener at a time; a lock left by a dead process is taken over', async () => {
    const db = await openMigrated(pglite);
    try {
      await expect(openPglite({ dataDir: pglite.dir! })).rejects.toBeInstanceOf(DirectoryHeldError);
    } finally {
      await db.close();
    }
    // A pid that cannot be alive (above the kernel's pid_max).
    writeFileSync(`${pglite.dir!}.lock`, '99999999');
    const again = await openPglite({ dataDir: pglite.dir! });
    await again.close();
  });
});

describe('splitStatements', () => {
  it('splits on a semicolon at the end of a line, but not inside $$ bodies, and drops comments', () => {
    const sql = `-- a comment;\nCREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RAISE EXCEPTION 'no';\nEND;\n$$ LANGUAGE plpgsql;\n`;
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE a (x int)',
      "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RAISE EXCEPTION 'no';\nEND;\n$$ LANGUAGE plpgsql",
    ]);
  });
});
