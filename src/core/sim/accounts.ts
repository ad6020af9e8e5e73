/**
 * The account side: what we hold and what we know. For each traded instrument the exchange-side account
 * (every execution booked when it happens: the results, snapshots and trade log) and the account the
 * strategy and the risk gate see, which learns of executions, acceptances and cancels only when the
 * exchange's response reaches it — after the response latency. With no response latency (the default)
 * the two are one object and every response is taken in at once.
 *
 * It keeps the portfolio's equity (marked to exchange-side and to observed mids) and gross position as
 * running sums, the risk gate's inputs (trading day, day-start equity, peak), and builds the view and
 * account a decision is taken on.
 */
import { feeOf } from '../market/fees.ts';
import type { Fill, OpenOrder, RegimeSeries, RiskGate, RiskInputs } from '../trading/types.ts';
import type { SimClock } from './clock.ts';
import type { InstrumentResult, RunStats } from './config.ts';
import type { ExchangeExecution, ExchangeListener } from './exchange.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { LatencyModel } from './latency.ts';
import { MSG_ACCEPTED, MSG_CANCELLED, MSG_FILLED, MSG_REJECTED, WireMessage } from './messages.ts';
import { ORDER_DONE, ORDER_LIVE, truncate } from './orders.ts';
import type { SimOrder } from './orders.ts';
import type { Recorder } from './recorder.ts';

const DAY_MS = 86_400_000;

export interface AccountBookOptions {
  /** The strategy reads the exchange-side market state (no feed latency). */
  sharedMarket: boolean;
  responseLatency: LatencyModel;
  gate: RiskGate | undefined;
  regimes: RegimeSeries | undefined;
  depthLevels: number;
  dayOffsetMs: number;
  tradingDayOf: ((ts: number) => string) | undefined;
  /** A fill's profit label falls due then (the engine's housekeeping must run by that time). */
  onProfitDue: (ms: number) => void;
}

export class AccountBook implements ExchangeListener {
  /** Portfolio sums, re-marked per instrument as its mid moves or it fills (O(1) per decision or second). */
  equityExchange = 0;
  equityObserved = 0;
  grossPosition = 0;
  /** Responses reach our side at once: the strategy's account is the exchange-side one. */
  readonly instant: boolean;
  private readonly sharedMarket: boolean;
  private readonly responseLatency: LatencyModel;
  private readonly responseConstant: number;
  private readonly gate: RiskGate | undefined;
  private readonly regimes: RegimeSeries | undefined;
  private readonly depthLevels: number;
  private readonly dayOffsetMs: number;
  private readonly tradingDayOf: ((ts: number) => string) | undefined;
  private readonly onProfitDue: (ms: number) => void;
  private readonly clock: SimClock;
  private readonly recorder: Recorder;
  private readonly stats: RunStats;
  private readonly traded: readonly InstrumentRuntime[];
  private readonly riskInputs: RiskInputs = {
    nowMs: 0,
    instrument: '',
    position: 0,
    positionNotional: 0,
    equity: 0,
    tradingDay: '',
    dayStartEquity: 0,
    peakEquity: 0,
    lastDataMs: NaN,
  };
  private day = NaN;
  private tradingDay = '';
  private dayStartEquity = NaN;
  private peakEquity = -Infinity;

  constructor(
    options: AccountBookOptions,
    clock: SimClock,
    recorder: Recorder,
    stats: RunStats,
    traded: readonly InstrumentRuntime[],
  ) {
    this.sharedMarket = options.sharedMarket;
    this.responseLatency = options.responseLatency;
    this.responseConstant = options.responseLatency.constantMs ?? NaN;
    this.instant = this.responseConstant === 0;
    this.gate = options.gate;
    this.regimes = options.regimes;
    this.depthLevels = options.depthLevels;
    this.dayOffsetMs = options.dayOffsetMs;
    this.tradingDayOf = options.tradingDayOf;
    this.onProfitDue = options.onProfitDue;
    this.clock = clock;
    this.recorder = recorder;
    this.stats = stats;
    this.traded = traded;
  }

  /** A traded instrument joins the portfolio (its cash counts from now). */
  join(runtime: InstrumentRuntime): void {
    runtime.markedExchange = runtime.markedObserved = runtime.account.cash;
    this.equityExchange += runtime.markedExchange;
    this.equityObserved += runtime.markedObserved;
  }

  /** Re-marks one traded instrument's contribution to the portfolio sums. */
  remark(runtime: InstrumentRuntime): void {
    const exchange = runtime.equityAt(runtime.exchange.mid());
    this.equityExchange += exchange - runtime.markedExchange;
    runtime.markedExchange = exchange;
    const observed =
      this.sharedMarket && this.instant ? exchange : runtime.localEquityAt(runtime.observed.mid());
    this.equityObserved += observed - runtime.markedObserved;
    runtime.markedObserved = observed;
  }

