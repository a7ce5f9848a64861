import { defineConfig } from 'vitest/config';

// PostgreSQL 15 and store templates, started only when a project's queued files need them.
const globalSetup = ['test/store/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    projects: [
      // Everything; the server suite on the embedded store (PGlite), the store suite on both engines.
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], globalSetup } },
      // The server suite again on a real PostgreSQL (DATABASE_URL's engine): same routes, same
      // tests. The end-to-end file starts `zhidu serve` processes on data directories and stays
      // with the embedded store.
      {
        extends: true,
        test: {
          name: 'server-postgres', include: ['test/server/**/*.test.ts'], exclude: ['test/server/e2e.test.ts'],
          env: { ZHIDU_TEST_ENGINE: 'postgres' }, globalSetup,
        },
      },
    ],
  },
});
