/**
 * Queue-position fill models for order-book data (BBO and/or depth). Our order is virtual: it is not in
 * the feed, so where it stands in the queue at its price is estimated.
 *
 * Common rules (both models):
 *   - Arrival: we join the BACK of the queue at our price; the quantity ahead is the displayed quantity at
 *     that price when the order reaches the exchange (0 when our price improves on the best: a new level).
 *     When the feed says nothing about that level (BBO-only data, price behind the top) the queue is
 *     unknown: the order fills only by price-through until the level is first displayed, and then the
 *     whole displayed quantity is taken to be ahead of us.
 *   - A trade at our price by an aggressor on the other side (a seller for our bid; unknown aggressors
 *     count) consumes the queue ahead first; what is left of the trade fills us (partial fills), and a
 *     trade at our price also advances everybody behind the front.
 *   - Price-through fills our whole remaining quantity, whatever the trade's size: a trade strictly
 *     through our price (below our bid, above our ask) means every order at our price was taken first;
 *     a BBO whose opposite side reaches our price (best ask ≤ our bid) means a seller now meets us.
 *     Depth events do that too, but only on data without BBO events (depth lags the BBO and would report
 *     crossings that are already over).
 *
 * Conservative (`conservativeQueue`): the queue ahead shrinks only by trades at our price, never by
 * cancels (displayed-quantity decreases are ignored; optionally `capAtDisplayed` bounds it by the
 * displayed level, as hftbacktest's risk-averse model does).
 *
 * Probabilistic (`probabilisticQueue`): a decrease of the displayed quantity at our price that trades do
 * not explain (decrease − volume traded there since the level was last seen) is split between the queue
 * ahead of and behind us; the share ahead is f(front) / (f(front) + f(back)), with front = quantity ahead,
 * back = level − front, f(x) = x^n (`powerQueueShare(n)`) or log(1 + x) (`logQueueShare()`) — the family
 * of hftbacktest's probability queue models after Rigtorp's estimator. If the share behind is more than
 * the queue behind, the excess comes from ahead. The queue ahead never exceeds the displayed level.
 * The model is deterministic (the expected share, not a random draw).
 */
import type { FillModel, FillSink } from './fill-model.ts';
import type { MarketState } from './market-state.ts';
import type { LiveOrders, SimOrder } from './orders.ts';

/** The share (0..1) of an unexplained decrease of a level attributed to the queue ahead of us. */
export type QueueShare = (front: number, back: number) => number;

/** f(x) = x^n: n = 1 spreads cancels evenly over the queue; larger n favours the longer side. */
export function powerQueueShare(n: number): QueueShare {
  return (front, back) => {
    const f = Math.pow(front, n);
    const b = Math.pow(back, n);
    return f + b > 0 ? f / (f + b) : 1;
  };
}

/** f(x) = log(1 + x). */
export function logQueueShare(): QueueShare {
  return (front, back) => {
    const f = Math.log1p(front);
    const b = Math.log1p(back);
    return f + b > 0 ? f / (f + b) : 1;
  };
}

export function conservativeQueue(options: { capAtDisplayed?: boolean } = {}): FillModel {
  return new QueueFill(undefined, options.capAtDisplayed === true, 'queue (conservative)');
}

export function probabilisticQueue(
  share: QueueShare = powerQueueShare(2),
  name = 'queue (probabilistic)',
): FillModel {
  return new QueueFill(share, true, name);
}

class QueueFill implements FillModel {
  readonly name: string;
  private readonly share: QueueShare | undefined;
  private readonly cap: boolean;

  constructor(share: QueueShare | undefined, cap: boolean, name: string) {
    this.share = share;
    this.cap = cap;
    this.name = name;
  }

  onArrive(order: SimOrder, market: MarketState): void {
    const displayed = market.displayedQty(order.side, order.price);
    order.queueAhead = displayed === displayed ? displayed : Infinity;
    order.levelQty = displayed;
    order.tradedAtLevel = 0;
  }

