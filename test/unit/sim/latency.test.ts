/**
 * Feed and order latency: what the strategy sees and when, when orders and cancels take effect.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import type { BacktestConfig } from '../../../src/core/sim/config.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import { constantLatency, empiricalLatency } from '../../../src/core/sim/latency.ts';
import { conservativeQueue } from '../../../src/core/sim/queue-fill.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import { handEvents } from './events.ts';
import type { HandEvent } from './events.ts';
import { ScriptedStrategy } from './strategies.ts';
import type { ScriptStep } from './strategies.ts';

const spec = spotSpec('X', 0.01, 0.001);

function run(events: HandEvent[], strategy: ScriptedStrategy, config: Partial<BacktestConfig> = {}) {
  const result = runBacktest(handEvents(events), {
    instrument: () => spec,
    strategy: () => strategy,
    fees: NO_FEES,
    fillModel: tradeThrough(),
    ...config,
  });
  return { result, fills: result.fills.map((f) => [f.ts, f.side, f.price, f.quantity]) };
}

describe('order latency', () => {
  const bid: ScriptStep[] = [{ at: 1000, quotes: [{ side: 1, price: 99.9, quantity: 1 }] }];

  it('an order sent at t cannot be filled by a trade before t + latency, nor by one stamped exactly then', () => {
    const strategy = new ScriptedStrategy(bid, { orderLatencyMs: 10 });
    const { fills } = run(
      [
        { t: 1000, trade: 100, size: 1 }, // wake-up at 1000: the bid is sent, it arrives at 1010
        { t: 1005, trade: 99.8, size: 5 }, // through its price, but the order is in flight
        { t: 1010, trade: 99.8, size: 5 }, // same time as the arrival: market events come first
        { t: 1010.5, trade: 99.8, size: 5 },
      ],
      strategy,
      { orderLatency: 10 },
    );
    expect(fills).toEqual([[1010.5, 1, 99.9, 1]]);
    // The strategy sees the order in openOrders only from its arrival on.
    expect(strategy.records.map((r) => [r.nowMs, r.openOrders.length])).toEqual([
      [1000, 0],
      [1005, 0],
      [1010, 1],
      [1010.5, 0],
    ]);
  });

  it('without latency the same order fills at the first trade after it was sent', () => {
    const { fills } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 1005, trade: 99.8, size: 5 },
      ],
      new ScriptedStrategy(bid),
    );
    expect(fills).toEqual([[1005, 1, 99.9, 1]]);
  });

  it('a cancel in flight does not stop fills until it arrives', () => {
    const strategy = new ScriptedStrategy(
      [
        { at: 1000, quotes: [{ side: 1, price: 99.9, quantity: 3 }] },
        { at: 2000, quotes: [] }, // cancel sent at 2000, arrives at 2010
      ],
      { orderLatencyMs: 10 },
    );
    const { fills, result } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 2000, trade: 100, size: 1 },
        { t: 2005, trade: 99.8, size: 1 }, // fills: the cancel is in flight
        { t: 2010, trade: 99.8, size: 1 }, // fills: stamped at the cancel's arrival, the market comes first
        { t: 2011, trade: 99.8, size: 1 }, // the order is gone
      ],
      strategy,
      { orderLatency: 10 },
    );
    expect(fills).toEqual([
      [2005, 1, 99.9, 1],
      [2010, 1, 99.9, 1],
    ]);
    expect(result.stats.ordersCancelled).toBe(1);
    expect(result.stats.cancelsTooLate).toBe(0);
  });

  it('a cancel that arrives after the order filled completely is counted as too late', () => {
    const strategy = new ScriptedStrategy(
      [
        { at: 1000, quotes: [{ side: 1, price: 99.9, quantity: 1 }] },
        { at: 2000, quotes: [] },
      ],
      { orderLatencyMs: 10 },
    );
    const { fills, result } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 2000, trade: 100, size: 1 },
        { t: 2005, trade: 99.8, size: 4 },
      ],
      strategy,
      { orderLatency: 10, endMs: 2020 }, // the cancel arrives at 2010
    );
    expect(fills).toEqual([[2005, 1, 99.9, 1]]);
    expect(result.stats.cancelsTooLate).toBe(1);
  });

  it('a market order executes at the price the exchange has when it arrives', () => {
    const events: HandEvent[] = [
      { t: 1000, bid: 100, bidSize: 5, ask: 100.02, askSize: 5 },
      { t: 1003, bid: 100.1, bidSize: 5, ask: 100.12, askSize: 5 },
    ];
    const steps: ScriptStep[] = [{ at: 1000, marketOrder: 1 }];
    const late = run(events, new ScriptedStrategy(steps), {
      orderLatency: 5,
      fillModel: conservativeQueue(),
      endMs: 1010,
    });
    expect(late.fills).toEqual([[1005, 1, 100.12, 1]]);
    const now = run(events, new ScriptedStrategy(steps), { fillModel: conservativeQueue() });
    expect(now.fills).toEqual([[1000, 1, 100.02, 1]]);
  });
});

describe('feed latency', () => {
  const events: HandEvent[] = [
    { t: 1000, trade: 100, size: 1 },
    { t: 1004, trade: 101, size: 1 },
    { t: 1012, trade: 102, size: 1 },
  ];

  it('wakes the strategy at event time + latency, with only what was visible by then', () => {
    const strategy = new ScriptedStrategy([]);
    const { result } = run(events, strategy, { feedLatency: 10 });
    // By default the run ends at the last event's time (1012): later wake-ups could not trade any more.
    expect(strategy.records.map((r) => [r.nowMs, r.asOfMs, r.lastTradePrice, r.trades.length])).toEqual([
      [1010, 1000, 100, 1],
    ]);
    expect(result.stats.strategyCalls).toBe(1);
    const long = new ScriptedStrategy([]);
    run(events, long, { feedLatency: 10, endMs: 1030 });
    expect(long.records.map((r) => [r.nowMs, r.asOfMs, r.lastTradePrice])).toEqual([
      [1010, 1000, 100],
      [1014, 1004, 101],
      [1022, 1012, 102],
    ]);
  });

  it('a quote computed on stale data meets the market as it is when the quote arrives', () => {
    // The strategy sees 100 at 1010 and bids 99.9; by then the market already traded at 99 (at 1004, seen at 1014).
    const strategy = new ScriptedStrategy([{ at: 1010, quotes: [{ side: 1, price: 99.9, quantity: 1 }] }]);
    const { fills } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 1004, trade: 99, size: 1 },
        { t: 1011, trade: 99, size: 1 },
      ],
      strategy,
      { feedLatency: 10, endMs: 1030 },
    );
    expect(fills).toEqual([[1011, 1, 99.9, 1]]);
  });

  it('timer wake-ups fall on the interval grid and see only events older than the feed latency', () => {
    const strategy = new ScriptedStrategy([], { refresh: { onEvents: false, intervalMs: 5 } });
    run(events, strategy, { feedLatency: 3 });
    // First visible at 1003: ticks at 1005, 1010 (the last event, 1012, is the end).
    expect(strategy.records.map((r) => [r.nowMs, r.asOfMs])).toEqual([
      [1005, 1000],
      [1010, 1004],
    ]);
  });
});

describe('latency models', () => {
  it('empirical latency draws only table values, reproducibly from the seed', () => {
    const draws = (seed: string) => {
      const model = empiricalLatency([1, 5, 50], seed);
      return Array.from({ length: 1000 }, () => model.next());
    };
    const a = draws('a');
    expect(new Set(a)).toEqual(new Set([1, 5, 50]));
    expect(draws('a')).toEqual(a);
    expect(draws('b')).not.toEqual(a);
    expect(constantLatency(7).next()).toBe(7);
    expect(() => constantLatency(-1)).toThrow(RangeError);
  });

  it('keeps the order channel FIFO: a cancel never overtakes its order, whatever the draws', () => {
    // Latencies alternate 50 then 1: the cancel sent 1 ms after the order would arrive first without FIFO.
    let k = 0;
    const alternating = { next: () => (k++ % 2 === 0 ? 50 : 1) };
    const strategy = new ScriptedStrategy(
      [
        { at: 1000, quotes: [{ side: 1, price: 99.9, quantity: 1 }] },
        { at: 1001, quotes: [] },
      ],
      { orderLatencyMs: 50 },
    );
    const { fills, result } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 1001, trade: 100, size: 1 },
        { t: 1049, trade: 99, size: 1 }, // order still in flight
        { t: 1050.5, trade: 99, size: 1 }, // order arrived at 1050 and the cancel with it (FIFO): gone
      ],
      strategy,
      { orderLatency: alternating },
    );
    expect(fills).toEqual([]);
    expect(result.stats.cancelsTooLate).toBe(0);
  });
});
