/**
 * Timeouts for tests that do seconds of real work (reading the real KRX day or the Binance capture,
 * encoding Parquet, replaying the engine). CI runs on two shared cores: with `npm test` and other jobs
 * running, load reaches ~15 and such a test takes 5–10× what it takes on an idle machine (the features
 * parity test: 2 s idle, 8.7 s with two CPU hogs), past vitest's 5 s test and 10 s hook defaults. These
 * limits only stop a hang; they say nothing about speed (figures belong in bench/).
 */

/** A test that takes up to a few seconds on an idle machine. */
export const HEAVY_TEST_TIMEOUT_MS = 120_000;

/** A beforeAll that loads real data files for a whole file's tests. */
export const HEAVY_HOOK_TIMEOUT_MS = 180_000;
