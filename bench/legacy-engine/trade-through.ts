/**
 * Trade-through fills, for trade-only data (KRX ticks), where there is no book to queue in.
 *
 * The rule, per market trade at price p and size s:
 *   - a resting bid at price b fills when p < b (the trade printed strictly below it), or when p == b and
 *     `atPrice: 'front'` (we assume we were first in the queue at our price) and the trade was not a
 *     buyer-initiated one (a buy aggressor at b lifted an ask, it did not hit bids);
 *   - asks symmetrically (p > a, or p == a with 'front' and no sell aggressor);
 *   - the trade's size is a budget shared by our orders on that side in price-time priority (best price
 *     first): each takes min(its remaining, what the trade has left), so one trade never fills more than
 *     its own size. Unfilled remainders keep resting (partial fills).
 * BBO and depth events never fill anything here: the model is deliberately blind to the book so that it
 * means the same on book data (e.g. the benchmark stream) as on trade-only data.
 */
import type { FillModel, FillSink } from './fill-model.ts';
import type { MarketState } from './market-state.ts';
import type { LiveOrders, SimOrder } from './orders.ts';

export interface TradeThroughOptions {
  /** Whether a trade AT our price fills us: 'none' (default, conservative) or 'front' (we were first). */
  atPrice?: 'none' | 'front';
}

export function tradeThrough(options: TradeThroughOptions = {}): FillModel {
  return new TradeThroughFill(options.atPrice === 'front');
}

class TradeThroughFill implements FillModel {
  readonly name: string;
  private readonly front: boolean;

  constructor(front: boolean) {
    this.front = front;
    this.name = front ? 'trade-through (at price: front of queue)' : 'trade-through (strictly through)';
  }

  onArrive(_order: SimOrder, _market: MarketState): void {}

  onTrade(
    orders: LiveOrders,
    _market: MarketState,
    price: number,
    size: number,
    aggressor: number,
    sink: FillSink,
  ): void {
    const bids = orders.bids;
    let budget = size;
    for (let i = 0; i < bids.length && budget > 0; i++) {
      const order = bids[i]!;
      if (!(order.price > price || (this.front && order.price === price && aggressor !== 1))) break;
      const quantity = order.quantity < budget ? order.quantity : budget;
      sink.fill(order, quantity, 'trade-through');
      budget -= quantity;
    }
    const asks = orders.asks;
    budget = size;
    for (let i = 0; i < asks.length && budget > 0; i++) {
      const order = asks[i]!;
      if (!(order.price < price || (this.front && order.price === price && aggressor !== -1))) break;
      const quantity = order.quantity < budget ? order.quantity : budget;
      sink.fill(order, quantity, 'trade-through');
      budget -= quantity;
    }
  }

  onBbo(): void {}

  onDepth(): void {}
}
