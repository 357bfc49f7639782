import { defineConfig } from 'vitest/config'

// Unit and integration tests; each test file gets its own database (test/support/database.ts).
// Browser tests have their own config (test/browser/vitest.config.ts) and run after a build.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
