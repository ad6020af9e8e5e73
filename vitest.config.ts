import { defineConfig } from 'vitest/config';

// Timeouts are set for CI as it is: two shared cores, `npm test` running every project at once, load ~15,
// where work takes 5–10× as long as on an idle machine. They stop hangs; they do not measure speed.
// Unit tests that do seconds of real work carry their own limits (test/support/timeouts.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/support/report-runtime.ts'],
          // vitest's defaults (5 s, 10 s) leave a 0.5 s test no room on a loaded runner.
          testTimeout: 15_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'aws-api',
          include: ['test/integration/**/*.test.ts'],
          // One emulator serves the tier and several suites reset it in their beforeAll: run in parallel, a
          // reset lands in the middle of another suite's minute-long test on a loaded machine and its
          // bucket and tables vanish. One file at a time.
          fileParallelism: false,
          globalSetup: ['test/support/aws-emulator.ts'],
          setupFiles: ['test/support/aws-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Every infra suite synthesizes the CDK app (esbuild bundles, cdk-nag), most in a beforeAll:
          // ~5 s idle, over 20 s under load, past the 10 s hook default.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          // beforeAll hooks ingest the real day or run CLI processes.
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
