/**
 * Each fill model on hand-built event sequences, against fills computed by hand from the stated rules.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import type { BacktestConfig } from '../../../src/core/sim/config.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import type { FillModel } from '../../../src/core/sim/fill-model.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import {
  conservativeQueue,
  logQueueShare,
  powerQueueShare,
  probabilisticQueue,
} from '../../../src/core/sim/queue-fill.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import { handEvents } from './events.ts';
import type { HandEvent } from './events.ts';
import { ScriptedStrategy } from './strategies.ts';
import type { ScriptStep } from './strategies.ts';

const spec = spotSpec('X', 0.01, 0.001);

function run(
  events: HandEvent[],
  steps: ScriptStep[],
  fillModel: FillModel,
  extra: Partial<BacktestConfig> = {},
) {
  const strategy = new ScriptedStrategy(steps);
  const result = runBacktest(handEvents(events), {
    instrument: () => spec,
    strategy: () => strategy,
    fees: NO_FEES,
    fillModel,
    ...extra,
  });
  const fills = result.fills.map((f) => [f.ts, f.side, f.price, round(f.quantity)]);
  return { result, fills, strategy };
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

describe('trade-through (trade-only data)', () => {
  const events: HandEvent[] = [
    { t: 1000, trade: 100, size: 1 },
    { t: 2000, trade: 99.9, size: 3 }, // at our bid
    { t: 3000, trade: 99.89, size: 3 }, // through our bid
    { t: 4000, trade: 99.5, size: 10 },
    { t: 5000, trade: 100.2, size: 4 }, // through our ask
    { t: 6000, trade: 100.1, size: 1 }, // at our ask
  ];
  const steps: ScriptStep[] = [
    {
      at: 1000,
      quotes: [
        { side: 1, price: 99.9, quantity: 5 },
        { side: -1, price: 100.1, quantity: 5 },
      ],
    },
  ];

  it('fills strictly through, limited by the trade size, partially', () => {
    const { fills, result } = run(events, steps, tradeThrough());
    // 2000: at price, no fill. 3000: 3 of 5. 4000: the remaining 2 (trade of 10). 5000: 4 of 5. 6000: at price, none.
    expect(fills).toEqual([
      [3000, 1, 99.9, 3],
      [4000, 1, 99.9, 2],
      [5000, -1, 100.1, 4],
    ]);
    expect(result.stats.ordersSent).toBe(2);
    expect(result.instruments[0]!.position).toBe(1);
    expect(result.tradeLog.every((e) => e.liquidity === 'maker' && e.note === 'trade-through')).toBe(true);
  });

  it("with atPrice 'front' a trade at our price fills too (but not a buyer-initiated one at our bid)", () => {
    const { fills } = run(events, steps, tradeThrough({ atPrice: 'front' }));
    // 2000: 3 at price. 3000: the last 2. 5000: 4. 6000: the last 1 at price.
    expect(fills).toEqual([
      [2000, 1, 99.9, 3],
      [3000, 1, 99.9, 2],
      [5000, -1, 100.1, 4],
      [6000, -1, 100.1, 1],
    ]);
    const buyerAtBid = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 2000, trade: 99.9, size: 3, aggressor: 1 },
        { t: 3000, trade: 99.9, size: 3, aggressor: -1 },
      ],
      steps,
      tradeThrough({ atPrice: 'front' }),
    );
    expect(buyerAtBid.fills).toEqual([[3000, 1, 99.9, 3]]);
  });

  it('shares one trade among our orders best price first', () => {
    const { fills } = run(
      [
        { t: 1000, trade: 100, size: 1 },
        { t: 2000, trade: 99.7, size: 4 },
      ],
      [
        {
          at: 1000,
          quotes: [
            { side: 1, price: 99.8, quantity: 3 },
            { side: 1, price: 99.9, quantity: 3 },
          ],
        },
      ],
      tradeThrough(),
    );
    expect(fills).toEqual([
      [2000, 1, 99.9, 3],
      [2000, 1, 99.8, 1],
    ]);
  });
});

describe('conservative queue (book data)', () => {
  const book = (t: number, bid: number, bidSize: number, ask: number, askSize: number): HandEvent => ({
    t,
    bid,
    bidSize,
    ask,
    askSize,
  });
  const steps: ScriptStep[] = [
    {
      at: 1000,
      quotes: [
        { side: 1, price: 100, quantity: 2 },
        { side: -1, price: 100.02, quantity: 3 },
      ],
    },
  ];

  it('joins behind the displayed size, advances only by trades at its price, fills partially, then through', () => {
    const { fills, result } = run(
      [
        book(1000, 100, 10, 100.02, 8), // we join: 10 ahead of the bid, 8 ahead of the ask
        book(2000, 100, 4, 100.02, 8), // 6 cancelled at 100: ignored, still 10 ahead
        { t: 3000, trade: 100, size: 8, aggressor: -1 }, // 2 ahead
        { t: 4000, trade: 100, size: 3, aggressor: -1 }, // 1 beyond the queue: fill 1
        { t: 5000, trade: 100, size: 5, aggressor: 1 }, // a buyer at our bid price: not us
        { t: 6000, trade: 99.99, size: 0.5, aggressor: -1 }, // through: the whole remaining 1
        book(7000, 100.01, 1, 100.03, 5), // our ask's level is no longer displayed: nothing (conservative)
        { t: 7500, trade: 100.02, size: 7, aggressor: 1 }, // 8 were ahead: 1 left
        book(8000, 100.02, 2, 100.03, 5), // the bid reaches our ask: price-through, all 3
      ],
      steps,
      conservativeQueue(),
    );
    expect(fills).toEqual([
      [4000, 1, 100, 1],
      [6000, 1, 100, 1],
      [8000, -1, 100.02, 3],
    ]);
    expect(result.tradeLog.map((e) => e.note)).toEqual(['queue', 'trade-through', 'bbo-through']);
  });

  it('with capAtDisplayed the queue ahead never exceeds the displayed level', () => {
    const { fills } = run(
      [
        book(1000, 100, 10, 100.02, 8),
        book(2000, 100, 4, 100.02, 8), // capped: 4 ahead
        { t: 3000, trade: 100, size: 5, aggressor: -1 }, // 1 beyond: fill 1
      ],
      steps,
      conservativeQueue({ capAtDisplayed: true }),
    );
    expect(fills).toEqual([[3000, 1, 100, 1]]);
  });

  it('an order improving on the best starts at the front; an unknown level is learnt when displayed', () => {
    const { fills } = run(
      [
        book(1000, 100, 10, 100.03, 8),
        { t: 2000, trade: 100.01, size: 0.5, aggressor: -1 }, // our bid at 100.01 is first: 0.5
        book(3000, 100, 10, 100.03, 8),
        { t: 4000, trade: 99.99, size: 0.1, aggressor: -1 }, // at the 99.99 bid's price, queue unknown: nothing
        book(5000, 99.99, 6, 100.03, 8), // 99.99 now displayed: 6 ahead
        { t: 6000, trade: 99.99, size: 7, aggressor: -1 }, // 1 beyond: fill 1 of 2
      ],
      [
        {
          at: 1000,
          quotes: [
            { side: 1, price: 100.01, quantity: 0.5 },
            { side: 1, price: 99.99, quantity: 2 },
          ],
        },
      ],
      conservativeQueue(),
    );
    expect(fills).toEqual([
      [2000, 1, 100.01, 0.5],
      [6000, 1, 99.99, 1],
    ]);
  });
});

describe('probabilistic queue (book data)', () => {
  const level = (t: number, bidSize: number): HandEvent => ({
    t,
    bid: 100,
    bidSize,
    ask: 100.02,
    askSize: 8,
  });
  const steps: ScriptStep[] = [{ at: 1000, quotes: [{ side: 1, price: 100, quantity: 2 }] }];
  const events: HandEvent[] = [
    level(1000, 10), // we join behind 10
    level(2000, 30), // 20 join behind us: front 10, back 20
    level(3000, 18), // 12 cancelled: the share f(10)/(f(10)+f(20)) of it was ahead of us
    { t: 4000, trade: 100, size: 2, aggressor: -1 },
    level(5000, 16), // the 2 traded: explained, no cancel
  ];

  /** Queue ahead after the cancel at 3000, by hand: 10 − 12 × share. */
  const aheadAfterCancel = (f: (x: number) => number) => 10 - 12 * (f(10) / (f(10) + f(20)));

  for (const [name, share, f] of [
    ['power n = 2', powerQueueShare(2), (x: number) => Math.pow(x, 2)],
    ['log', logQueueShare(), (x: number) => Math.log1p(x)],
  ] as const) {
    it(`cancels advance us by the ${name} share; trades are not counted twice`, () => {
      const ahead = aheadAfterCancel(f) - 2; // after the trade of 2 at 4000
      expect(ahead).toBeGreaterThan(1); // (n = 2: 10 − 12 × 0.2 − 2 = 5.6; log: ≈ 2.71)
      // A trade of (ahead + 1) fills exactly 1 of our 2.
      const { fills } = run(
        [...events, { t: 6000, trade: 100, size: ahead + 1, aggressor: -1 }],
        steps,
        probabilisticQueue(share),
      );
      expect(fills).toEqual([[6000, 1, 100, 1]]);
      // And a trade of exactly `ahead` fills nothing: the queue model is not more generous than stated.
      const none = run(
        [...events, { t: 6000, trade: 100, size: ahead, aggressor: -1 }],
        steps,
        probabilisticQueue(share),
      );
      expect(none.fills).toEqual([]);
    });
  }

  it('takes from the front what a cancel removes beyond the queue behind us', () => {
    // f(x) = x^0 = 1: half of a cancel is ahead. Front 10, back 2, cancel 11.5: 5.75 behind but only 2 are
    // there, so 5.75 + 3.75 come from the front: 0.5 left ahead of us, the whole displayed level.
    const { fills } = run(
      [
        level(1000, 10),
        level(2000, 12),
        level(3000, 0.5),
        { t: 4000, trade: 100, size: 0.5, aggressor: -1 }, // consumes the 0.5 ahead: no fill
        { t: 5000, trade: 100, size: 1, aggressor: -1 }, // we are first: 1 of our 2
      ],
      steps,
      probabilisticQueue(powerQueueShare(0)),
    );
    expect(fills).toEqual([[5000, 1, 100, 1]]);
  });

  it('depth events at our level move the queue like BBO sizes (book behind the top)', () => {
    const { fills } = run(
      [
        { t: 900, depth: 1, price: 99.99, size: 10, snapshot: true },
        { t: 900, depth: -1, price: 100.02, size: 8, snapshot: true },
        { t: 1000, bid: 100, bidSize: 5, ask: 100.02, askSize: 8 },
        { t: 2000, depth: 1, price: 99.99, size: 4 }, // 6 cancelled, all ahead (we are last: back 0)
        { t: 3000, trade: 99.99, size: 5, aggressor: -1 }, // 1 beyond the 4 ahead
      ],
      [{ at: 1000, quotes: [{ side: 1, price: 99.99, quantity: 2 }] }],
      probabilisticQueue(powerQueueShare(1)),
    );
    expect(fills).toEqual([[3000, 1, 99.99, 1]]);
  });
});