  onTrade(
    orders: LiveOrders,
    _market: MarketState,
    price: number,
    size: number,
    aggressor: number,
    sink: FillSink,
  ): void {
    const bids = orders.bids;
    for (let i = 0; i < bids.length; i++) {
      const order = bids[i]!;
      if (order.price > price) sink.fill(order, order.quantity, 'trade-through');
      else if (order.price === price) {
        if (aggressor !== 1) this.tradeAtLevel(order, size, sink);
      } else break;
    }
    const asks = orders.asks;
    for (let i = 0; i < asks.length; i++) {
      const order = asks[i]!;
      if (order.price < price) sink.fill(order, order.quantity, 'trade-through');
      else if (order.price === price) {
        if (aggressor !== -1) this.tradeAtLevel(order, size, sink);
      } else break;
    }
  }

  onBbo(
    orders: LiveOrders,
    _market: MarketState,
    bid: number,
    bidSize: number,
    ask: number,
    askSize: number,
    sink: FillSink,
  ): void {
    const bids = orders.bids;
    for (let i = 0; i < bids.length; i++) {
      const order = bids[i]!;
      if (order.price >= ask) sink.fill(order, order.quantity, 'bbo-through');
      else if (order.price === bid) this.levelSeen(order, bidSize);
      else if (order.price > bid) this.levelSeen(order, 0);
    }
    const asks = orders.asks;
    for (let i = 0; i < asks.length; i++) {
      const order = asks[i]!;
      if (order.price <= bid) sink.fill(order, order.quantity, 'bbo-through');
      else if (order.price === ask) this.levelSeen(order, askSize);
      else if (order.price < ask) this.levelSeen(order, 0);
    }
  }

  onDepth(
    orders: LiveOrders,
    market: MarketState,
    side: number,
    price: number,
    size: number,
    sink: FillSink,
  ): void {
    // The BBO is authoritative for the top level: depth reports it later and would look like churn.
    const hasBbo = market.hasBbo;
    if (hasBbo && price === (side === 1 ? market.bid : market.ask)) return;
    const same = side === 1 ? orders.bids : orders.asks;
    for (let i = 0; i < same.length; i++) {
      const order = same[i]!;
      if (order.price === price) this.levelSeen(order, size);
    }
    if (hasBbo || size <= 0) return;
    const opposite = side === 1 ? orders.asks : orders.bids;
    for (let i = 0; i < opposite.length; i++) {
      const order = opposite[i]!;
      if (side === 1 ? order.price <= price : order.price >= price)
        sink.fill(order, order.quantity, 'depth-through');
    }
  }

  private tradeAtLevel(order: SimOrder, size: number, sink: FillSink): void {
    const ahead = order.queueAhead;
    if (ahead === Infinity) return;
    order.tradedAtLevel += size;
    if (size <= ahead) {
      order.queueAhead = ahead - size;
      return;
    }
    order.queueAhead = 0;
    const rest = size - ahead;
    sink.fill(order, rest < order.quantity ? rest : order.quantity, 'queue');
  }

  /** The displayed quantity at the order's price is now `qty`. */
  private levelSeen(order: SimOrder, qty: number): void {
    if (order.queueAhead === Infinity) {
      order.queueAhead = qty;
    } else if (this.share !== undefined) {
      const before = order.levelQty;
      const unexplained = before - qty - order.tradedAtLevel;
      if (unexplained > 0) {
        const front = order.queueAhead;
        const back = before - front > 0 ? before - front : 0;
        const shareAhead = this.share(front, back);
        let ahead = front - unexplained * shareAhead;
        const behindLeft = back - unexplained * (1 - shareAhead);
        if (behindLeft < 0) ahead += behindLeft;
        order.queueAhead = ahead > 0 ? ahead : 0;
      }
    }
    if (this.cap && order.queueAhead > qty) order.queueAhead = qty;
    order.levelQty = qty;
    order.tradedAtLevel = 0;
  }
}
