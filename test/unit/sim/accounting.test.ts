/**
 * Fees, contract multipliers and average-cost PnL, worked by hand on KRX options (KRW 250,000 per point).
 */
import { describe, expect, it } from 'vitest';
import { Account } from '../../../src/core/sim/account.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { BINANCE_SPOT_FEES, feeOf, KRX_OPTION_FEES } from '../../../src/core/market/fees.ts';
import { BTCUSDT_SPEC, krxOptionSpec } from '../../../src/core/market/instrument-specs.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import { handEvents } from './events.ts';
import { ScriptedStrategy } from './strategies.ts';

const CODE = 'B0161530';

describe('fees and the multiplier in PnL', () => {
  it('books taker fills with bps + per-contract fees in KRW and marks equity to the last trade', () => {
    const fees = { makerBps: 10, takerBps: 20, takerPerUnit: 100 };
    const strategy = new ScriptedStrategy([
      { at: 1000, marketOrder: 2 }, // last trade 1.50: buy 2 at 1.51 (one tick of slippage)
      { at: 2000, marketOrder: -3 }, // last trade 1.60: sell 3 at 1.59, flipping to short 1
    ]);
    const result = runBacktest(
      handEvents(
        [
          { t: 1000, trade: 1.5, size: 1 },
          { t: 2000, trade: 1.6, size: 1 },
          { t: 3000, trade: 1.55, size: 1 },
        ],
        CODE,
      ),
      { instrument: krxOptionSpec, strategy: () => strategy, fees, fillModel: tradeThrough() },
    );
    // Buy: notional 1.51 × 2 × 250,000 = 755,000; fee 0.2 % + 2 × 100 = 1,510 + 200.
    // Sell: notional 1.59 × 3 × 250,000 = 1,192,500; fee 2,385 + 300. Realised on the 2 closed:
    // (1.59 − 1.51) × 2 × 250,000 = 40,000. Short 1 at 1.59, marked at 1.55: +10,000.
    const [buy, sell] = result.tradeLog;
    expect(buy).toMatchObject({
      side: 'buy',
      price: 1.51,
      quantity: 2,
      liquidity: 'taker',
      positionAfter: 2,
    });
    expect(buy!.cost).toBeCloseTo(755_000, 6);
    expect(buy!.fee).toBeCloseTo(1_710, 6);
    expect(buy!.realizedPnl).toBe(0);
    expect(sell).toMatchObject({ side: 'sell', price: 1.59, quantity: 3, positionAfter: -1 });
    expect(sell!.cost).toBeCloseTo(1_192_500, 6);
    expect(sell!.fee).toBeCloseTo(2_685, 6);
    expect(sell!.realizedPnl).toBeCloseTo(40_000, 6);
    const account = result.instruments[0]!;
    expect(account.position).toBe(-1);
    expect(account.averagePrice).toBe(1.59);
    expect(account.feesPaid).toBeCloseTo(4_395, 6);
    expect(account.cash).toBeCloseTo(-755_000 - 1_710 + 1_192_500 - 2_685, 6);
    expect(account.unrealizedPnl).toBeCloseTo(10_000, 6);
    expect(account.equity).toBeCloseTo(40_000 + 10_000 - 4_395, 6);
    expect(result.totals.equity).toBeCloseTo(account.equity, 9);
  });

  it('charges maker fees on resting fills and records rebates as positive amounts', () => {
    const strategy = new ScriptedStrategy([{ at: 1000, quotes: [{ side: 1, price: 1.45, quantity: 4 }] }]);
    const result = runBacktest(
      handEvents(
        [
          { t: 1000, trade: 1.5, size: 1 },
          { t: 2000, trade: 1.44, size: 4 },
        ],
        CODE,
      ),
      { instrument: krxOptionSpec, strategy: () => strategy, fees: { makerBps: -1, takerBps: 5 } },
    );
    const [fill] = result.tradeLog;
    // 1.45 × 4 × 250,000 = 1,450,000; rebate 1 bp = 145.
    expect(fill).toMatchObject({ liquidity: 'maker', price: 1.45, quantity: 4, fee: 0 });
    expect(fill!.rebate).toBeCloseTo(145, 9);
    expect(result.fills[0]!.fee).toBeCloseTo(-145, 9);
    expect(result.instruments[0]!.cash).toBeCloseTo(-1_450_000 + 145, 6);
  });

  it('slips market orders along the KRX tick grid (0.05 above 10 points, 0.01 below)', () => {
    const run = (marketOrder: number, last: number) =>
      runBacktest(handEvents([{ t: 1000, trade: last, size: 1 }], CODE), {
        instrument: krxOptionSpec,
        strategy: () => new ScriptedStrategy([{ at: 1000, marketOrder }]),
        fees: KRX_OPTION_FEES,
        marketSlippageTicks: 2,
      }).fills[0]!.price;
    expect(run(1, 10)).toBe(10.1);
    expect(run(-1, 10)).toBe(9.98);
    expect(run(1, 9.99)).toBe(10.05); // 9.99 → 10.00 → 10.05
    expect(run(-1, 0.02)).toBe(0.01); // never below one tick
  });

  it('defaults: Binance spot 0.1 % both sides; BTCUSDT multiplier 1', () => {
    expect(feeOf(BINANCE_SPOT_FEES, true, 60_000, 1)).toBeCloseTo(60, 9);
    expect(feeOf(BINANCE_SPOT_FEES, false, 60_000, 1)).toBeCloseTo(60, 9);
    expect(BTCUSDT_SPEC.multiplier).toBe(1);
    expect(krxOptionSpec(CODE).multiplier).toBe(250_000);
    expect(krxOptionSpec(CODE).tickSize(9.99)).toBe(0.01);
    expect(krxOptionSpec(CODE).tickSize(10)).toBe(0.05);
  });
});

describe('average-cost accounting', () => {
  it('moves the average on adds, realises on reductions, reopens at the fill price on a flip', () => {
    const account = new Account(0, 10, 1);
    expect(account.apply(1, 100, 2, 0)).toBe(0);
    expect(account.apply(1, 106, 1, 0)).toBe(0);
    expect(account.averagePrice).toBeCloseTo(102, 12);
    expect(account.apply(-1, 105, 1, 0)).toBeCloseTo(30, 9); // (105 − 102) × 1 × 10
    expect(account.averagePrice).toBeCloseTo(102, 12);
    expect(account.apply(-1, 99, 4, 0)).toBeCloseTo(-60, 9); // (99 − 102) × 2 × 10, then short 2 at 99
    expect(account.position).toBe(-2);
    expect(account.averagePrice).toBe(99);
    expect(account.apply(1, 97, 2, 0)).toBeCloseTo(40, 9);
    expect(account.position).toBe(0);
    expect(account.realizedPnl).toBeCloseTo(10, 9);
    expect(account.cash).toBeCloseTo(10, 9); // flat: cash is the realised PnL
  });
});
