/**
 * The simplest market maker, a baseline for A&S and the strategy the engine's tests and benchmark drive:
 * quotes one bid and one ask `halfSpreadTicks` ticks around the mid (rounded outward to the tick grid),
 * `size` each, and stops quoting the side that would take |position| beyond `maxPosition`. Returns the
 * same Decision object while its prices do not change, so it allocates only when its quotes move.
 */
import type { AccountView, Decision, MarketView, QuoteIntent, Strategy } from '../trading/types.ts';

export class FixedSpreadQuoter implements Strategy {
  readonly name = 'fixed-spread';
  readonly refresh: { onEvents: boolean; intervalMs?: number };
  private readonly halfSpreadTicks: number;
  private readonly size: number;
  private readonly maxPosition: number;
  private bid = NaN;
  private ask = NaN;
  private position = NaN;
  private decision: Decision = { quotes: [], marketOrder: 0 };

  constructor(
    options: {
      halfSpreadTicks?: number;
      size?: number;
      maxPosition?: number;
      onEvents?: boolean;
      intervalMs?: number;
    } = {},
  ) {
    this.halfSpreadTicks = options.halfSpreadTicks ?? 1;
    this.size = options.size ?? 1;
    this.maxPosition = options.maxPosition ?? Infinity;
    this.refresh = { onEvents: options.onEvents ?? true, intervalMs: options.intervalMs };
  }

  decide(market: MarketView, account: AccountView): Decision {
    const mid = market.mid;
    if (!(mid > 0)) return this.decision;
    const tick = market.instrument.tickSize(mid);
    const bid = Math.floor(mid / tick - this.halfSpreadTicks + 1e-9) * tick;
    const ask = Math.ceil(mid / tick + this.halfSpreadTicks - 1e-9) * tick;
    const position = account.position;
    if (bid === this.bid && ask === this.ask && position === this.position) return this.decision;
    this.bid = bid;
    this.ask = ask;
    this.position = position;
    const quotes: QuoteIntent[] = [];
    if (bid > 0 && position + this.size <= this.maxPosition)
      quotes.push({ side: 1, price: bid, quantity: this.size });
    if (position - this.size >= -this.maxPosition) quotes.push({ side: -1, price: ask, quantity: this.size });
    this.decision = { quotes, marketOrder: 0 };
    return this.decision;
  }
}
