import { describe, expect, it } from 'vitest';
import { BTCUSDT_SPEC, krxOptionSpec } from '../../../src/core/market/instrument-specs.ts';
import { levelsAllowed, maxPositionQuantity } from '../../../src/core/strategy/inventory-limits.ts';
import {
  minimumPrice,
  movedAtLeastTicks,
  roundDownToTick,
  roundUpToTick,
  stepDown,
  stepUp,
  tickBelow,
} from '../../../src/core/strategy/tick-grid.ts';
import { ladder, placeQuotes } from '../../../src/core/strategy/quote-placement.ts';
import type { PlacedQuotes } from '../../../src/core/strategy/quote-placement.ts';

const KRX = krxOptionSpec('B0161530');
const noBook = (mid: number) => ({ bid: NaN, ask: NaN, mid });
const placed = (): PlacedQuotes => ({ bid: NaN, ask: NaN, bidCap: NaN, askFloor: NaN });

describe('the KRX tick grid (0.01 below 10 points, 0.05 at or above)', () => {
  it('rounds bids down and asks up, across the 10-point tick change', () => {
    expect(roundDownToTick(10.03, KRX)).toBe(10); // tick 0.05 at 10.03: 10.00 is the grid price below
    expect(roundDownToTick(10.07, KRX)).toBe(10.05);
    expect(roundDownToTick(9.997, KRX)).toBe(9.99); // tick 0.01 below 10
    expect(roundUpToTick(10.01, KRX)).toBe(10.05); // the next 0.05 multiple
    expect(roundUpToTick(9.992, KRX)).toBe(10); // 10.00 is on both grids
    expect(roundUpToTick(0.0001, KRX)).toBe(0.01);
  });

  it('keeps prices already on the grid, despite floating-point noise, as the shortest decimal', () => {
    expect(0.03 - 0.01).not.toBe(0.02); // 0.019999999999999997
    expect(roundDownToTick(0.03 - 0.01, KRX)).toBe(0.02);
    expect(roundUpToTick(0.03 + 0.01, KRX)).toBe(0.04);
    expect(roundUpToTick(0.57, KRX)).toBe(0.57); // not 57 × 0.01 = 0.5700000000000001
    expect(roundDownToTick(12.35, KRX)).toBe(12.35);
  });

  it('steps one grid price at a time, with the finer tick below 10.00', () => {
    expect(tickBelow(10, KRX)).toBe(0.01);
    expect(tickBelow(10.05, KRX)).toBe(0.05);
    expect(stepDown(10, KRX)).toBe(9.99);
    expect(stepDown(10.05, KRX)).toBe(10);
    expect(stepUp(9.99, KRX)).toBe(10);
    expect(stepUp(10, KRX)).toBe(10.05);
    expect(stepDown(0.02, KRX)).toBe(0.01);
    expect(minimumPrice(KRX)).toBe(0.01);
  });

  it('measures moves in ticks', () => {
    expect(movedAtLeastTicks(0.05, 0.07, 2, KRX)).toBe(true);
    expect(movedAtLeastTicks(0.05, 0.06, 2, KRX)).toBe(false);
    expect(movedAtLeastTicks(0.06, 0.05, 1, KRX)).toBe(true);
    expect(movedAtLeastTicks(10.05, 10.1, 1, KRX)).toBe(true);
  });
});

describe('the BTCUSDT grid (0.01)', () => {
  it('rounds six-figure prices to the cent', () => {
    expect(roundDownToTick(100000.016, BTCUSDT_SPEC)).toBe(100000.01);
    expect(roundUpToTick(100000.011, BTCUSDT_SPEC)).toBe(100000.02);
    expect(roundUpToTick(100000.01, BTCUSDT_SPEC)).toBe(100000.01);
  });
});

