/**
 * The seeded synthetic stream used by the benchmarks, and the engine on it with depth updates.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_BBO, EVENT_DEPTH, EVENT_TRADE, isTimeOrdered } from '../../../src/core/market/events.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { BINANCE_SPOT_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import { canonicalPrice } from '../../../src/core/sim/orders.ts';
import { probabilisticQueue } from '../../../src/core/sim/queue-fill.ts';
import { syntheticEvents } from '../../../src/core/sim/synthetic-events.ts';
import { tradeLogToCsv } from '../../../src/core/sim/trade-log.ts';
import { FixedSpreadQuoter } from './strategies.ts';

describe('synthetic events', () => {
  it('are reproducible from the seed, time-ordered, on the tick grid, with the requested mix', () => {
    const a = syntheticEvents({ events: 200_000, seed: 7, depthShare: 0.2 });
    const b = syntheticEvents({ events: 200_000, seed: 7, depthShare: 0.2 });
    const c = syntheticEvents({ events: 200_000, seed: 8, depthShare: 0.2 });
    expect(Buffer.from(b.price.buffer).equals(Buffer.from(a.price.buffer))).toBe(true);
    expect(Buffer.from(b.ts.buffer).equals(Buffer.from(a.ts.buffer))).toBe(true);
    expect(Buffer.from(c.price.buffer).equals(Buffer.from(a.price.buffer))).toBe(false);
    expect(isTimeOrdered(a)).toBe(true);
    const counts = { trade: 0, bbo: 0, depth: 0, offGrid: 0, crossed: 0 };
    for (let i = 0; i < a.length; i++) {
      const kind = a.kind[i];
      const price = a.price[i]!;
      if (price !== canonicalPrice(price) || Math.abs(Math.round(price * 100) - price * 100) > 1e-6)
        counts.offGrid++;
      if (kind === EVENT_TRADE) counts.trade++;
      else if (kind === EVENT_DEPTH) counts.depth++;
      else if (kind === EVENT_BBO) {
        counts.bbo++;
        if (!(a.price2[i]! > price)) counts.crossed++;
      }
    }
    expect(counts.offGrid).toBe(0);
    expect(counts.crossed).toBe(0);
    expect(counts.trade / a.length).toBeCloseTo(0.3, 1);
    expect(counts.depth / a.length).toBeCloseTo(0.2, 1);
    expect(counts.bbo / a.length).toBeCloseTo(0.5, 1);
  });

  it('drive the engine with depth, queue fills and latency, reproducibly', () => {
    const events = syntheticEvents({ events: 100_000, seed: 3, depthShare: 0.2 });
    const run = () =>
      runBacktest(events, {
        instrument: (name) => spotSpec(name, 0.01, 0.001),
        strategy: () => new FixedSpreadQuoter({ halfSpreadTicks: 0.5, size: 1, maxPosition: 5 }),
        fees: BINANCE_SPOT_FEES,
        fillModel: probabilisticQueue(),
        orderLatency: 0.3,
        feedLatency: 0.2,
      });
    const first = run();
    expect(first.stats.events).toBe(100_000);
    expect(first.fills.length).toBeGreaterThan(100);
    expect(new Set(first.tradeLog.map((e) => e.note))).toEqual(
      new Set(['queue', 'trade-through', 'bbo-through']),
    );
    expect(Math.abs(first.instruments[0]!.position)).toBeLessThanOrEqual(6);
    expect(tradeLogToCsv(run().tradeLog)).toBe(tradeLogToCsv(first.tradeLog));
  });
});
