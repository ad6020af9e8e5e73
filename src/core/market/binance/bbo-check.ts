/**
 * Cross-checks bookTicker messages against the synchronised depth book. Information, not validation: the
 * two are separate streams and drift apart in normal operation. Two views are counted:
 *
 * - On arrival: each bookTicker against the book as it stands when the bookTicker arrives. bookTicker is
 *   pushed on every top-of-book change while the diff-depth stream batches 100 ms, so the book is usually
 *   behind and these mostly disagree; the count says how stale the depth book's top is, nothing more.
 * - By update id: after each applied depth update (final id `u`), the book's top against the latest
 *   bookTicker with update id <= `u`. bookTicker reports every change of the best levels, so that one
 *   describes the same exchange state as the book and should agree with it; a disagreement here points
 *   at the book (or at a bookTicker the capture missed).
 */
import type { BboMessage } from './messages.ts';
import type { OrderBook } from './order-book.ts';

export interface BboAgreement {
  checked: number;
  /** Best bid or ask price differs. */
  priceMismatched: number;
  /** Best prices agree but a best quantity differs. */
  qtyMismatched: number;
}

export interface BboCheckStats {
  onArrival: BboAgreement & {
    /** bookTicker messages that arrived while the book was out of sync (not compared). */
    notInSync: number;
    /** Compared bookTickers whose update id was ahead of the book's. */
    bookBehind: number;
  };
  byUpdateId: BboAgreement & {
    /** Applied updates with no bookTicker at or before their id still remembered (not compared). */
    noBbo: number;
  };
}

export interface BboCheckOptions {
  /** Recent bookTickers remembered for the by-update-id view (default 4,096, several seconds' worth). */
  memory?: number;
}

export class BboBookCheck {
  readonly stats: BboCheckStats = {
    onArrival: { checked: 0, priceMismatched: 0, qtyMismatched: 0, notInSync: 0, bookBehind: 0 },
    byUpdateId: { checked: 0, priceMismatched: 0, qtyMismatched: 0, noBbo: 0 },
  };
  private readonly memory: number;
  /** Recent bookTickers in arrival order, which is update id order on one connection. */
  private recent: BboMessage[] = [];

  constructor(options: BboCheckOptions = {}) {
    this.memory = Math.max(1, options.memory ?? 4096);
  }

  /** A bookTicker arrived; `bookUpdateId` is the book's update id, `inSync` whether it can be trusted. */
  onBbo(bbo: BboMessage, book: OrderBook, bookUpdateId: number, inSync: boolean): void {
    this.recent.push(bbo);
    // Trim in batches so the array is not shifted on every message.
    if (this.recent.length > 2 * this.memory) this.recent = this.recent.slice(-this.memory);
    const counts = this.stats.onArrival;
    if (!inSync) {
      counts.notInSync++;
      return;
    }
    if (bbo.updateId > bookUpdateId) counts.bookBehind++;
    compare(bbo, book, counts);
  }

  /** The synchronised book has just applied a depth update whose final id is `updateId`. */
  onBookUpdated(book: OrderBook, updateId: number): void {
    const index = lastAtOrBefore(this.recent, updateId);
    if (index < 0) {
      this.stats.byUpdateId.noBbo++;
      return;
    }
    compare(this.recent[index]!, book, this.stats.byUpdateId);
  }
}

function compare(bbo: BboMessage, book: OrderBook, counts: BboAgreement): void {
  counts.checked++;
  if (book.bids.bestPrice() !== bbo.bid || book.asks.bestPrice() !== bbo.ask) counts.priceMismatched++;
  else if (book.bids.bestQty() !== bbo.bidQty || book.asks.bestQty() !== bbo.askQty) counts.qtyMismatched++;
}

/** Index of the last message with updateId <= `updateId`, or -1. */
function lastAtOrBefore(messages: readonly BboMessage[], updateId: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.updateId <= updateId) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
