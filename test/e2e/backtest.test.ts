/**
 * Backtests end to end: the real KRX day (all codes) and the real BTCUSDT capture through the CLI, with
 * reports and Seed B exports; a 5-day generated KRX run for Seed B's data-collection criterion; and
 * byte-identical trade logs from identical runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { runBacktestRequest } from '../../src/usecases/backtest.ts';
import { generateMarket } from '../../src/usecases/generate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = join(ROOT, 'data/krx-options-20251201');
const KRX_TICKS = ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml'].map((f) => join(REAL, f));
const BTC = join(ROOT, 'data/crypto/binance-spot-btcusdt-20240808.gz');

function quotelab(home: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(result.status, result.stderr).toBe(0);
  return result;
}

describe('quotelab backtest', () => {
  it('runs A&S on the real KRX day (all codes): report, Seed B exports and lake rows', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-bt-'));
    const exportDir = join(home, 'export');
    const { stdout } = quotelab(home, [
      '--json',
      'backtest',
      '--strategy',
      'as',
      '--source',
      ...KRX_TICKS,
      '--export',
      exportDir,
    ]);
    const run = JSON.parse(stdout);
    expect(run).toMatchObject({ events: 3347, instruments: 164 });
    expect(run.stats.fills).toBeGreaterThan(0);
    const html = readFileSync(run.report, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/https?:\/\/|src=/);
    const history = readFileSync(join(exportDir, 'trade_history.csv'), 'utf8').trim().split('\n');
    expect(history[0]).toBe(
      'timestamp,symbol,side,price,amount,cost,rebate,realized_pnl,grid_profit,note,spread_at_trade,volatility,regime,orderbook_imbalance,profitable,fee,position_after,liquidity,mid_at_trade',
    );
    expect(history).toHaveLength(run.stats.fills + 1);
    expect(readdirSync(exportDir).filter((f) => f.startsWith('market_snapshots_'))).not.toHaveLength(0);
    const count = quotelab(home, [
      '--json',
      'query',
      `SELECT count(*) AS n FROM mm_trades WHERE run_id = '${run.runId}'`,
    ]);
    expect(JSON.parse(count.stdout)).toMatchObject({ rows: [{ n: run.stats.fills }], truncated: false });
  });

  it('runs A&S on the real BTCUSDT capture with the queue model: fills, report', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-bt-'));
    const { stdout } = quotelab(home, [
      '--json',
      'backtest',
      '--strategy',
      'as',
      '--source',
      BTC,
      '--param',
      'minSpreadFraction=0.00002',
      '--param',
      'gamma=0.1',
      '--no-lake',
    ]);
    const run = JSON.parse(stdout);
    expect(run).toMatchObject({ events: 163870, instruments: 1 });
    expect(run.stats.fills).toBeGreaterThan(0);
    expect(run.stats.snapshots).toBe(346);
    expect(readFileSync(run.report, 'utf8')).toContain('<svg');
  });

  it('gives byte-identical trade logs for identical runs', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-bt-'));
    const logs = [1, 2].map((i) => {
      const dir = join(home, `export-${i}`);
      quotelab(home, [
        'backtest',
        '--strategy',
        'as',
        '--source',
        ...KRX_TICKS,
        '--export',
        dir,
        '--no-lake',
      ]);
      return readFileSync(join(dir, 'trade_history.csv'));
    });
    expect(logs[0]!.length).toBeGreaterThan(200);
    expect(logs[0]!.equals(logs[1]!)).toBe(true);
  });

  it('runs the signal strategy (baseline predictor, market orders) on the real KRX day', async () => {
    const platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-bt-')));
    try {
      const run = await runBacktestRequest(platform, {
        strategy: 'signal',
        source: { kind: 'files', paths: KRX_TICKS },
        writeLake: false,
      });
      expect(run.result.stats.takerFills).toBeGreaterThan(0);
      expect(run.result.stats.makerFills).toBe(0);
    } finally {
      await platform.close();
    }
  });

  it('collects Seed B phase-1 data from a 5-day generated KRX run: ≥ 1,000 trades and ≥ 100,000 snapshots with every field', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-bt5-'));
    const generated = await generateMarket({
      out: join(home, 'market'),
      seed: 'seed-b-phase-1',
      start: '2025-12-01',
      days: 5,
      ticksPerDay: 15_000,
    });
    const files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(home, 'market', f.name));
    const platform = openLocalPlatform(home);
    try {
      const run = await runBacktestRequest(platform, {
        strategy: 'as',
        source: { kind: 'files', paths: files },
        regimes: 'labels',
        // Data collection, not profit: loss limits wide enough that the bot keeps quoting all week.
        params: { 'risk.maxDailyLoss': '50000000', 'risk.maxDrawdownAmount': '100000000' },
      });
      const trades = run.result.tradeLog;
      const snapshots = run.result.snapshots;
      console.log(
        `[seed B phase 1] ${trades.length} trades, ${snapshots.length} snapshots, ${run.seconds.toFixed(1)} s`,
      );
      expect(trades.length).toBeGreaterThanOrEqual(1000);
      expect(snapshots.length).toBeGreaterThanOrEqual(100_000);
      // Our quoted spread is NaN by contract when we were one-sided (e.g. at the position limit).
      const twoSided = trades.filter((t) => Number.isFinite(t.spreadAtTrade));
      console.log(`[seed B phase 1] ${twoSided.length} fills while two-sided`);
      expect(twoSided.length).toBeGreaterThan(trades.length * 0.5);
      for (const trade of trades) {
        if (Number.isFinite(trade.spreadAtTrade)) expect(trade.spreadAtTrade).toBeGreaterThan(0);
        else expect(trade.spreadAtTrade).toBeNaN();
        expect(Number.isFinite(trade.volatility)).toBe(true);
        expect(['trend_up', 'trend_down', 'range', 'volatile']).toContain(trade.regime);
        // KRX tick data has no order book: imbalance is 0 by definition there (see docs/engine.md).
        expect(trade.orderbookImbalance).toBe(0);
      }
      expect(trades.filter((t) => t.profitable !== undefined).length).toBeGreaterThan(trades.length * 0.95);
      for (const snapshot of snapshots.slice(0, 5_000)) {
        expect(
          Number.isFinite(snapshot.mid) &&
            Number.isFinite(snapshot.volatility) &&
            Number.isFinite(snapshot.position),
        ).toBe(true);
        expect(snapshot.regime).not.toBe('');
      }
      const lake = await platform.query.query(
        `SELECT count(*) FROM mm_snapshots WHERE run_id = '${run.runId}'`,
      );
      expect(lake.rows[0]![0]).toBe(snapshots.length);
    } finally {
      await platform.close();
    }
  }, 300_000);
});
