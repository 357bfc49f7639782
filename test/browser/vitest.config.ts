import { defineConfig } from 'vitest/config'

// End-to-end tests in Chromium against a real `kamae serve` (see kamae-server.ts). They need the
// built SPA (web/dist; global-setup.ts builds it when missing) and Chromium at /usr/bin/chromium.
// Run: npx vitest run --config test/browser/vitest.config.ts
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
