/**
 * The market of one instrument as built from events: best bid/ask and sizes (BBO events), a price-level
 * depth book (DEPTH events, when the stream has them) and the last trade. The engine keeps two per
 * instrument when there is feed latency: the exchange's (events applied at their time, what fills are
 * judged against) and the strategy's (events applied when they are observed). Without feed latency the
 * two are the same object.
 *
 * Which source wins: the top of book comes from BBO events when the stream has any (they are pushed on
 * every change; depth on Binance only every 100 ms), else from the depth book. Top-N depth and imbalance
 * come from the depth book when there is one, else from the BBO sizes (N = 1). On trade-only data (KRX
 * ticks) there is no book: bid/ask/sizes/depth are NaN and the reference mid is the last trade price.
 */
import { DEPTH_SNAPSHOT } from '../../src/core/market/events.ts';
import { DepthBook } from './depth-book.ts';

export class MarketState {
  bid = NaN;
  ask = NaN;
  bidSize = NaN;
  askSize = NaN;
  /** Whether any BBO event has been applied (the top of book then comes from BBO events only). */
  hasBbo = false;
  lastTradePrice = NaN;
  lastTradeMs = NaN;
  /** Time of the latest event of any kind applied. */
  lastEventMs = NaN;
  /** Created by the first DEPTH event. */
  book: DepthBook | undefined;
  private snapshotMs = NaN;
  private inSnapshot = false;

  applyTrade(ts: number, price: number): void {
    this.lastTradePrice = price;
    this.lastTradeMs = ts;
    this.lastEventMs = ts;
  }

  applyBbo(ts: number, bid: number, bidSize: number, ask: number, askSize: number): void {
    this.bid = bid;
    this.bidSize = bidSize;
    this.ask = ask;
    this.askSize = askSize;
    this.hasBbo = true;
    this.lastEventMs = ts;
  }

  applyDepth(ts: number, side: number, price: number, size: number, flags: number): void {
    const book = (this.book ??= new DepthBook());
    if ((flags & DEPTH_SNAPSHOT) !== 0) {
      // A snapshot's levels replace the book: clear it at the first level of each snapshot.
      if (!this.inSnapshot || ts !== this.snapshotMs) book.clear();
      this.inSnapshot = true;
      this.snapshotMs = ts;
    } else {
      this.inSnapshot = false;
    }
    book.side(side).set(price, size);
    this.lastEventMs = ts;
  }

  bestBid(): number {
    if (this.hasBbo || this.book === undefined) return this.bid;
    return this.book.bids.bestPrice();
  }

  bestAsk(): number {
    if (this.hasBbo || this.book === undefined) return this.ask;
    return this.book.asks.bestPrice();
  }

  bestBidSize(): number {
    if (this.hasBbo || this.book === undefined) return this.bidSize;
    return this.book.bids.bestQty();
  }

  bestAskSize(): number {
    if (this.hasBbo || this.book === undefined) return this.askSize;
    return this.book.asks.bestQty();
  }

  /** Mid of the book when both sides are known, else the last trade price (the trade-only reference). */
  mid(): number {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    if (bid === bid && ask === ask) return (bid + ask) / 2;
    return this.lastTradePrice;
  }

  /** Quantity on the best `levels` levels of a side (+1 bid, −1 ask); NaN when unknown. */
  depth(side: number, levels: number): number {
    if (this.book !== undefined) return (side === 1 ? this.book.bids : this.book.asks).depth(levels);
    return side === 1 ? this.bidSize : this.askSize;
  }

  /** (bidDepth − askDepth)/(bidDepth + askDepth) over the top levels; 0 when unknown. */
  imbalance(levels: number): number {
    const b = this.depth(1, levels);
    const a = this.depth(-1, levels);
    const sum = b + a;
    return sum > 0 ? (b - a) / sum : 0;
  }

  /**
   * The displayed quantity at `price` on one side (+1 bid, −1 ask): 0 when the price is better than that
   * side's best (an empty level), the best size at the best price, the book's level below it; NaN when
   * the market says nothing about that price (no book, or a price behind the top with BBO data only).
   */
  displayedQty(side: number, price: number): number {
    const best = side === 1 ? this.bestBid() : this.bestAsk();
    if (best !== best) return this.book === undefined ? NaN : 0;
    if (side === 1 ? price > best : price < best) return 0;
    if (price === best) return side === 1 ? this.bestBidSize() : this.bestAskSize();
    if (this.book === undefined) return NaN;
    return (side === 1 ? this.book.bids : this.book.asks).qtyAt(price);
  }
}
