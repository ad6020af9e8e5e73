/**
 * The engine's output on the real data, pinned: the A&S backtest of the real KRX day (XML, trade-through
 * and queue fills, the minute signal strategy too) and of the real BTCUSDT capture, as recorded from the
 * engine before its split into exchange, account, clock, recorder and driver (issue 13). Any change to a
 * fill, a snapshot, the equity path or a metric shows up here as a diff, not as a changed hash.
 *
 * To re-record after an intended change: QUOTELAB_RECORD_GOLDEN=1 npx vitest run test/e2e/engine-golden.test.ts
 * (and say in the commit why the numbers moved).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import type { Platform } from '../../src/core/platform.ts';
import { runBacktestRequest } from '../../src/usecases/backtest.ts';
import type { BacktestRequest, BacktestSummary } from '../../src/usecases/backtest.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOLDEN = join(ROOT, 'test/fixtures/engine-golden');
const KRX = ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml'].map((f) =>
  join(ROOT, 'data/krx-options-20251201', f),
);
const BTC = join(ROOT, 'data/crypto/binance-spot-btcusdt-20240808.gz');
const RECORD = process.env.QUOTELAB_RECORD_GOLDEN === '1';

const CASES: Record<string, Omit<BacktestRequest, 'writeLake'>> = {
  'krx-day-as-trade-through': { strategy: 'as', source: { kind: 'files', paths: KRX } },
  // Without the loss limits it quotes all day (with them the gate is reduce-only from the morning on).
  'krx-day-as-queue-latency-no-limits': {
    strategy: 'as',
    source: { kind: 'files', paths: KRX },
    params: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    fillModel: 'queue-probabilistic',
    feedLatencyMs: 50,
    orderLatencyMs: 30,
  },
  'krx-day-signal': { strategy: 'signal', source: { kind: 'files', paths: KRX } },
  'btcusdt-as': {
    strategy: 'as',
    source: { kind: 'files', paths: [BTC] },
    params: { minSpreadFraction: '0.00002', gamma: '0.1' },
  },
  'btcusdt-as-no-limits-latency': {
    strategy: 'as',
    source: { kind: 'files', paths: [BTC] },
    params: {
      minSpreadFraction: '0.00001',
      gamma: '0.05',
      'risk.maxDailyLoss': 'Infinity',
      'risk.maxDrawdownAmount': 'Infinity',
    },
    feedLatencyMs: 20,
    orderLatencyMs: 10,
  },
};

/**
 * What a run is, without what varies from run to run or checkout to checkout (time taken, report paths,
 * the run id, which hashes the request and so the data files' absolute paths).
 */
function canonical(summary: BacktestSummary) {
  const { result } = summary;
  const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return {
    events: summary.events,
    instruments: summary.instruments,
    stats: result.stats,
    totals: result.totals,
    perInstrument: result.instruments,
    tradeLog: result.tradeLog,
    fills: result.fills.length,
    // Snapshots and the portfolio series are long: their count, ends and a digest of all of them.
    snapshots: {
      count: result.snapshots.length,
      last: result.snapshots.at(-1),
      sha256: digest(result.snapshots),
    },
    portfolio: {
      count: result.portfolio.ts.length,
      lastEquity: result.portfolio.equity.at(-1),
      sha256: digest([...result.portfolio.ts, ...result.portfolio.equity, ...result.portfolio.grossPosition]),
    },
    metrics: summary.metrics,
    riskTimeline: summary.riskTimeline,
    book: summary.book,
  };
}

/** JSON with NaN and ±Infinity kept (JSON.stringify writes them as null). */
const stringify = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v), 1);

let platform: Platform;
beforeAll(() => {
  platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-golden-')));
});
afterAll(() => platform.close());

describe('engine output on the real data equals the recorded output', () => {
  for (const [name, request] of Object.entries(CASES)) {
    it(
      name,
      async () => {
        const file = join(GOLDEN, `${name}.json`);
        const actual = JSON.parse(
          stringify(canonical(await runBacktestRequest(platform, { ...request, writeLake: false }))),
        );
        if (RECORD) writeFileSync(file, `${stringify(actual)}\n`);
        expect(existsSync(file), `${file} (record with QUOTELAB_RECORD_GOLDEN=1)`).toBe(true);
        expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
        expect(actual.tradeLog.length, 'a run with no trades pins nothing').toBeGreaterThan(0);
      },
      300_000,
    );
  }
});