  /** The sums added up afresh (so rounding cannot drift). */
  resync(): void {
    let exchange = 0;
    let observed = 0;
    let gross = 0;
    for (const runtime of this.traded) {
      runtime.markedExchange = runtime.equityAt(runtime.exchange.mid());
      runtime.markedObserved =
        this.sharedMarket && this.instant
          ? runtime.markedExchange
          : runtime.localEquityAt(runtime.observed.mid());
      exchange += runtime.markedExchange;
      observed += runtime.markedObserved;
      gross += Math.abs(runtime.account.position);
    }
    this.equityExchange = exchange;
    this.equityObserved = observed;
    this.grossPosition = gross;
  }

  // ── what the exchange did, and the responses it sends ────────────────────────────────────────────

  executed(execution: ExchangeExecution): void {
    const { runtime, ts, order, side, price, quantity, maker } = execution;
    const notional = price * quantity * runtime.spec.multiplier;
    const fee = feeOf(runtime.fees, maker, notional, quantity);
    const account = runtime.account;
    const before = Math.abs(account.position);
    const realized = account.apply(side, price, quantity, fee);
    this.grossPosition += Math.abs(account.position) - before;
    runtime.holding = account.position !== 0 || runtime.local.position !== 0;
    this.remark(runtime);
    const { fill, profitDueMs } = this.recorder.execution(execution, notional, fee, realized);
    this.onProfitDue(profitDueMs);
    const stats = this.stats;
    stats.fills++;
    runtime.fills++;
    if (maker) {
      stats.makerFills++;
      runtime.makerFills++;
    } else {
      stats.takerFills++;
      runtime.takerFills++;
    }
    if (side === 1) runtime.boughtQuantity += quantity;
    else runtime.soldQuantity += quantity;
    const remaining = order === undefined ? 0 : order.quantity;
    if (this.instant) this.fillKnown(runtime, ts, order, remaining, fill, realized);
    else this.respond(new WireMessage(MSG_FILLED, runtime, order, remaining, fill), ts);
  }

  orderStatus(kind: number, runtime: InstrumentRuntime, order: SimOrder, ts: number): void {
    if (this.instant) this.statusKnown(kind, runtime, order);
    else this.respond(new WireMessage(kind, runtime, order, 0), ts);
  }

  /** Sends a response on the instrument's FIFO channel back to us. */
  private respond(message: WireMessage, ts: number): void {
    const runtime = message.runtime;
    const constant = this.responseConstant;
    let at = constant === constant ? ts + constant : ts + this.responseLatency.next();
    if (at < runtime.lastResponseMs) at = runtime.lastResponseMs;
    runtime.lastResponseMs = at;
    this.clock.messages.push(at, message);
  }

  /** A response reaching our side at `t` (from the clock's message queue). */
  receive(message: WireMessage, t: number): void {
    const runtime = message.runtime;
    if (message.kind === MSG_FILLED) {
      const fill = message.fill!;
      const realized = runtime.local.apply(fill.side, fill.price, fill.quantity, fill.fee);
      runtime.holding = runtime.account.position !== 0 || runtime.local.position !== 0;
      this.remark(runtime);
      this.fillKnown(runtime, t, message.order, message.quantity, fill, realized);
    } else this.statusKnown(message.kind, runtime, message.order!);
  }

  /** Our side learns of a fill: the order's remaining quantity, a 'touch' wake-up, the risk gate. */
  private fillKnown(
    runtime: InstrumentRuntime,
    t: number,
    order: SimOrder | undefined,
    remaining: number,
    fill: Fill,
    realized: number,
  ): void {
    if (order !== undefined) {
      order.knownQuantity = remaining;
      if (remaining === 0) {
        order.knownStatus = ORDER_DONE;
        if (!this.instant) runtime.known.remove(order);
        runtime.ordersChanged = true;
      } else if (!this.instant) runtime.ordersChanged = true;
    }
    // A 'touch' strategy hears of its fills at once (as of the notice, like its account).
    if (runtime.wakeOnTouch) this.clock.markDue(runtime, t);
    this.gate?.onFill(fill, realized);
  }

  private statusKnown(kind: number, runtime: InstrumentRuntime, order: SimOrder): void {
    if (kind === MSG_ACCEPTED) {
      order.knownStatus = ORDER_LIVE;
      if (!this.instant) runtime.known.add(order);
      runtime.ordersChanged = true;
    } else if (kind === MSG_REJECTED) {
      order.knownStatus = ORDER_DONE;
    } else if (kind === MSG_CANCELLED) {
      order.knownStatus = ORDER_DONE;
      if (!this.instant) runtime.known.remove(order);
      runtime.ordersChanged = true;
    }
  }

