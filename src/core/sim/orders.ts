/**
 * Our simulated orders and the per-instrument list of those resting at the exchange.
 *
 * Prices are compared exactly (===), never with a tolerance: the engine canonicalises every price a strategy
 * sends with `canonicalPrice`, which yields the very double that parsing the same decimal text gives (the
 * nearest double to a decimal with up to 8 places), so a quote at "61837.63" computed as 61837.630000000005
 * still equals the feed's 61837.63.
 */
import type { OpenOrder, Side } from '../trading/types.ts';

/** The double nearest to `price` rounded to 8 decimals: equal to what parsing that decimal yields. */
export function canonicalPrice(price: number): number {
  return Math.round(price * 1e8) / 1e8;
}

export const ORDER_PENDING = 0;
export const ORDER_LIVE = 1;
export const ORDER_DONE = 2;
export type OrderStatus = typeof ORDER_PENDING | typeof ORDER_LIVE | typeof ORDER_DONE;

/**
 * One resting (limit) order. It is also what the strategy sees in `AccountView.openOrders` (the OpenOrder
 * fields), so it must only be mutated by the engine and the fill models.
 */
export class SimOrder implements OpenOrder {
  readonly id: number;
  readonly instrument: number;
  readonly side: Side;
  readonly price: number;
  /** Remaining quantity. */
  quantity: number;
  readonly originalQuantity: number;
  /** When the strategy sent it. */
  readonly sentMs: number;
  /** When it reached the exchange (NaN while in flight). */
  placedMs = NaN;
  status: OrderStatus = ORDER_PENDING;
  /**
   * What our side knows of the order from the exchange's responses (the same as `status` and `quantity`
   * without response latency): the decision's order diff goes by these, never by the exchange's state.
   */
  knownStatus: OrderStatus = ORDER_PENDING;
  knownQuantity: number;
  /** A cancel has been sent (it may still be in flight; the order can fill until it arrives). */
  cancelRequested = false;
  // Queue state, owned by the fill model.
  /** Quantity ahead of us at our price; Infinity while unknown. */
  queueAhead = 0;
  /** Displayed quantity at our price when last seen (NaN while unknown). */
  levelQty = NaN;
  /** Volume traded at our price since the level was last seen (so a trade is not counted twice). */
  tradedAtLevel = 0;

  constructor(id: number, instrument: number, side: Side, price: number, quantity: number, sentMs: number) {
    this.id = id;
    this.instrument = instrument;
    this.side = side;
    this.price = price;
    this.quantity = quantity;
    this.knownQuantity = quantity;
    this.originalQuantity = quantity;
    this.sentMs = sentMs;
  }
}

/**
 * Our live orders for one instrument, each side kept in price-time priority (best price first, then
 * arrival order): fill models walk them best first and stop at the first price the market did not reach.
 * Orders are few (a quoter has one or two per side), so plain arrays with insertion by scan are fastest.
 */
export class LiveOrders {
  readonly bids: SimOrder[] = [];
  readonly asks: SimOrder[] = [];

  get count(): number {
    return this.bids.length + this.asks.length;
  }

  add(order: SimOrder): void {
    const list = order.side === 1 ? this.bids : this.asks;
    let i = list.length;
    // Behind every order at the same or a better price.
    if (order.side === 1) while (i > 0 && list[i - 1]!.price < order.price) i--;
    else while (i > 0 && list[i - 1]!.price > order.price) i--;
    list.splice(i, 0, order);
  }

  remove(order: SimOrder): boolean {
    const list = order.side === 1 ? this.bids : this.asks;
    const i = list.indexOf(order);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** Drops orders that are done (fully filled). */
  compact(): void {
    compactList(this.bids);
    compactList(this.asks);
  }

  /** Our best bid and ask prices (NaN for an empty side). */
  bestBid(): number {
    return this.bids.length > 0 ? this.bids[0]!.price : NaN;
  }

  bestAsk(): number {
    return this.asks.length > 0 ? this.asks[0]!.price : NaN;
  }
}

function compactList(list: SimOrder[]): void {
  let j = 0;
  for (let i = 0; i < list.length; i++) {
    const order = list[i]!;
    if (order.status !== ORDER_DONE) list[j++] = order;
  }
  truncate(list, j);
}

/**
 * Shortens an array by popping: V8 gives an array a fresh backing store after `length = 0` (so the next
 * push allocates), while pop keeps it. On the engine's hot path that is the difference between an
 * allocation per event and none.
 */
export function truncate(list: unknown[], length: number): void {
  while (list.length > length) list.pop();
}
