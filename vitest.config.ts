import { defineConfig } from 'vitest/config';

// chDB binds one data directory per process, so test files that open a store run in
// separate forked processes, each with its own temporary directory.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