  // ── what a decision is taken on ───────────────────────────────────────────────────────────────────

  /** The view and account the instrument's decision is taken on, brought up to `t`. */
  prepareDecision(runtime: InstrumentRuntime, t: number): void {
    const market = runtime.observed;
    const view = runtime.view;
    const levels = this.depthLevels;
    view.asOfMs = market.lastEventMs;
    view.bid = market.bestBid();
    view.ask = market.bestAsk();
    view.bidSize = market.bestBidSize();
    view.askSize = market.bestAskSize();
    const mid = market.mid();
    view.mid = mid;
    view.lastTradePrice = market.lastTradePrice;
    view.lastTradeMs = market.lastTradeMs;
    const bidDepth = market.depth(1, levels);
    const askDepth = market.depth(-1, levels);
    view.bidDepth = bidDepth;
    view.askDepth = askDepth;
    view.imbalance = bidDepth + askDepth > 0 ? (bidDepth - askDepth) / (bidDepth + askDepth) : 0;
    if (this.regimes !== undefined) view.regime = this.regimes.at(t);
    const account = runtime.local;
    if (runtime.ordersChanged) {
      const open = account.openOrders;
      truncate(open, 0);
      const known = runtime.known;
      if (this.instant) {
        // The exchange's own order objects: their remaining quantity is what we know.
        for (let i = 0; i < known.bids.length; i++) open.push(known.bids[i]!);
        for (let i = 0; i < known.asks.length; i++) open.push(known.asks[i]!);
      } else {
        for (let i = 0; i < known.bids.length; i++) open.push(asKnown(known.bids[i]!));
        for (let i = 0; i < known.asks.length; i++) open.push(asKnown(known.asks[i]!));
      }
      runtime.ordersChanged = false;
    }
    account.markTo(mid);
  }

  /**
   * The risk gate's inputs for a decision on `runtime` at `t`: the portfolio's equity (all traded
   * instruments, one currency) from the strategy-side accounts marked to the observed mids; the trading
   * day is `tradingDayOf(t)` (default: the UTC date shifted by `dayStartOffsetMs`), and its start equity
   * and its peak are the equity at the first decision of the day, so daily limits start afresh each day.
   */
  riskInputsFor(runtime: InstrumentRuntime, t: number, mid: number): RiskInputs {
    const equity = this.equityObserved;
    // A new trading day resets the daily limits' references: its start equity and its peak.
    if (this.tradingDayOf !== undefined) {
      const label = this.tradingDayOf(t);
      if (label !== this.tradingDay) this.startDay(label, equity);
    } else {
      const day = Math.floor((t + this.dayOffsetMs) / DAY_MS);
      if (day !== this.day) {
        this.day = day;
        this.startDay(new Date(day * DAY_MS).toISOString().slice(0, 10), equity);
      }
    }
    if (equity > this.peakEquity) this.peakEquity = equity;
    const account = runtime.local;
    const mark = mid === mid ? mid : account.averagePrice;
    const inputs = this.riskInputs;
    inputs.nowMs = t;
    inputs.instrument = runtime.name;
    inputs.position = account.position;
    inputs.positionNotional = Math.abs(account.position) * mark * runtime.spec.multiplier;
    inputs.equity = equity;
    inputs.tradingDay = this.tradingDay;
    inputs.dayStartEquity = this.dayStartEquity;
    inputs.peakEquity = this.peakEquity;
    inputs.lastDataMs = runtime.observed.lastEventMs;
    return inputs;
  }

  private startDay(label: string, equity: number): void {
    this.tradingDay = label;
    this.dayStartEquity = equity;
    this.peakEquity = equity;
  }

  /** Each traded instrument's exchange-side account at the end, marked to its final mid. */
  results(): InstrumentResult[] {
    const instruments: InstrumentResult[] = [];
    for (const runtime of this.traded) {
      const account = runtime.account;
      const mid = runtime.exchange.mid();
      instruments.push({
        instrument: runtime.name,
        position: account.position,
        averagePrice: account.averagePrice,
        cash: account.cash,
        realizedPnl: account.realizedPnl,
        unrealizedPnl: account.unrealizedAt(mid),
        feesPaid: account.feesPaid,
        equity: runtime.equityAt(mid),
        finalMid: mid,
        fills: runtime.fills,
        makerFills: runtime.makerFills,
        takerFills: runtime.takerFills,
        boughtQuantity: runtime.boughtQuantity,
        soldQuantity: runtime.soldQuantity,
      });
    }
    return instruments;
  }
}

/** What the strategy knows of an order (with response latency: the last response's remaining quantity). */
function asKnown(order: SimOrder): OpenOrder {
  return {
    id: order.id,
    side: order.side,
    price: order.price,
    quantity: order.knownQuantity,
    placedMs: order.placedMs,
  };
}
