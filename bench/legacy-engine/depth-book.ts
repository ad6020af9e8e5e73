/**
 * The engine's price-level depth book: per side, one typed array of (sort key, quantity) slots kept sorted
 * worst → best, so the best level is the last slot. No Map, no per-level objects. Depth updates are the
 * bulk of order-book data (three quarters of the BTCUSDT capture's events), so this is on the engine's
 * hot path, and most of its cost is moving slots to open or close a gap.
 *
 * Hence tombstones: removing a level below the top sets its quantity to 0 and leaves the slot, and a new
 * level whose place is next to a tombstone takes that slot, with no move at all. Books churn at the same
 * prices (a level vanishes and comes back), so most inserts and removals become O(1) writes. The last slot
 * is always a live level (removing the top drops trailing tombstones), and the array is compacted once
 * tombstones outnumber live levels, so walks from the top stay short and memory stays bounded.
 * Lookups are finger searches from the last position (the levels of one depth message come in price order).
 *
 * Keys are the price for bids and minus the price for asks, so "larger key" always means "better price".
 */
export class DepthSide {
  readonly isBid: boolean;
  /** Interleaved (key, quantity) slots sorted by key ascending; quantity 0 marks a tombstone. */
  private slots = new Float64Array(128);
  /** Slots in use (live levels and tombstones). */
  private used = 0;
  private live = 0;
  /** Where the last `set` looked: the start of the next search. */
  private finger = 0;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  get levelCount(): number {
    return this.live;
  }

  clear(): void {
    this.used = 0;
    this.live = 0;
    this.finger = 0;
  }

  /** Sets a level's quantity; 0 removes it (removing an absent level is a no-op). */
  set(price: number, qty: number): void {
    const key = this.isBid ? price : -price;
    const slots = this.slots;
    const n = this.used;
    let i: number;
    if (n > 0 && slots[2 * n - 2] === key) i = n - 1;
    else i = this.lowerBoundFrom(key, this.finger < n ? this.finger : n);
    this.finger = i;
    if (i < n && slots[2 * i] === key) {
      const had = slots[2 * i + 1]! > 0;
      if (qty > 0) {
        slots[2 * i + 1] = qty;
        if (!had) this.live++;
        return;
      }
      if (!had) return;
      slots[2 * i + 1] = 0;
      this.live--;
      if (i === n - 1) {
        let top = n - 1;
        while (top > 0 && slots[2 * top - 1] === 0) top--;
        this.used = top;
      } else if (n - this.live > 32 && n - this.live > this.live) this.compact();
      return;
    }
    if (!(qty > 0)) return;
    // A new level between slots i − 1 and i: take a neighbouring tombstone if there is one.
    if (i > 0 && slots[2 * i - 1] === 0) i--;
    else if (i >= n || slots[2 * i + 1] !== 0) {
      if (2 * n === slots.length) this.grow();
      this.slots.copyWithin(2 * i + 2, 2 * i, 2 * n);
      this.used = n + 1;
    }
    const into = this.slots;
    into[2 * i] = key;
    into[2 * i + 1] = qty;
    this.live++;
  }

  /** Quantity at a price, 0 when there is no level. */
  qtyAt(price: number): number {
    const key = this.isBid ? price : -price;
    const i = this.lowerBoundFrom(key, this.used);
    return i < this.used && this.slots[2 * i] === key ? this.slots[2 * i + 1]! : 0;
  }

  /** Price of the k-th best level (0 = best); NaN past the last level. */
  priceAt(k: number): number {
    const i = this.slotOfLevel(k);
    if (i < 0) return NaN;
    const key = this.slots[2 * i]!;
    return this.isBid ? key : -key;
  }

  /** Quantity of the k-th best level (0 = best); NaN past the last level. */
  qtyAtLevel(k: number): number {
    const i = this.slotOfLevel(k);
    return i < 0 ? NaN : this.slots[2 * i + 1]!;
  }

  bestPrice(): number {
    return this.priceAt(0);
  }

  bestQty(): number {
    return this.qtyAtLevel(0);
  }

  /** Total quantity on the best `levels` levels (fewer if the side is shallower). */
  depth(levels: number): number {
    const slots = this.slots;
    let sum = 0;
    let seen = 0;
    for (let i = this.used - 1; i >= 0 && seen < levels; i--) {
      const qty = slots[2 * i + 1]!;
      if (qty > 0) {
        sum += qty;
        seen++;
      }
    }
    return sum;
  }

  /** The slot of the k-th best live level, −1 past the last. */
  private slotOfLevel(k: number): number {
    const slots = this.slots;
    for (let i = this.used - 1; i >= 0; i--) {
      if (slots[2 * i + 1]! > 0 && k-- === 0) return i;
    }
    return -1;
  }

  /**
   * The first slot whose key is ≥ `key` (0..used), found by galloping from `hint` and then bisecting:
   * O(log d) for a distance d from the hint, instead of O(log used) from scratch.
   */
  private lowerBoundFrom(key: number, hint: number): number {
    const slots = this.slots;
    const n = this.used;
    let lo: number;
    let hi: number;
    if (hint < n && slots[2 * hint]! < key) {
      // Above the hint: every slot below `lo` has a smaller key.
      lo = hint + 1;
      hi = lo;
      let step = 1;
      while (hi < n && slots[2 * hi]! < key) {
        lo = hi + 1;
        hi = lo + step;
        step *= 2;
      }
      if (hi > n) hi = n;
    } else {
      // At or below the hint: slot `hi` has a key ≥ key (or hi = used).
      hi = hint;
      lo = hi - 1;
      let step = 1;
      while (lo >= 0 && slots[2 * lo]! >= key) {
        hi = lo;
        lo = hi - step;
        step *= 2;
      }
      lo = lo < 0 ? 0 : lo + 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (slots[2 * mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops every tombstone, keeping the order. */
  private compact(): void {
    const slots = this.slots;
    let out = 0;
    for (let i = 0; i < this.used; i++) {
      if (slots[2 * i + 1]! > 0) {
        slots[2 * out] = slots[2 * i]!;
        slots[2 * out + 1] = slots[2 * i + 1]!;
        out++;
      }
    }
    this.used = out;
    this.finger = 0;
  }

  private grow(): void {
    const slots = new Float64Array(this.slots.length * 2);
    slots.set(this.slots);
    this.slots = slots;
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
