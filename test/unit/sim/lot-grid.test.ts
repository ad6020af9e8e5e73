/**
 * Fill quantities live on the lot grid. The queue models compute in floats, and queue-ahead minus trade
 * sizes leaves residue: on ETHUSDT (lot 0.0001) a queue of 4.0028 ahead, a trade of 0.0014 and then one of
 * 4.0014 (exactly the rest of the queue) left 8.881784197001252e-16 ETH "beyond the queue", and that dust
 * was recorded as a fill.
 */
import { describe, expect, it } from 'vitest';
import { binanceInstrument, cryptoSpec } from '../../../src/core/market/instrument-specs.ts';
import type { BacktestConfig } from '../../../src/core/sim/config.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import type { FillModel } from '../../../src/core/sim/fill-model.ts';
import { floorToLot, snapToLot, wholeLots } from '../../../src/core/sim/lots.ts';
import { conservativeQueue, powerQueueShare, probabilisticQueue } from '../../../src/core/sim/queue-fill.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import { handEvents } from './events.ts';
import type { HandEvent } from './events.ts';
import { ScriptedStrategy } from './strategies.ts';
import type { ScriptStep } from './strategies.ts';

const ETH = cryptoSpec(binanceInstrument('spot', 'ETHUSDT'));
const LOT = ETH.lotSize;

function run(
  events: HandEvent[],
  steps: ScriptStep[],
  fillModel: FillModel,
  extra: Partial<BacktestConfig> = {},
) {
  const strategy = new ScriptedStrategy(steps);
  return runBacktest(handEvents(events, 'ETHUSDT'), {
    instrument: () => ETH,
    strategy: () => strategy,
    fees: NO_FEES,
    fillModel,
    ...extra,
  });
}

/** Whole lots, exactly: the quantity is the double nearest `n × lot` for an integer n ≥ 1. */
function onGrid(quantity: number): boolean {
  const n = Math.round(quantity / LOT);
  return n >= 1 && quantity === Number((n * LOT).toFixed(4));
}

const book = (t: number, bid: number, bidSize: number, ask: number, askSize: number): HandEvent => ({
  t,
  bid,
  bidSize,
  ask,
  askSize,
});

describe('fills on the lot grid (ETHUSDT spot, lot 0.0001)', () => {
  it('the ETH case: float residue beyond the queue is no fill; the next trade fills whole lots', () => {
    // The residue, as the queue model computes it.
    expect(4.0014 - (4.0028 - 0.0014)).toBe(8.881784197001252e-16);
    const result = run(
      [
        book(1000, 3000, 4.0028, 3000.01, 5), // we join the bid: 4.0028 ahead
        { t: 2000, trade: 3000, size: 0.0014, aggressor: -1 }, // 4.0014 ahead
        { t: 3000, trade: 3000, size: 4.0014, aggressor: -1 }, // exactly the queue: nothing for us
        { t: 4000, trade: 3000, size: 0.0035, aggressor: -1 }, // we are first: 0.0035 of our 0.01
      ],
      [{ at: 1000, quotes: [{ side: 1, price: 3000, quantity: 0.01 }] }],
      conservativeQueue(),
    );
    expect(result.fills.map((f) => [f.ts, f.quantity])).toEqual([[4000, 0.0035]]);
    expect(result.instruments[0]!.position).toBe(0.0035);
  });

  it('the probabilistic queue rounds a fractional share down to whole lots', () => {
    // f(x) = x^1: a cancel of 1 from a level of 2 with 1 ahead of us is half ahead: 0.5 ahead, then a trade
    // of 0.50017 leaves 0.00017 for us: one lot (0.0001), not 0.00017.
    const result = run(
      [
        book(1000, 3000, 1, 3000.01, 5),
        book(1500, 3000, 2, 3000.01, 5), // 1 joins behind us
        book(2000, 3000, 1, 3000.01, 5), // 1 cancelled: 0.5 of it ahead of us
        { t: 3000, trade: 3000, size: 0.50017, aggressor: -1 },
      ],
      [{ at: 1000, quotes: [{ side: 1, price: 3000, quantity: 0.01 }] }],
      probabilisticQueue(powerQueueShare(1)),
    );
    expect(result.fills.map((f) => f.quantity)).toEqual([0.0001]);
  });

  it('every fill and position of a busy run is whole lots', () => {
    const events: HandEvent[] = [];
    const steps: ScriptStep[] = [];
    for (let i = 0; i < 200; i++) {
      const t = 1000 + i * 100;
      const bid = 3000 + (i % 7) * 0.01;
      events.push(book(t, bid, 0.1 + (i % 11) * 0.0013, bid + 0.01, 0.2 + (i % 5) * 0.0017));
      events.push({
        t: t + 50,
        trade: i % 2 ? bid : bid + 0.01,
        size: 0.0007 * (1 + (i % 9)),
        aggressor: i % 2 ? -1 : 1,
      });
      if (i % 10 === 0)
        steps.push({
          at: t,
          quotes: [
            { side: 1, price: bid, quantity: 0.0123 },
            { side: -1, price: bid + 0.01, quantity: 0.0123 },
          ],
        });
    }
    for (const model of [conservativeQueue(), probabilisticQueue(), tradeThrough({ atPrice: 'front' })]) {
      const result = run(events, steps, model);
      expect(result.fills.length, model.name).toBeGreaterThan(0);
      for (const fill of result.fills)
        expect(onGrid(fill.quantity), `${model.name}: ${fill.quantity}`).toBe(true);
      for (const entry of result.tradeLog)
        expect(
          entry.positionAfter === 0 || onGrid(Math.abs(entry.positionAfter)),
          `${entry.positionAfter}`,
        ).toBe(true);
    }
  });
});

describe('lot arithmetic', () => {
  it('counts whole lots through float residue, and gives back the decimal', () => {
    expect(wholeLots(8.881784197001252e-16, LOT)).toBe(0);
    expect(wholeLots(0.00039999999999999996, LOT)).toBe(4);
    expect(floorToLot(0.00017, LOT)).toBe(0.0001);
    expect(floorToLot(224 * LOT, LOT)).toBe(0.0224);
    expect(snapToLot(0.001 + 0.002, 0.001)).toBe(0.003);
    expect(snapToLot(-(0.1 + 0.2), 0.001)).toBe(-0.3);
    expect(snapToLot(0.00015, LOT)).toBe(0.00015); // off the grid by a real half lot: left alone
    expect(floorToLot(0.0076, 0.0025)).toBe(0.0075);
    expect(floorToLot(123_456_789.01234, 0.00001)).toBe(123_456_789.01234); // 12 digits are not enough
    expect(floorToLot(7.9, 1)).toBe(7);
  });
});
