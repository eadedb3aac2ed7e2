import { defineConfig } from 'vitest/config';

// Three projects, `npm test` runs them all; `npm run test:unit` (no I/O, seconds) on its own.
// - unit: pure cores, no store, no files written, no network, no child processes;
// - integration: the real engine (chDB), the real Kafka broker, real sockets and files;
// - e2e: whole commands and the real browser.
// chDB binds one data directory per process, so files that open a store run in separate
// forked processes, each with its own temporary directory, and never depend on each
// other's order.
export default defineConfig({
  test: {
    pool: 'forks',
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
