// The browser tests (`npm run test:browser`, and .ci/run after it installs Chromium): Debian's
// Chromium driven by playwright-core against `npm start` on a fresh embedded PostgreSQL. Kept
// out of `npm test`, which needs no browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 120_000,
    // Starting the gateway loads the demo data (about a minute on two shared cores).
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
