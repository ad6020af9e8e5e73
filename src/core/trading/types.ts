/**
 * The contracts between the engine (src/core/sim), strategies (src/core/strategy), the risk gate
 * (src/core/risk) and reports. One engine serves backtests, tuning trials, the RL environment and the live
 * agent's paper broker, so these types are the whole surface a strategy sees: it never reads events
 * directly, only the MarketView the engine maintains from what it has seen so far (after feed latency).
 *
 * Conventions: times are UTC epoch milliseconds (float64); prices in the instrument's quote units (index
 * points for KRX options, USDT for BTCUSDT); quantities in contracts (KRX) or base units (BTC); side +1 =
 * buy/bid, −1 = sell/ask. Money (cash, PnL, fees) is in the instrument's currency: quote units × quantity ×
 * multiplier (KRW for KRX options: multiplier 250,000).
 */

import type { InstrumentSpec, Side } from '../market/instrument.ts';

export type { InstrumentSpec, Side } from '../market/instrument.ts';

/** The market as the strategy may see it at decision time: built only from events already observed. */
export interface MarketView {
  readonly instrument: InstrumentSpec;
  /** Observation time: the latest event time the strategy has seen (≤ decision time − feed latency). */
  readonly asOfMs: number;
  /** Best bid/ask and sizes; NaN when unknown (trade-only data has no book). */
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
  /** Mid of the book, or the reference price on trade-only data (the last trade); NaN before any data. */
  readonly mid: number;
  readonly lastTradePrice: number;
  readonly lastTradeMs: number;
  /** Order-book imbalance (bidDepth − askDepth)/(bidDepth + askDepth) over the top levels; 0 when unknown. */
  readonly imbalance: number;
  /** Sum of quantity on the top N levels per side (N set by the engine); NaN when unknown. */
  readonly bidDepth: number;
  readonly askDepth: number;
  /** Market trades observed since the strategy was last called (for estimators), oldest first. */
  readonly recentTrades: ReadonlyArray<ObservedTrade>;
  /** The regime in force (from the regime input series), or undefined. */
  readonly regime?: string;
}

export interface ObservedTrade {
  ts: number;
  price: number;
  size: number;
  /** Aggressor: +1 buyer, −1 seller, 0 unknown (KRX ticks). */
  aggressor: -1 | 0 | 1;
  /** Mid at the time of the trade (NaN when unknown). */
  midBefore: number;
}

/** The strategy's account in one instrument, as the engine keeps it. */
export interface AccountView {
  /** Signed position (contracts / base units). */
  readonly position: number;
  /** Cash in currency (after fees). */
  readonly cash: number;
  /** Mark-to-mid equity in currency. */
  readonly equity: number;
  readonly realizedPnl: number;
  readonly feesPaid: number;
  /** Resting orders the engine has acknowledged (after order latency). */
  readonly openOrders: ReadonlyArray<OpenOrder>;
}

export interface OpenOrder {
  id: number;
  side: Side;
  price: number;
  /** Remaining quantity. */
  quantity: number;
  placedMs: number;
}

/** One desired resting quote. */
export interface QuoteIntent {
  side: Side;
  price: number;
  quantity: number;
}

/**
 * What a strategy wants after a decision: resting quotes (the engine cancels or replaces to match, keeping
 * orders whose price and side are unchanged so they keep their queue place) and/or an immediate order
 * that crosses the spread (taker), e.g. a signal strategy's BUY. An empty `quotes` cancels all quotes.
 */
export interface Decision {
  quotes: QuoteIntent[];
  /** Signed quantity to trade now at market (taker), 0 for none. */
  marketOrder: number;
  /** Diagnostics the trade log records with fills (e.g. reservation price, σ, γ, κ, spread). */
  diagnostics?: Record<string, number | string>;
}

