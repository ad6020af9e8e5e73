/**
 * When strategies are called: on observed events (one call per timestamp), on an interval grid, or both.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import { handEvents } from './events.ts';
import type { Strategy } from '../../../src/core/trading/types.ts';
import { ScriptedStrategy } from './strategies.ts';

const events = handEvents([
  { t: 1000, trade: 100, size: 1, instrument: 'X' },
  { t: 1500, trade: 101, size: 1, instrument: 'X' },
  { t: 1500, trade: 102, size: 2, instrument: 'X' },
  { t: 1500, trade: 50, size: 1, instrument: 'Y' },
  { t: 2000, trade: 103, size: 1, instrument: 'X' },
  { t: 3200, trade: 104, size: 1, instrument: 'X' },
  { t: 3300, trade: 51, size: 1, instrument: 'Z' },
]);

function run(refreshX: Strategy['refresh']) {
  const x = new ScriptedStrategy([], { refresh: refreshX });
  const y = new ScriptedStrategy([]);
  const calls: string[] = [];
  const result = runBacktest(events, {
    instrument: (name) => spotSpec(name, 0.01, 1),
    strategy: (spec) => {
      if (spec.name === 'Z') return undefined; // untraded
      const strategy = spec.name === 'X' ? x : y;
      return {
        name: strategy.name,
        refresh: strategy.refresh,
        decide: (market, account, nowMs) => {
          calls.push(`${spec.name}@${nowMs}`);
          return strategy.decide(market, account, nowMs);
        },
      };
    },
    fees: NO_FEES,
  });
  return { x, y, calls, result };
}

describe('wake-ups', () => {
  it('on events: one call per timestamp per instrument, with all the trades of that timestamp', () => {
    const { x, calls, result } = run({ onEvents: true });
    expect(calls).toEqual(['X@1000', 'X@1500', 'Y@1500', 'X@2000', 'X@3200']); // Z has no strategy
    expect(x.records.map((r) => [r.nowMs, r.trades.map((t) => t[1])])).toEqual([
      [1000, [100]],
      [1500, [101, 102]],
      [2000, [103]],
      [3200, [104]],
    ]);
    expect(result.stats.strategyCalls).toBe(5);
    expect(result.instruments.map((i) => i.instrument)).toEqual(['X', 'Y']);
  });

  it('on an interval: ticks on the grid after the first observed event, trades accumulated in between', () => {
    const { x, calls } = run({ onEvents: false, intervalMs: 1000 });
    expect(calls).toEqual(['Y@1500', 'X@2000', 'X@3000']); // the next tick, 4000, is after the end (3300)
    expect(x.records.map((r) => [r.nowMs, r.trades.map((t) => t[1])])).toEqual([
      [2000, [100, 101, 102, 103]],
      [3000, []],
    ]);
  });

  it('both: the union of the two, one call when they coincide', () => {
    const { calls } = run({ onEvents: true, intervalMs: 1000 });
    expect(calls).toEqual(['X@1000', 'X@1500', 'Y@1500', 'X@2000', 'X@3000', 'X@3200']);
  });

  it("on the strategy's own schedule: armed by the first event, re-armed by the next event once it runs out", () => {
    // A calendar with wake-ups at 1200 and 1700, nothing between 1700 and 3250, then 3250 onwards.
    const asked: number[] = [];
    const nextWakeMs = (afterMs: number) => {
      asked.push(afterMs);
      if (afterMs < 1200) return 1200;
      if (afterMs < 1700) return 1700;
      if (afterMs < 3000) return Infinity;
      return afterMs < 3250 ? 3250 : afterMs + 1000;
    };
    const { x, calls } = run({ onEvents: false, nextWakeMs, intervalMs: 1000 });
    // Not the 1000 ms grid (the schedule replaces it); after 1700 the schedule ran out until X's 3200 trade.
    expect(calls).toEqual(['X@1200', 'Y@1500', 'X@1700', 'X@3250']);
    expect(asked).toEqual([1000, 1200, 1700, 2000, 3200, 3250]);
    expect(x.records.map((r) => [r.nowMs, r.trades.map((t) => t[1])])).toEqual([
      [1200, [100]],
      [1700, [101, 102]],
      [3250, [103, 104]],
    ]);
  });
});
