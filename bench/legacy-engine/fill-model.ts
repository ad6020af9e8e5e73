/**
 * How our resting orders get filled: one interface, swappable parts (trade-through for trade-only data,
 * queue-position models for order-book data). The engine calls a model only for instruments that have
 * live orders, and always BEFORE it applies the event to the exchange-side market state, so `market` is
 * the market just before the event and the event's fields come as arguments. Fills are reported through
 * the sink at the order's own price (we are the maker); the sink updates the order's remaining quantity
 * and marks it done when nothing remains, so a model reads `order.quantity` after a fill and never
 * removes orders itself.
 */
import type { MarketState } from './market-state.ts';
import type { LiveOrders, SimOrder } from './orders.ts';

export interface FillSink {
  /** Fills `quantity` (> 0, at most the order's remaining quantity) of `order` at its price. */
  fill(order: SimOrder, quantity: number, note: string): void;
}

export interface FillModel {
  readonly name: string;
  /** Our order reached the exchange and now rests: set its queue state from the market as it stands. */
  onArrive(order: SimOrder, market: MarketState): void;
  /** A market trade printed (aggressor +1 buy, −1 sell, 0 unknown). */
  onTrade(
    orders: LiveOrders,
    market: MarketState,
    price: number,
    size: number,
    aggressor: number,
    sink: FillSink,
  ): void;
  /** A new best bid/ask. */
  onBbo(
    orders: LiveOrders,
    market: MarketState,
    bid: number,
    bidSize: number,
    ask: number,
    askSize: number,
    sink: FillSink,
  ): void;
  /** A depth level changed (side +1 bid, −1 ask; size 0 = level removed). */
  onDepth(
    orders: LiveOrders,
    market: MarketState,
    side: number,
    price: number,
    size: number,
    sink: FillSink,
  ): void;
}
