/**
 * One market snapshot per whole second of local receive time: what a market maker would have known at the
 * end of each second. The top of book comes from the latest bookTicker (the freshest source: it is pushed
 * on every change, the depth stream only every 100 ms); depth and imbalance come from the synchronised
 * depth book; trades are summed over the second.
 *
 * Seconds run from the first message's second to the last message's, quiet seconds included (they repeat
 * the state they inherit, with no trades). Seconds that end before the first bookTicker have no top of book
 * and produce no snapshot; they are counted instead. So, for a capture whose first and last messages fall
 * in seconds F and L:
 *
 *   snapshots = (L - F + 1) - secondsBeforeFirstBbo
 */
import type { BboMessage, PriceLevel, TradeMessage } from './messages.ts';
import type { OrderBook } from './order-book.ts';

export interface MarketSnapshot {
  /** End of the second (exclusive), UTC ms on the local receive clock: the state just before this instant. */
  readonly ts: number;
  readonly bid: number;
  readonly bidQty: number;
  readonly ask: number;
  readonly askQty: number;
  readonly mid: number;
  /** ask - bid; negative would mean a crossed quote (counted in stats). */
  readonly spread: number;
  readonly spreadBps: number;
  /** How long before `ts` the bookTicker in force was received, ms. */
  readonly bboAgeMs: number;
  /** Whether the depth fields below come from a synchronised book; when false they are empty / NaN. */
  readonly bookInSync: boolean;
  /** The best `depthLevels` levels of each side, best first. */
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
  /** Quantity summed over those levels. */
  readonly bidDepth: number;
  readonly askDepth: number;
  /** (bidDepth - askDepth) / (bidDepth + askDepth), in [-1, 1]; NaN without a book. */
  readonly imbalance: number;
  /** Price of the latest trade received so far (NaN before the first trade). */
  readonly lastTradePrice: number;
  /** Traded quantity within this second. */
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly tradeCount: number;
}

export interface SnapshotStats {
  count: number;
  /** Epoch second of the first and last message (local clock); NaN before any. */
  firstSecond: number;
  lastSecond: number;
  /** lastSecond - firstSecond + 1: the capture's duration in whole seconds. */
  captureSeconds: number;
  /** Seconds that ended before any bookTicker had arrived: no snapshot. */
  secondsBeforeFirstBbo: number;
  /** Snapshot seconds in which no message at all arrived. */
  secondsWithoutMessages: number;
  /** Snapshots taken while the depth book was out of sync (depth fields empty). */
  secondsOutOfSync: number;
  /** bookTicker messages with bid > ask, and with bid == ask. */
  crossedBboMessages: number;
  lockedBboMessages: number;
  /** Snapshots whose spread is negative. */
  crossedSnapshots: number;
}

/** The depth book and whether it can be trusted right now (`DepthBookSync` is one). */
export interface DepthSource {
  readonly inSync: boolean;
  readonly book: OrderBook;
}

export interface SnapshotOptions {
  /** Levels per side in each snapshot's depth (default 5). */
  depthLevels?: number;
}

export class MarketSnapshotter {
  readonly snapshots: MarketSnapshot[] = [];
  readonly stats: SnapshotStats = {
    count: 0,
    firstSecond: NaN,
    lastSecond: NaN,
    captureSeconds: 0,
    secondsBeforeFirstBbo: 0,
    secondsWithoutMessages: 0,
    secondsOutOfSync: 0,
    crossedBboMessages: 0,
    lockedBboMessages: 0,
    crossedSnapshots: 0,
  };
  private readonly depth: DepthSource;
  private readonly depthLevels: number;
  /** The open second, undefined before the first message and after `finish`. */
  private second: number | undefined;
  private messagesThisSecond = 0;
  private bbo: BboMessage | undefined;
  private lastTradePrice = NaN;
  private volume = 0;
  private buyVolume = 0;
  private sellVolume = 0;
  private tradeCount = 0;

  constructor(depth: DepthSource, options: SnapshotOptions = {}) {
    this.depth = depth;
    this.depthLevels = options.depthLevels ?? 5;
  }

  /**
   * Call for every message, before it changes any state, with the epoch second it was received in
   * (non-decreasing). Closes the seconds that ended before it.
   */
  onMessageAt(second: number): void {
    if (this.second === undefined) {
      this.second = second;
      this.stats.firstSecond = second;
    }
    while (this.second < second) this.close(this.second++);
    this.messagesThisSecond++;
    this.stats.lastSecond = second;
  }

  onBbo(bbo: BboMessage): void {
    this.bbo = bbo;
    if (bbo.bid > bbo.ask) this.stats.crossedBboMessages++;
    else if (bbo.bid === bbo.ask) this.stats.lockedBboMessages++;
  }

  onTrade(trade: TradeMessage): void {
    this.lastTradePrice = trade.price;
    this.volume += trade.qty;
    if (trade.aggressor === 1) this.buyVolume += trade.qty;
    else this.sellVolume += trade.qty;
    this.tradeCount++;
  }

  /** Closes the last second. */
  finish(): void {
    if (this.second === undefined) return;
    this.close(this.second);
    this.second = undefined;
    this.stats.captureSeconds = this.stats.lastSecond - this.stats.firstSecond + 1;
  }

  private close(second: number): void {
    const quiet = this.messagesThisSecond === 0;
    this.messagesThisSecond = 0;
    const bbo = this.bbo;
    if (bbo === undefined) {
      this.stats.secondsBeforeFirstBbo++;
    } else {
      if (quiet) this.stats.secondsWithoutMessages++;
      this.snapshots.push(this.snapshot((second + 1) * 1000, bbo));
    }
    this.volume = 0;
    this.buyVolume = 0;
    this.sellVolume = 0;
    this.tradeCount = 0;
  }

  private snapshot(ts: number, bbo: BboMessage): MarketSnapshot {
    const mid = (bbo.bid + bbo.ask) / 2;
    const spread = bbo.ask - bbo.bid;
    const { inSync, book } = this.depth;
    const bids = inSync ? book.bids.top(this.depthLevels) : [];
    const asks = inSync ? book.asks.top(this.depthLevels) : [];
    const bidDepth = inSync ? sum(bids) : NaN;
    const askDepth = inSync ? sum(asks) : NaN;
    const total = bidDepth + askDepth;
    this.stats.count++;
    if (!inSync) this.stats.secondsOutOfSync++;
    if (spread < 0) this.stats.crossedSnapshots++;
    return {
      ts,
      bid: bbo.bid,
      bidQty: bbo.bidQty,
      ask: bbo.ask,
      askQty: bbo.askQty,
      mid,
      spread,
      spreadBps: (spread / mid) * 1e4,
      bboAgeMs: ts - bbo.localMs,
      bookInSync: inSync,
      bids,
      asks,
      bidDepth,
      askDepth,
      imbalance: total > 0 ? (bidDepth - askDepth) / total : NaN,
      lastTradePrice: this.lastTradePrice,
      volume: this.volume,
      buyVolume: this.buyVolume,
      sellVolume: this.sellVolume,
      tradeCount: this.tradeCount,
    };
  }
}

function sum(levels: readonly PriceLevel[]): number {
  let total = 0;
  for (const level of levels) total += level.qty;
  return total;
}