export interface Strategy {
  readonly name: string;
  /**
   * Called when the engine wakes the strategy (see `refresh`): returns the desired state. Must not keep
   * references to `market` or `account` (they are reused), and must be deterministic.
   */
  decide(market: MarketView, account: AccountView, nowMs: number): Decision;
  /**
   * When to wake: on observed events, at a fixed interval, or both. `onEvents: true` wakes on every
   * observed event of the instrument; `'touch'` only when one changes the observed best bid, best ask or
   * mid (the last trade price on trade-only data), or when one of the strategy's orders fills (size
   * changes, depth behind the touch and trades at an unchanged touch then wait for the next wake-up;
   * the trades stay in the market view's trade list until then).
   *
   * `nextWakeMs(afterMs)` is the strategy's own timer, for one that decides on a calendar (a minute
   * strategy at bar closes inside sessions): the first wake-up strictly after `afterMs`, or Infinity when
   * there is none until more data comes (after the session close). It is armed by the first observed
   * event and re-armed after each wake-up it gave; once it runs out, the next observed event arms it
   * again. It replaces `intervalMs` when both are given.
   */
  readonly refresh: {
    onEvents: boolean | 'touch';
    intervalMs?: number;
    nextWakeMs?: (afterMs: number) => number;
  };
}

/** A fill of one of our orders. */
export interface Fill {
  ts: number;
  instrument: string;
  orderId: number;
  side: Side;
  price: number;
  quantity: number;
  /** Maker (resting order filled) or taker (market order). */
  liquidity: 'maker' | 'taker';
  /** Fee in currency (negative = rebate). */
  fee: number;
}

/** The risk gate's answer to a decision (src/core/risk). */
export type RiskDecision =
  | { allow: true }
  | {
      allow: false;
      reason: string;
      /** What is still allowed: reduce-only means quotes that shrink |position|. */ mode:
        'halt' | 'reduce-only';
    };

/** What the risk gate sees before each decision is acted on. */
export interface RiskInputs {
  nowMs: number;
  instrument: string;
  position: number;
  /** |position| × mid × multiplier, in currency. */
  positionNotional: number;
  equity: number;
  /** The current trading day (the engine's: the KRX session date in KST, the UTC date on crypto). */
  tradingDay: string;
  /** Equity at the start of the current trading day (the day boundary is the engine's). */
  dayStartEquity: number;
  /** Highest equity so far this trading day (the drawdown limit is a daily limit). */
  peakEquity: number;
  /** Time of the latest market event observed (for stale-data checks). */
  lastDataMs: number;
}

/**
 * The risk gate (src/core/risk implements it; the live agent uses the same class). The engine asks it
 * about every decision before acting, and tells it what happened.
 */
export interface RiskGate {
  review(inputs: RiskInputs, decision: Decision): RiskDecision;
  /** A fill happened; `realizedPnlChange` is the PnL it realised (0 when it only opened or added). */
  onFill(fill: Fill, realizedPnlChange: number): void;
  /** Orders (new or replaced) were sent at `nowMs`. */
  onOrdersSent(count: number, nowMs: number): void;
}

/** The regime in force at a time (ground-truth labels, post-hoc tags, a model's output, or a constant). */
export interface RegimeSeries {
  at(ts: number): string | undefined;
}

/**
 * One fill in the extended trade log (Seed B phase 1): the bot's original columns (timestamp, symbol,
 * side, price, amount, cost, rebate, realized_pnl, grid_profit, note) plus the ML fields.
 */
export interface TradeLogEntry {
  ts: number;
  instrument: string;
  side: 'buy' | 'sell';
  price: number;
  quantity: number;
  /** price × quantity × multiplier. */
  cost: number;
  fee: number;
  /** Fee rebates received (maker rebates), ≥ 0. */
  rebate: number;
  realizedPnl: number;
  positionAfter: number;
  liquidity: 'maker' | 'taker';
  /** Our quoted spread (ask − bid) when the fill happened, NaN if we were not two-sided. */
  spreadAtTrade: number;
  /** The strategy's volatility estimate at the fill (σ per √second of the mid, as its diagnostics give it). */
  volatility: number;
  regime: string;
  orderbookImbalance: number;
  midAtTrade: number;
  /** Filled in after the run: mark-to-mid a fixed horizon later (see the engine docs), net of the fee. */
  profitable?: boolean;
  note: string;
}

/** One per second per instrument (Seed B's market snapshots). */
export interface SnapshotRecord {
  ts: number;
  instrument: string;
  mid: number;
  /** Market spread (ask − bid), NaN on trade-only data. */
  spread: number;
  bid: number;
  ask: number;
  /** Our resting quotes at that second (NaN when none). */
  quoteBid: number;
  quoteAsk: number;
  position: number;
  volatility: number;
  bidDepth: number;
  askDepth: number;
  imbalance: number;
  equity: number;
  regime: string;
}
