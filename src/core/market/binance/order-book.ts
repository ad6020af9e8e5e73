/**
 * A price-level order book (aggregated quantity per price, no individual orders), as Binance's depth
 * streams describe it. Only the levels: keeping it in step with the exchange is `DepthBookSync`'s job.
 */
import type { PriceLevel } from './messages.ts';

export type SetLevelOutcome = 'inserted' | 'updated' | 'removed' | 'absent';

/**
 * One side of the book. A Map answers "what is at this price" in O(1), which is what most updates need (a
 * quantity change at a level that already exists). The sorted array of prices only changes when a level
 * appears or disappears; it is ordered worst to best, so the best price is the last element and the
 * churn near the top of the book splices the end of the array, where splicing is cheap. A few thousand
 * levels (the size of a Binance book here) keep those splices well under a microsecond's worth of copying.
 */
export class BookSide {
  readonly isBid: boolean;
  private readonly qtyByPrice = new Map<number, number>();
  /** Sort keys, ascending: the price for bids, minus the price for asks, so "larger" is always "better". */
  private readonly keys: number[] = [];

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  get levelCount(): number {
    return this.keys.length;
  }

  /** Sets a level's quantity; 0 removes it. Removing an absent level is normal on Binance (see docs). */
  set(price: number, qty: number): SetLevelOutcome {
    const had = this.qtyByPrice.has(price);
    if (qty === 0) {
      if (!had) return 'absent';
      this.qtyByPrice.delete(price);
      this.keys.splice(this.indexOf(this.keyOf(price)), 1);
      return 'removed';
    }
    this.qtyByPrice.set(price, qty);
    if (had) return 'updated';
    this.keys.splice(this.indexOf(this.keyOf(price)), 0, this.keyOf(price));
    return 'inserted';
  }

  clear(): void {
    this.qtyByPrice.clear();
    this.keys.length = 0;
  }

  /** Quantity resting at a price, 0 when there is no level. */
  qtyAt(price: number): number {
    return this.qtyByPrice.get(price) ?? 0;
  }

  /** The best price, NaN for an empty side. */
  bestPrice(): number {
    const key = this.keys[this.keys.length - 1];
    return key === undefined ? NaN : this.priceOf(key);
  }

  /** The best quantity, NaN for an empty side. */
  bestQty(): number {
    const price = this.bestPrice();
    return Number.isNaN(price) ? NaN : this.qtyAt(price);
  }

  /** The best `n` levels, best first. */
  top(n: number): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.keys.length - 1; i >= 0 && out.length < n; i--) {
      const price = this.priceOf(this.keys[i]!);
      out.push({ price, qty: this.qtyAt(price) });
    }
    return out;
  }

  /** Total quantity on the best `n` levels (fewer if the side is shallower). */
  depth(n: number): number {
    let sum = 0;
    const stop = Math.max(0, this.keys.length - n);
    for (let i = this.keys.length - 1; i >= stop; i--) sum += this.qtyAt(this.priceOf(this.keys[i]!));
    return sum;
  }

  /** Every level, best first. */
  levels(): PriceLevel[] {
    return this.top(this.keys.length);
  }

  private keyOf(price: number): number {
    return this.isBid ? price : -price;
  }

  private priceOf(key: number): number {
    return this.isBid ? key : -key;
  }

  /** Lower bound: the first index whose key is >= `key`. */
  private indexOf(key: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  /** The side for +1 (bid) or -1 (ask), the engine's DEPTH side convention. */
  side(side: 1 | -1): BookSide {
    return side === 1 ? this.bids : this.asks;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }

  bestAsk(): number {
    return this.asks.bestPrice();
  }
}
