/**
 * What a run leaves behind, kept apart from the matching and the strategy loop: the fills and their
 * trade-log entries (Seed B's trade history), the per-second snapshots of the snapshotted instruments and
 * the portfolio's equity path, and each trade's `profitable` label, settled once its horizon has passed
 * (the mid `horizonMs` after the fill against the fill price, net of fees).
 *
 * Fills and the extended trade log: one entry per fill with our quoted spread before the fill, the
 * strategy's `diagnostics.volatility` if it ever gave one else the engine's per-second EWMA σ, the regime
 * at the fill, imbalance and mid of the exchange-side market just before the event that filled us; and
 * `profitable` once `profitHorizonMs` has passed: side × (mid then − fill price) × quantity × multiplier −
 * fee > 0, with the mid as it stands just before that instant; fills whose horizon ends after the data
 * keep it undefined. One SnapshotRecord per whole second per snapshot instrument, stamped at the end of the
 * second (exclusive) with the state just before that instant, from the first event's second to the last's.
 *
 * The engine tells it what happened and when; it never reads events or decides anything.
 */
import type { ExchangeExecution } from './exchange.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { PortfolioSeries } from './config.ts';
import type { Fill, RegimeSeries, SnapshotRecord, TradeLogEntry } from '../trading/types.ts';

export interface RecorderOptions {
  /** How long after a fill its `profitable` label is judged (ms). */
  horizonMs: number;
  /** Book levels the depth and imbalance figures sum over. */
  depthLevels: number;
  regimes: RegimeSeries | undefined;
}

export class Recorder {
  readonly fills: Fill[] = [];
  readonly tradeLog: TradeLogEntry[] = [];
  readonly snapshots: SnapshotRecord[] = [];
  private readonly portfolioTs: number[] = [];
  private readonly portfolioEquity: number[] = [];
  private readonly portfolioGross: number[] = [];
  /** Trade-log entries waiting for their profit horizon, in fill order, with their instruments. */
  private readonly profitQueue: TradeLogEntry[] = [];
  private readonly profitRuntimes: InstrumentRuntime[] = [];
  private profitHead = 0;
  private readonly horizonMs: number;
  private readonly depthLevels: number;
  private readonly regimes: RegimeSeries | undefined;

  constructor(options: RecorderOptions) {
    this.horizonMs = options.horizonMs;
    this.depthLevels = options.depthLevels;
    this.regimes = options.regimes;
  }

  /**
   * Records a fill and its trade-log entry, with its currency notional, fee (negative: a rebate) and the
   * PnL it realised; returns the fill and when its profit label is due.
   */
  execution(
    e: ExchangeExecution,
    notional: number,
    fee: number,
    realized: number,
  ): { fill: Fill; profitDueMs: number } {
    const { runtime, ts, side, price, quantity } = e;
    const liquidity = e.maker ? 'maker' : 'taker';
    const fill: Fill = {
      ts,
      instrument: runtime.name,
      orderId: e.orderId,
      side,
      price,
      quantity,
      liquidity,
      fee,
    };
    this.fills.push(fill);
    const market = runtime.exchange;
    const entry: TradeLogEntry = {
      ts,
      instrument: runtime.name,
      side: side === 1 ? 'buy' : 'sell',
      price,
      quantity,
      cost: notional,
      fee: fee > 0 ? fee : 0,
      rebate: fee < 0 ? -fee : 0,
      realizedPnl: realized,
      positionAfter: runtime.account.position,
      liquidity,
      spreadAtTrade: e.ourSpread,
      volatility: runtime.recordedVolatility(),
      regime: this.regimes?.at(ts) ?? '',
      orderbookImbalance: market.imbalance(this.depthLevels),
      midAtTrade: market.mid(),
      profitable: undefined,
      note: e.note,
    };
    this.tradeLog.push(entry);
    this.profitQueue.push(entry);
    this.profitRuntimes.push(runtime);
    return { fill, profitDueMs: ts + this.horizonMs };
  }

  /** When the oldest unsettled profit label is due (Infinity when none is waiting). */
  nextProfitDueMs(): number {
    const head = this.profitHead < this.profitQueue.length ? this.profitQueue[this.profitHead]! : undefined;
    return head === undefined ? Infinity : head.ts + this.horizonMs;
  }

  /** Settles the profit labels whose horizon ends by `t`, at each instrument's mid now. */
  settleProfits(t: number): void {
    const queue = this.profitQueue;
    const horizon = this.horizonMs;
    while (this.profitHead < queue.length) {
      const entry = queue[this.profitHead]!;
      if (entry.ts + horizon > t) break;
      const runtime = this.profitRuntimes[this.profitHead]!;
      this.profitHead++;
      const mid = runtime.exchange.mid();
      if (mid !== mid) continue;
      const direction = entry.side === 'buy' ? 1 : -1;
      const pnl = direction * (mid - entry.price) * entry.quantity * runtime.spec.multiplier;
      entry.profitable = pnl - (entry.fee - entry.rebate) > 0;
    }
  }

  /**
   * The end of one second (`end`, exclusive): the portfolio's point, and a snapshot of each snapshotted
   * instrument that has a price. Returns how many snapshots were taken.
   */
  second(
    end: number,
    equity: number,
    grossPosition: number,
    snapshotted: readonly InstrumentRuntime[],
  ): number {
    this.portfolioTs.push(end);
    this.portfolioEquity.push(equity);
    this.portfolioGross.push(grossPosition);
    if (snapshotted.length === 0) return 0;
    const regime = this.regimes?.at(end) ?? '';
    const levels = this.depthLevels;
    let taken = 0;
    for (let i = 0; i < snapshotted.length; i++) {
      const runtime = snapshotted[i]!;
      const market = runtime.exchange;
      const mid = market.mid();
      // An instrument has nothing to record before its first price (a KRX code before its first trade).
      if (!Number.isFinite(mid)) continue;
      const bid = market.bestBid();
      const ask = market.bestAsk();
      taken++;
      this.snapshots.push({
        ts: end,
        instrument: runtime.name,
        mid,
        spread: ask - bid,
        bid,
        ask,
        quoteBid: runtime.live.bestBid(),
        quoteAsk: runtime.live.bestAsk(),
        position: runtime.account.position,
        volatility: runtime.recordedVolatility(),
        bidDepth: market.depth(1, levels),
        askDepth: market.depth(-1, levels),
        imbalance: market.imbalance(levels),
        equity: runtime.equityAt(mid),
        regime,
      });
    }
    return taken;
  }

  portfolio(): PortfolioSeries {
    return {
      ts: Float64Array.from(this.portfolioTs),
      equity: Float64Array.from(this.portfolioEquity),
      grossPosition: Float64Array.from(this.portfolioGross),
    };
  }
}
