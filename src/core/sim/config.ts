/**
 * What a backtest takes and what it returns. The rules behind each option are documented where they are
 * implemented (engine.ts for the event loop, latency and wake-ups; the fill models; fees.ts; account.ts).
 */
import type { FeeConfig } from '../market/fees.ts';
import type { FillModel } from './fill-model.ts';
import type { LatencyModel } from './latency.ts';
import type {
  Fill,
  InstrumentSpec,
  RegimeSeries,
  RiskGate,
  SnapshotRecord,
  Strategy,
  TradeLogEntry,
} from '../trading/types.ts';

export interface BacktestConfig {
  /** The spec of each instrument named in the event table. */
  instrument: (name: string) => InstrumentSpec;
  /**
   * The strategy for an instrument, or undefined to leave it untraded (its events still move the market
   * state, the clock and snapshots). Called once per instrument: give each its own instance when the
   * strategy keeps state.
   */
  strategy: (instrument: InstrumentSpec) => Strategy | undefined;
  /** Maker/taker fees (e.g. BINANCE_SPOT_FEES, KRX_OPTION_FEES); required so no run is fee-free by accident. */
  fees: FeeConfig;
  /** Default: trade-through, strictly through (`tradeThrough()`). */
  fillModel?: FillModel;
  /** Feed latency, ms or a model. Default 0 (the feed's own timestamps are receive times). */
  feedLatency?: number | LatencyModel;
  /** Order latency (placements, cancels, market orders), ms or a model. Default 0. */
  orderLatency?: number | LatencyModel;
  /**
   * Response latency, ms or a model (default 0): the exchange's responses — an order accepted, rejected,
   * cancelled or filled — reach the strategy's account, open orders and the risk gate this long after
   * they happen at the exchange. Results, snapshots and the trade log are the exchange's (booked at once).
   */
  responseLatency?: number | LatencyModel;
  riskGate?: RiskGate;
  regimes?: RegimeSeries;
  /**
   * Quotes are post-only (default true): a quote that would cross the book when it reaches the exchange
   * (bid ≥ best ask, ask ≤ best bid) is rejected, not executed. With false it rests anyway and the fill
   * model decides (a queue model fills it at once by price-through, at its own price).
   */
  postOnly?: boolean;
  /** Market orders: ticks of slippage off the last trade on trade-only data, and beyond the visible book. Default 1. */
  marketSlippageTicks?: number;
  /** Levels per side in bidDepth/askDepth/imbalance (default 5; BBO-only data has 1). */
  depthLevels?: number;
  /** `profitable` marks each fill to mid this long after it (default 60,000 ms). */
  profitHorizonMs?: number;
  /** Which instruments get per-second snapshots: 'traded' (default: those with a strategy), 'all', 'none' or names. An instrument is snapshotted from its first price on. */
  snapshots?: 'traded' | 'all' | 'none' | readonly string[];
  /**
   * Which seconds are market time (by the second's end time); default every second. Only they get
   * snapshots, portfolio points and samples of the engine's per-second σ. KRX runs pass the session test,
   * so nights and weekends neither fill the snapshot table with flat rows nor decay σ with zero returns.
   */
  snapshotWhen?: (endMs: number) => boolean;
  /** Called every 2^20 events and at the end, for progress bars. */
  onProgress?: (processed: number, total: number) => void;
  /** Cash each traded instrument's account starts with (default 0: equity is then PnL). */
  initialCash?: number;
  /**
   * The risk gate's trading day starts at midnight of the time zone this far ahead of UTC (default 0: UTC
   * midnight; 9 h: KST midnight).
   */
  dayStartOffsetMs?: number;
  /**
   * The trading day of a time, as a label (e.g. kstDateOf for KRX: the session date in KST). Default: the
   * UTC date of the time shifted by `dayStartOffsetMs`. At the first decision of a new day the risk
   * gate's day-start equity and day peak are reset to the equity then.
   */
  tradingDayOf?: (ts: number) => string;
  /** Half-life of the engine's per-second EWMA σ (default 60 s). */
  volatilityHalfLifeSeconds?: number;
  /** Stop at this time (default: the last event's time). */
  endMs?: number;
}

export interface InstrumentResult {
  instrument: string;
  position: number;
  averagePrice: number;
  cash: number;
  realizedPnl: number;
  /** Marked to the final exchange-side mid. */
  unrealizedPnl: number;
  feesPaid: number;
  equity: number;
  finalMid: number;
  fills: number;
  makerFills: number;
  takerFills: number;
  boughtQuantity: number;
  soldQuantity: number;
}

export interface RunStats {
  /** Events applied (all instruments). */
  events: number;
  startMs: number;
  endMs: number;
  /** Strategy wake-ups (decide calls). */
  strategyCalls: number;
  /** Limit orders sent (new and replacements). */
  ordersSent: number;
  /** Cancels sent. */
  ordersCancelled: number;
  /** Cancels that arrived after the order was already filled (or rejected). */
  cancelsTooLate: number;
  marketOrders: number;
  /** Quotes rejected at the exchange because they would have crossed (post-only). */
  rejectedPostOnly: number;
  /** Quotes ignored for a non-finite price or a non-positive quantity. */
  rejectedInvalid: number;
  /** Market orders that found no price (no book and no trade yet). */
  rejectedNoPrice: number;
  fills: number;
  makerFills: number;
  takerFills: number;
  /** Decisions the risk gate refused, by mode. */
  riskHalts: number;
  riskReduceOnly: number;
  snapshots: number;
}

/** The whole account, once per second (snapshot seconds only): equity summed over traded instruments. */
/** One point per second that passes `snapshotWhen` (every second by default), whatever `snapshots` says. */
export interface PortfolioSeries {
  ts: Float64Array;
  /** Sum of the traded instruments' equity, marked to their mids. */
  equity: Float64Array;
  /** Sum of |position| over traded instruments (gross exposure in contracts / units). */
  grossPosition: Float64Array;
}

export interface BacktestResult {
  fills: Fill[];
  tradeLog: TradeLogEntry[];
  snapshots: SnapshotRecord[];
  portfolio: PortfolioSeries;
  /** One per traded instrument, in event-table order. */
  instruments: InstrumentResult[];
  totals: { equity: number; cash: number; realizedPnl: number; unrealizedPnl: number; feesPaid: number };
  stats: RunStats;
}
