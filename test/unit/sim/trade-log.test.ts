/**
 * The extended trade log's ML fields and the snapshot fields, worked by hand on a small book.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import { TRADE_LOG_COLUMNS, tradeLogToCsv, tradeLogToJsonLines } from '../../../src/core/sim/trade-log.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import type { Decision, Strategy } from '../../../src/core/trading/types.ts';
import { handEvents } from './events.ts';

const events = handEvents([
  { t: 1000, bid: 100, bidSize: 6, ask: 100.04, askSize: 2 }, // mid 100.02
  { t: 1500, bid: 100.02, bidSize: 6, ask: 100.04, askSize: 2 }, // mid 100.03 (end of second 2000)
  { t: 2500, bid: 100.02, bidSize: 6, ask: 100.08, askSize: 2 }, // mid 100.05 (end of second 3000)
  { t: 3500, trade: 100, size: 1, aggressor: -1 }, // through our bid at 100.01
]);

function quoter(diagnostics?: Decision['diagnostics']): Strategy {
  const decision: Decision = {
    quotes: [
      { side: 1, price: 100.01, quantity: 1 },
      { side: -1, price: 100.05, quantity: 1 },
    ],
    marketOrder: 0,
    diagnostics,
  };
  return { name: 'static', refresh: { onEvents: true }, decide: () => decision };
}

function run(strategy: Strategy) {
  return runBacktest(events, {
    instrument: (name) => spotSpec(name, 0.01, 1),
    strategy: () => strategy,
    fees: NO_FEES,
    fillModel: tradeThrough(),
    regimes: { at: (ts) => (ts < 3000 ? 'early' : 'late') },
    postOnly: false,
  });
}

describe('trade log and snapshot fields', () => {
  it('records our spread, the strategy σ, regime, imbalance and mid before the filling event', () => {
    const { tradeLog } = run(quoter({ volatility: 0.5, note: 'x' }));
    expect(tradeLog).toHaveLength(1);
    const entry = tradeLog[0]!;
    expect(entry.ts).toBe(3500);
    expect(entry.spreadAtTrade).toBeCloseTo(100.05 - 100.01, 12);
    expect(entry.volatility).toBe(0.5);
    expect(entry.regime).toBe('late');
    expect(entry.orderbookImbalance).toBeCloseTo((6 - 2) / (6 + 2), 12); // BBO-only data: top level sizes
    expect(entry.midAtTrade).toBeCloseTo(100.05, 12);
    expect(entry.positionAfter).toBe(1);
    expect(entry.profitable).toBeUndefined(); // 60 s later is past the data
  });

  it("falls back to the engine's σ: EWMA of one-second mid changes (the first change alone here)", () => {
    const { tradeLog, snapshots } = run(quoter());
    expect(tradeLog[0]!.volatility).toBeCloseTo(0.02, 9); // mids 100.03 then 100.05 at the ends of seconds 1 and 2
    // One snapshot per second from the first event's second (1) to the last's (3), stamped at each end.
    expect(snapshots.map((s) => [s.ts, s.mid, s.quoteBid, s.quoteAsk, s.position, s.regime])).toEqual([
      [2000, 100.03, 100.01, 100.05, 0, 'early'],
      [3000, 100.05, 100.01, 100.05, 0, 'late'],
      [4000, 100.05, 100.01, 100.05, 1, 'late'], // the filled bid was sent again at 3500: still wanted
    ]);
    expect(snapshots[0]!.volatility).toBeNaN();
    expect(snapshots[1]!.volatility).toBeCloseTo(0.02, 9);
    expect(snapshots[0]!.spread).toBeCloseTo(0.02, 12);
    expect(snapshots[0]!.imbalance).toBeCloseTo(0.5, 12);
  });

  it('serialises every column, NaN as empty (CSV) or null (JSON)', () => {
    const { tradeLog } = run(quoter());
    const csv = tradeLogToCsv(tradeLog).trimEnd().split('\n');
    expect(csv[0]).toBe(TRADE_LOG_COLUMNS.join(','));
    expect(csv[1]!.split(',')).toHaveLength(TRADE_LOG_COLUMNS.length);
    expect(csv[1]).toContain(',buy,100.01,1,100.01,0,0,0,1,maker,');
    const json = JSON.parse(tradeLogToJsonLines(tradeLog).trimEnd()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([...TRADE_LOG_COLUMNS]);
    expect(json.profitable).toBeNull();
  });
});
