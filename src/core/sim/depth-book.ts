/**
 * The engine's price-level depth book: per side, two parallel typed arrays (sort key and quantity) kept
 * sorted worst → best, so the best level is the last element. Lookups are binary searches, level inserts
 * and removals one `copyWithin` (a memmove), and the best N levels the last N elements: no Map, no
 * per-level objects. Depth updates are the bulk of order-book data (three quarters of the BTCUSDT capture's
 * events), so this is on the engine's hot path.
 *
 * Keys are the price for bids and minus the price for asks, so "larger key" always means "better price".
 */
export class DepthSide {
  readonly isBid: boolean;
  private keys = new Float64Array(64);
  private qtys = new Float64Array(64);
  private count = 0;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  get levelCount(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  /** Sets a level's quantity; 0 removes it (removing an absent level is a no-op). */
  set(price: number, qty: number): void {
    const key = this.isBid ? price : -price;
    const keys = this.keys;
    const n = this.count;
    // Most updates touch the top of the book, at the end of the arrays: check there before searching.
    let i: number;
    if (n > 0 && keys[n - 1] === key) i = n - 1;
    else i = this.lowerBound(key);
    if (i < n && keys[i] === key) {
      if (qty > 0) this.qtys[i] = qty;
      else {
        keys.copyWithin(i, i + 1, n);
        this.qtys.copyWithin(i, i + 1, n);
        this.count = n - 1;
      }
      return;
    }
    if (!(qty > 0)) return;
    if (n === keys.length) this.grow();
    this.keys.copyWithin(i + 1, i, n);
    this.qtys.copyWithin(i + 1, i, n);
    this.keys[i] = key;
    this.qtys[i] = qty;
    this.count = n + 1;
  }

  /** Quantity at a price, 0 when there is no level. */
  qtyAt(price: number): number {
    const key = this.isBid ? price : -price;
    const i = this.lowerBound(key);
    return i < this.count && this.keys[i] === key ? this.qtys[i]! : 0;
  }

  /** Price of the k-th best level (0 = best); NaN past the last level. */
  priceAt(k: number): number {
    const i = this.count - 1 - k;
    if (i < 0) return NaN;
    const key = this.keys[i]!;
    return this.isBid ? key : -key;
  }

  /** Quantity of the k-th best level (0 = best); NaN past the last level. */
  qtyAtLevel(k: number): number {
    const i = this.count - 1 - k;
    return i < 0 ? NaN : this.qtys[i]!;
  }

  bestPrice(): number {
    return this.priceAt(0);
  }

  bestQty(): number {
    return this.qtyAtLevel(0);
  }

  /** Total quantity on the best `levels` levels (fewer if the side is shallower). */
  depth(levels: number): number {
    const qtys = this.qtys;
    const stop = this.count > levels ? this.count - levels : 0;
    let sum = 0;
    for (let i = this.count - 1; i >= stop; i--) sum += qtys[i]!;
    return sum;
  }

  private lowerBound(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const qtys = new Float64Array(this.qtys.length * 2);
    qtys.set(this.qtys);
    this.keys = keys;
    this.qtys = qtys;
  }
}

export class DepthBook {
  readonly bids = new DepthSide(true);
  readonly asks = new DepthSide(false);

  /** The side for +1 (bid) or −1 (ask), the DEPTH events' side convention. */
  side(side: number): DepthSide {
    return side === 1 ? this.bids : this.asks;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
