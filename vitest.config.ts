import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          // One throwaway PostgreSQL cluster per run (both projects share it).
          globalSetup: ['test/support/postgres-global-setup.ts'],
          include: ['test/{shared,companion,extension}/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Many tests spawn a companion or the CLI (a tsx start of a second or more): the 5 s default
          // fails them on a busy machine while nothing is wrong.
          testTimeout: 30_000,
        },
      },
      {
        // Real browsers: one file at a time (two cores), each test with its own profile.
        test: {
          name: 'e2e',
          globalSetup: ['test/support/postgres-global-setup.ts'],
          // After the unit project, so browsers do not compete with it for the two cores.
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          // On CI only, a failed browser test runs once more (as Playwright's own CI default does):
          // a real browser on two busy cores can miss a timing now and then. Vitest still reports
          // every retry, and a test that fails twice fails the run.
          retry: process.env.CI ? 1 : 0,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
      {
        // The shipped artifacts: the packed npm package installed outside the repository, the store
        // zips and their lint, the service unit. Last and one file at a time: they build and install.
        test: {
          name: 'package',
          sequence: { groupOrder: 2 },
          include: ['test/package/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
