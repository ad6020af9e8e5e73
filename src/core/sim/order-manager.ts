/**
 * From a decision to messages: the risk gate reviews the decision, then its quotes are diffed against
 * the orders the strategy still has and the difference is sent to the exchange.
 *
 * Risk gate. Every decision is reviewed before anything is sent. 'halt' cancels all quotes and drops the
 * market order; 'reduce-only' keeps only quotes on the side that shrinks |position| (quantity capped at
 * |position|) and a market order only if it shrinks |position| (capped likewise); with no position nothing
 * is kept. The gate hears about every fill (with the PnL it realised, when the fill's response reaches
 * us) and about the orders each decision sent (new quotes and market orders).
 *
 * Order diff. A decision's quotes are diffed against the working orders (sent, not cancelled), by what our
 * side knows of them: an order whose side and price match a quote, and whose original or remaining
 * quantity equals the quote's, is kept (it keeps its queue place, also after a partial fill); every
 * other order is cancelled and every unmatched quote is sent as a new order (so a fully filled quote is
 * re-sent if still wanted, once we know it filled). Prices are canonicalised (orders.ts).
 */
import type { Decision, QuoteIntent, RiskGate, Side } from '../trading/types.ts';
import type { AccountBook } from './accounts.ts';
import type { RunStats } from './config.ts';
import type { SimExchange } from './exchange.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import { canonicalPrice, ORDER_DONE, SimOrder, truncate } from './orders.ts';

const NO_QUOTES: readonly QuoteIntent[] = [];

export class OrderManager {
  private readonly exchange: SimExchange;
  private readonly accounts: AccountBook;
  private readonly gate: RiskGate | undefined;
  private readonly stats: RunStats;
  private scratchPrices = new Float64Array(16);
  private scratchMatched = new Uint8Array(16);

  constructor(exchange: SimExchange, accounts: AccountBook, gate: RiskGate | undefined, stats: RunStats) {
    this.exchange = exchange;
    this.accounts = accounts;
    this.gate = gate;
    this.stats = stats;
  }

  /** A decision taken on the prepared view at `t`: the risk gate's review, then quotes and market orders sent. */
  apply(runtime: InstrumentRuntime, t: number, decision: Decision): void {
    const mid = runtime.view.mid;
    this.stats.strategyCalls++;
    runtime.trades.clear();
    const diagnostics = decision.diagnostics;
    if (diagnostics !== undefined) {
      const volatility = diagnostics.volatility;
      if (typeof volatility === 'number') runtime.strategyVolatility = volatility;
    }

    let quotes: readonly QuoteIntent[] = decision.quotes;
    let marketOrder = decision.marketOrder;
    const gate = this.gate;
    if (gate !== undefined) {
      const verdict = gate.review(this.accounts.riskInputsFor(runtime, t, mid), decision);
      if (!verdict.allow) {
        if (verdict.mode === 'halt') {
          this.stats.riskHalts++;
          quotes = NO_QUOTES;
          marketOrder = 0;
        } else {
          this.stats.riskReduceOnly++;
          ({ quotes, marketOrder } = reduceOnly(decision, runtime.local.position));
        }
      }
    }
    let sent = this.applyQuotes(runtime, quotes, t);
    if (marketOrder !== 0 && Number.isFinite(marketOrder)) {
      this.exchange.submitMarket(runtime, marketOrder, t);
      sent++;
    }
    if (gate !== undefined && sent > 0) gate.onOrdersSent(sent, t);
  }

  /** Diffs the quotes against the working orders; returns how many new orders were sent. */
  private applyQuotes(runtime: InstrumentRuntime, quotes: readonly QuoteIntent[], t: number): number {
    const count = quotes.length;
    const working = runtime.working;
    // The usual case, checked first and cheaply: the quotes are the working orders, in the same order.
    if (working.length === count) {
      let unchanged = true;
      for (let j = 0; j < count; j++) {
        const order = working[j]!;
        const quote = quotes[j]!;
        if (
          order.knownStatus === ORDER_DONE ||
          quote.side !== order.side ||
          (quote.quantity !== order.originalQuantity && quote.quantity !== order.knownQuantity) ||
          (quote.price !== order.price && canonicalPrice(quote.price) !== order.price)
        ) {
          unchanged = false;
          break;
        }
      }
      if (unchanged) return 0;
    }
    if (this.scratchPrices.length < count) {
      this.scratchPrices = new Float64Array(count * 2);
      this.scratchMatched = new Uint8Array(count * 2);
    }
    const prices = this.scratchPrices;
    const matched = this.scratchMatched;
    for (let j = 0; j < count; j++) {
      const quote = quotes[j]!;
      const price = canonicalPrice(quote.price);
      const valid =
        (quote.side === 1 || quote.side === -1) &&
        Number.isFinite(price) &&
        quote.quantity > 0 &&
        Number.isFinite(quote.quantity);
      prices[j] = price;
      matched[j] = valid ? 0 : 1;
      if (!valid) this.stats.rejectedInvalid++;
    }
    let kept = 0;
    for (let w = 0; w < working.length; w++) {
      const order = working[w]!;
      if (order.knownStatus === ORDER_DONE) continue; // filled or rejected: nothing to cancel
      let keep = false;
      for (let j = 0; j < count; j++) {
        if (matched[j] !== 0) continue;
        const quote = quotes[j]!;
        if (
          quote.side === order.side &&
          prices[j] === order.price &&
          (quote.quantity === order.originalQuantity || quote.quantity === order.knownQuantity)
        ) {
          matched[j] = 1;
          keep = true;
          break;
        }
      }
      if (keep) working[kept++] = order;
      else this.exchange.requestCancel(runtime, order, t);
    }
    truncate(working, kept);
    let sent = 0;
    for (let j = 0; j < count; j++) {
      if (matched[j] !== 0) continue;
      const quote = quotes[j]!;
      const order = new SimOrder(
        this.exchange.newOrderId(),
        runtime.id,
        quote.side,
        prices[j]!,
        quote.quantity,
        t,
      );
      working.push(order);
      this.exchange.submit(runtime, order, t);
      sent++;
    }
    return sent;
  }
}

/** A decision cut down to what shrinks |position| (see the risk-gate rules above). */
function reduceOnly(decision: Decision, position: number): { quotes: QuoteIntent[]; marketOrder: number } {
  const quotes: QuoteIntent[] = [];
  if (position === 0) return { quotes, marketOrder: 0 };
  const size = Math.abs(position);
  const reducingSide: Side = position > 0 ? -1 : 1;
  for (const quote of decision.quotes) {
    if (quote.side !== reducingSide) continue;
    quotes.push(quote.quantity <= size ? quote : { side: quote.side, price: quote.price, quantity: size });
  }
  const market = decision.marketOrder;
  const marketOrder =
    market !== 0 && Math.sign(market) === reducingSide ? reducingSide * Math.min(Math.abs(market), size) : 0;
  return { quotes, marketOrder };
}
