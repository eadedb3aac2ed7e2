// Prepares an embedded store in its own process (chDB binds one data directory per process,
// and the test process opens it only at the end): applies the migrations, then runs the extra
// statements given as arguments.
//   node --import tsx test/helpers/kafka-prepare-store.ts DATA_DIR [SQL…]
import { createStore } from '../../platform/clickhouse.ts';
import { migrate, readMigrations } from '../../platform/migrations.ts';
import { createLogger } from '../../platform/logger.ts';
import { MIGRATIONS_DIR } from '../../cli/pipeline.ts';

const [dataDir, ...statements] = process.argv.slice(2);
const store = await createStore({ database: 'ews', dataDir: dataDir! });
await migrate(store, readMigrations(MIGRATIONS_DIR), createLogger({ level: 'silent' }));
for (const query of statements) await store.command({ query });
await store.close();