describe('quote placement', () => {
  it('quotes a 0.03 premium one tick each side, and never at a price ≤ 0', () => {
    // A spread of 0.1 % of 0.03 is 0.00003, far below a tick: each side gets one tick, 0.02 / 0.04.
    const out = placeQuotes(0.03, 0.00003, noBook(0.03), KRX, true, placed());
    expect([out.bid, out.ask]).toEqual([0.02, 0.04]);
    // At 0.01 there is no positive price a tick below: no bid; the ask is 0.02.
    placeQuotes(0.01, 0.00001, noBook(0.01), KRX, true, out);
    expect(out.bid).toBeNaN();
    expect(out.ask).toBe(0.02);
    // Long inventory pushing the reservation price below zero: no bid, and the ask stays a tick above the
    // last trade (post-only) and above zero.
    placeQuotes(-0.02, 0.00003, noBook(0.03), KRX, true, out);
    expect(out.bid).toBeNaN();
    expect(out.ask).toBe(0.04);
    placeQuotes(-0.02, 0.00003, noBook(0.03), KRX, false, out);
    expect(out.ask).toBe(0.01); // r + one tick = −0.01 → raised to the smallest positive price
  });

  it('uses the tick of each side at the 10-point change', () => {
    // r = 10.00 with a negligible spread: the bid is one 0.01 tick below (9.99), the ask one 0.05 tick above.
    const out = placeQuotes(10, 0.001, noBook(10), KRX, true, placed());
    expect([out.bid, out.ask]).toEqual([9.99, 10.05]);
    // r = 10.02, spread 0.1 (half 0.05): bid 9.97 on the 0.01 grid, ask 10.07 → up to 10.10 on the 0.05 grid.
    placeQuotes(10.02, 0.1, noBook(10.02), KRX, false, out);
    expect([out.bid, out.ask]).toEqual([9.97, 10.1]);
  });

  it('holds a skewed quote to the touch when post-only, so it improves the book instead of crossing', () => {
    // Book 99.99 / 100.01. A short book's reservation price 100.50 with spread 0.20 wants bid 100.40:
    // capped one tick below the best ask, 100.00; the ask 100.60 stands (≥ 99.99 + 0.01).
    const book = { bid: 99.99, ask: 100.01, mid: 100 };
    const out = placeQuotes(100.5, 0.2, book, BTCUSDT_SPEC, true, placed());
    expect([out.bid, out.ask, out.bidCap, out.askFloor]).toEqual([100, 100.6, 100, 100]);
    placeQuotes(100.5, 0.2, book, BTCUSDT_SPEC, false, out);
    expect([out.bid, out.ask, out.bidCap]).toEqual([100.4, 100.6, Infinity]);
    // Trade-only data: the last trade stands in for both sides of the touch.
    placeQuotes(100.5, 0.2, noBook(100), BTCUSDT_SPEC, true, out);
    expect([out.bid, out.ask]).toEqual([99.99, 100.6]);
  });

  it('builds ladders a number of grid steps apart, dropping bids that would be ≤ 0', () => {
    const prices = new Float64Array(3);
    expect(ladder(10.05, 1, 3, 1, KRX, prices)).toBe(3);
    expect([...prices]).toEqual([10.05, 10, 9.99]);
    expect(ladder(9.99, -1, 3, 1, KRX, prices)).toBe(3);
    expect([...prices]).toEqual([9.99, 10, 10.05]);
    expect(ladder(0.05, 1, 3, 2, KRX, prices)).toBe(3);
    expect([...prices]).toEqual([0.05, 0.03, 0.01]);
    expect(ladder(0.02, 1, 3, 1, KRX, prices)).toBe(2); // 0.02, 0.01, then nothing above zero
    expect(ladder(NaN, 1, 3, 1, KRX, prices)).toBe(0);
  });
});

describe('position limits', () => {
  it('stops a side level by level before it could take the position past the limit', () => {
    // Limit 10 contracts, order size 1, 3 levels: at +8 only 2 bid levels fit (8 + 2 = 10), all 3 asks.
    expect(levelsAllowed(8, 1, 1, 3, 10)).toBe(2);
    expect(levelsAllowed(8, -1, 1, 3, 10)).toBe(3);
    expect(levelsAllowed(10, 1, 1, 3, 10)).toBe(0);
    expect(levelsAllowed(-10, -1, 1, 3, 10)).toBe(0);
    expect(levelsAllowed(12, 1, 1, 3, 10)).toBe(0); // already past the limit: no bids at all
    expect(levelsAllowed(0, 1, 1, 3, Infinity)).toBe(3);
  });

  it('converts a notional limit at the mid and applies the tighter of the two', () => {
    // $5,000 at $100,000 a bitcoin, multiplier 1: 0.05 BTC.
    expect(maxPositionQuantity({ maxPositionNotional: 5000 }, 100_000, 1)).toBeCloseTo(0.05, 15);
    expect(maxPositionQuantity({ maxPositionNotional: 5000, maxPositionQuantity: 0.02 }, 100_000, 1)).toBe(
      0.02,
    );
    expect(maxPositionQuantity({}, 100_000, 1)).toBe(Infinity);
    // KRW 10,000,000 of a 2.00-point option (250,000 KRW a point): 10e6 / 500,000 = 20 contracts.
    expect(maxPositionQuantity({ maxPositionNotional: 10_000_000 }, 2, 250_000)).toBe(20);
    // 0.049 BTC held, 0.001 per order, limit 0.05: exactly one more bid fits despite 0.05 − 0.049 ≠ 0.001.
    expect(levelsAllowed(0.049, 1, 0.001, 5, 0.05)).toBe(1);
  });
});
