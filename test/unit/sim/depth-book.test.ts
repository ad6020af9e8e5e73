/**
 * The engine's typed-array depth book against the market module's Map-based OrderBook, on the real
 * BTCUSDT depth stream and on random operations.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OrderBook, readBinanceCapture } from '../../../src/core/market/binance/index.ts';
import { DEPTH_SNAPSHOT, EVENT_DEPTH } from '../../../src/core/market/events.ts';
import { DepthBook } from '../../../src/core/sim/depth-book.ts';
import type { DepthSide } from '../../../src/core/sim/depth-book.ts';
import { MarketState } from '../../../src/core/sim/market-state.ts';
import { Random } from '../../../src/core/math/random.ts';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const CAPTURE = fileURLToPath(
  new URL('../../../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url),
);

function levels(side: DepthSide): Array<[number, number]> {
  return Array.from({ length: side.levelCount }, (_, k) => [side.priceAt(k), side.qtyAtLevel(k)]);
}

describe('depth book', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('rebuilds exactly the reference book from the real depth stream', async () => {
    const events = (await readBinanceCapture(createReadStream(CAPTURE).pipe(createGunzip()))).events;
    const state = new MarketState();
    const reference = new OrderBook();
    let inSnapshot = false;
    let checked = 0;
    for (let i = 0; i < events.length; i++) {
      if (events.kind[i] !== EVENT_DEPTH) continue;
      const snapshot = (events.flags[i]! & DEPTH_SNAPSHOT) !== 0;
      if (snapshot && !inSnapshot) reference.clear();
      inSnapshot = snapshot;
      const side = events.side[i] === 1 ? 1 : -1;
      reference.side(side).set(events.price[i]!, events.size[i]!);
      state.applyDepth(events.ts[i]!, side, events.price[i]!, events.size[i]!, events.flags[i]!);
      if (i % 997 === 0) {
        const book = state.book!;
        for (const [mine, theirs] of [
          [book.bids, reference.bids],
          [book.asks, reference.asks],
        ] as const) {
          expect(levels(mine)).toEqual(theirs.levels().map((l) => [l.price, l.qty]));
          expect(mine.depth(5)).toBeCloseTo(theirs.depth(5), 9);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(state.book!.bids.levelCount).toBeGreaterThan(500);
  }, 60_000); // reads and replays the whole real capture: slow on a busy machine

  it('matches the reference under random inserts, updates and removals', () => {
    const random = Random.derive('depth-book-test');
    const mine = new DepthBook();
    const reference = new OrderBook();
    for (let step = 0; step < 20_000; step++) {
      const side = random.sign();
      const price = random.intBetween(9_900, 10_100) / 100;
      const qty = random.bernoulli(0.3) ? 0 : random.intBetween(1, 50);
      mine.side(side).set(price, qty);
      reference.side(side).set(price, qty);
      if (step % 500 === 0) {
        expect(levels(mine.bids)).toEqual(reference.bids.levels().map((l) => [l.price, l.qty]));
        expect(levels(mine.asks)).toEqual(reference.asks.levels().map((l) => [l.price, l.qty]));
        expect(mine.bids.qtyAt(price)).toBe(reference.bids.qtyAt(price));
        expect(mine.asks.qtyAt(price)).toBe(reference.asks.qtyAt(price));
      }
    }
    mine.clear();
    expect(mine.bids.bestPrice()).toBeNaN();
    expect(mine.asks.depth(5)).toBe(0);
  });

  it('stays exact through waves of deep removals and re-inserts (tombstones, compaction)', () => {
    const random = Random.derive('depth-book-waves');
    const mine = new DepthBook();
    const reference = new OrderBook();
    const set = (price: number, qty: number) => {
      mine.bids.set(price, qty);
      reference.bids.set(price, qty);
    };
    for (let wave = 0; wave < 6; wave++) {
      for (let k = 0; k < 1_500; k++) set(random.intBetween(1, 3_000) / 100, random.intBetween(1, 9));
      // Remove most levels below the top (leaving tombstones), then bring some back at the same prices.
      for (const level of reference.bids.levels().slice(1)) if (random.bernoulli(0.9)) set(level.price, 0);
      for (let k = 0; k < 300; k++) set(random.intBetween(1, 3_000) / 100, random.bernoulli(0.5) ? 0 : 5);
      // And the top itself, repeatedly.
      for (let k = 0; k < 5; k++) {
        const top = reference.bids.levels()[0];
        if (top) set(top.price, 0);
      }
      expect(levels(mine.bids)).toEqual(reference.bids.levels().map((l) => [l.price, l.qty]));
      expect(mine.bids.depth(5)).toBeCloseTo(reference.bids.depth(5), 9);
      expect(mine.bids.bestPrice()).toBe(reference.bids.levels()[0]?.price ?? NaN);
    }
  });
});
