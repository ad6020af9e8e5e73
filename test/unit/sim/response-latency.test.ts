/**
 * Response latency: the exchange's acknowledgements and fill notices reach the strategy's account, its
 * open orders, its 'touch' wake-ups and the risk gate late, while the records stay the exchange's.
 * Hand-computed on small streams, then on the real BTCUSDT capture: stepping = batch with every latency on.
 */
import { describe, expect, it } from 'vitest';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import type { BacktestConfig } from '../../../src/core/sim/config.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import type { Decision, Fill, RiskGate, RiskInputs } from '../../../src/core/trading/types.ts';
import { backtestConfig } from '../../../src/usecases/backtest-setup.ts';
import { trialSetup } from '../../../src/usecases/research/trial-params.ts';
import { handEvents } from './events.ts';
import type { HandEvent } from './events.ts';
import { ScriptedStrategy } from './strategies.ts';

const spec = spotSpec('X', 0.01, 0.001);

function run(events: HandEvent[], strategy: ScriptedStrategy, config: Partial<BacktestConfig> = {}) {
  return runBacktest(handEvents(events), {
    instrument: () => spec,
    strategy: () => strategy,
    fees: NO_FEES,
    fillModel: tradeThrough(),
    ...config,
  });
}

/** A bid sent at 1000, filled at the exchange by the trade at 1005. */
const EVENTS: HandEvent[] = [
  { t: 1000, trade: 100, size: 1 },
  { t: 1005, trade: 99.8, size: 5 },
  { t: 1010, trade: 100, size: 1 },
  { t: 1016, trade: 100, size: 1 },
];
const BID = [{ at: 1000, quotes: [{ side: 1 as const, price: 99.9, quantity: 1 }] }];

describe('response latency', () => {
  it('the strategy learns of the acceptance and of the fill one response latency after the exchange', () => {
    // The script expects its order to show by sent + 10 ms (when the acceptance reaches it).
    const strategy = new ScriptedStrategy(BID, { orderLatencyMs: 10 });
    const result = run(EVENTS, strategy, { responseLatency: 10 });
    // The exchange filled it at 1005: that is what the records say.
    expect(result.fills.map((f) => [f.ts, f.side, f.price, f.quantity])).toEqual([[1005, 1, 99.9, 1]]);
    expect(result.instruments[0]!.position).toBe(1);
    // At 1005 nothing has come back; at 1010 the acceptance has (the fill of 1005 reaches us at 1015,
    // so the order still shows whole); at 1016 the fill has.
    expect(strategy.records.map((r) => [r.nowMs, r.position, r.openOrders])).toEqual([
      [1000, 0, []],
      [1005, 0, []],
      [1010, 0, [[1, 99.9, 1]]],
      [1016, 1, []],
    ]);
  });

  it('without it the strategy sees the fill at the exchange time (the default, unchanged)', () => {
    const strategy = new ScriptedStrategy(BID);
    run(EVENTS, strategy);
    expect(strategy.records.map((r) => [r.nowMs, r.position, r.openOrders.length])).toEqual([
      [1000, 0, 0],
      [1005, 1, 0],
      [1010, 1, 0],
      [1016, 1, 0],
    ]);
  });

  it("wakes a 'touch' strategy when the fill notice arrives, not when the exchange filled it", () => {
    const strategy = new ScriptedStrategy(BID, { refresh: { onEvents: 'touch' }, orderLatencyMs: 10 });
    run(EVENTS, strategy, { responseLatency: 10 });
    const at1015 = strategy.records.find((r) => r.nowMs === 1015);
    expect(at1015?.position).toBe(1);
    expect(strategy.records.some((r) => r.nowMs > 1005 && r.nowMs < 1015 && r.position !== 0)).toBe(false);
  });

  it('the risk gate hears of the fill, and sees the position, only once the notice is back', () => {
    const log: string[] = [];
    const gate: RiskGate = {
      review(inputs: RiskInputs, _decision: Decision) {
        log.push(`review ${inputs.nowMs} position ${inputs.position}`);
        return { allow: true };
      },
      onFill(fill: Fill) {
        log.push(`fill ${fill.ts}`);
      },
      onOrdersSent() {},
    };
    run(EVENTS, new ScriptedStrategy(BID, { orderLatencyMs: 10 }), { responseLatency: 10, riskGate: gate });
    expect(log).toEqual([
      'review 1000 position 0',
      'review 1005 position 0',
      'review 1010 position 0',
      'fill 1005', // delivered at 1015
      'review 1016 position 1',
    ]);
  });

  it('a cancel answered late: the order stays in the open orders until the cancel is confirmed', () => {
    const strategy = new ScriptedStrategy(
      [
        { at: 1000, quotes: [{ side: 1, price: 99.0, quantity: 1 }] },
        { at: 1020, quotes: [] },
      ],
      { orderLatencyMs: 5 },
    );
    const events: HandEvent[] = [1000, 1010, 1020, 1024, 1026].map((t) => ({ t, trade: 100, size: 1 }));
    const result = run(events, strategy, { responseLatency: 5 });
    expect(result.stats.ordersCancelled).toBe(1);
    expect(strategy.records.map((r) => [r.nowMs, r.openOrders.length])).toEqual([
      [1000, 0],
      [1010, 1], // accepted at 1000, known at 1005
      [1020, 1], // the cancel is sent now, handled at once, confirmed at 1025
      [1024, 1],
      [1026, 0],
    ]);
  });

  it('drawn latencies keep the response channel FIFO: a fill notice never overtakes the acceptance', () => {
    // The acceptance (at 1000) draws 50 ms, the fill (at 1001) 0 ms: it still arrives after, at 1050.
    const draws = [50];
    const latency = { next: () => draws.shift() ?? 0 };
    const strategy = new ScriptedStrategy(BID, { orderLatencyMs: 60 });
    const events: HandEvent[] = [
      { t: 1000, trade: 100, size: 1 },
      { t: 1001, trade: 99.8, size: 5 },
      ...Array.from({ length: 11 }, (_, k) => ({ t: 1002 + k * 5, trade: 100, size: 1 })),
    ];
    const result = run(events, strategy, { responseLatency: latency });
    expect(result.fills[0]!.ts).toBe(1001);
    const seen = strategy.records.map((r) => [r.nowMs, r.position]);
    expect(seen.filter(([t]) => t! < 1050).every(([, position]) => position === 0)).toBe(true);
    expect(seen.find(([t]) => t! >= 1050)).toEqual([1052, 1]);
  });

  it('is a study setting and a backtest option like the other latencies', () => {
    expect(trialSetup('as', { 'sim.responseLatencyMs': 25 }).responseLatencyMs).toBe(25);
    expect(() => trialSetup('as', { 'sim.responseLatencyMs': -1 })).toThrow(/sim.responseLatencyMs/);
    const { config } = backtestConfig('krx', { strategy: 'as', params: {}, responseLatencyMs: 7 });
    expect(config.responseLatency).toBe(7);
  });
});
