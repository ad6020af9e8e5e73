/**
 * The MarketView handed to the strategy: one object per instrument, refreshed in place before every call
 * (strategies must not keep it). Fields are plain properties so the refresh is a handful of stores.
 */
import { truncate } from './orders.ts';
import type { InstrumentSpec, MarketView, ObservedTrade } from '../../src/core/trading/types.ts';

export class MutableMarketView implements MarketView {
  readonly instrument: InstrumentSpec;
  asOfMs = NaN;
  bid = NaN;
  ask = NaN;
  bidSize = NaN;
  askSize = NaN;
  mid = NaN;
  lastTradePrice = NaN;
  lastTradeMs = NaN;
  imbalance = 0;
  bidDepth = NaN;
  askDepth = NaN;
  recentTrades: ObservedTrade[] = [];
  regime: string | undefined = undefined;

  constructor(instrument: InstrumentSpec) {
    this.instrument = instrument;
  }
}

/**
 * Market trades observed since the strategy's last call, from a pool of reused objects: no allocation per
 * trade once the pool has grown to the largest batch.
 */
export class ObservedTrades {
  readonly list: ObservedTrade[] = [];
  private readonly pool: ObservedTrade[] = [];

  add(ts: number, price: number, size: number, aggressor: number, midBefore: number): void {
    const index = this.list.length;
    let trade = this.pool[index];
    if (trade === undefined) {
      trade = { ts: 0, price: 0, size: 0, aggressor: 0, midBefore: NaN };
      this.pool.push(trade);
    }
    trade.ts = ts;
    trade.price = price;
    trade.size = size;
    trade.aggressor = aggressor === 1 ? 1 : aggressor === -1 ? -1 : 0;
    trade.midBefore = midBefore;
    this.list.push(trade);
  }

  clear(): void {
    truncate(this.list, 0);
  }
}
