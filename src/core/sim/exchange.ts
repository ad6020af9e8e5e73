/**
 * The simulated exchange: it applies market events to the exchange-side market state of each instrument,
 * matches our resting orders against them through the fill model, and takes our requests as they arrive
 * (after the order latency): new orders (post-only check, then resting in price-time priority), cancels,
 * market orders. What it does to our orders it reports to the account side (`ExchangeListener`), which
 * books executions and sends the responses back (response latency, accounts.ts).
 *
 * A market order executes when it reaches the exchange: against the best opposite price for the displayed
 * size, then the depth book's next levels when there is one, and anything beyond what is visible at the
 * last visible price ± `marketSlippageTicks` ticks; on trade-only data at the last trade price ±
 * `marketSlippageTicks` ticks (default 1), for any size. It is booked as one taker fill at the
 * volume-weighted price.
 */
import { EVENT_BBO, EVENT_DEPTH, EVENT_TRADE } from '../market/events.ts';
import type { EventColumns } from '../market/events.ts';
import type { Side } from '../trading/types.ts';
import type { SimClock } from './clock.ts';
import type { RunStats } from './config.ts';
import type { FillModel, FillSink } from './fill-model.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { LatencyModel } from './latency.ts';
import { floorToLot, LOT_TOLERANCE, snapToLot } from './lots.ts';
import { MSG_ACCEPTED, MSG_CANCEL, MSG_CANCELLED, MSG_MARKET, MSG_PLACE, MSG_REJECTED } from './messages.ts';
import { WireMessage } from './messages.ts';
import { canonicalPrice, ORDER_DONE, ORDER_LIVE } from './orders.ts';
import type { SimOrder } from './orders.ts';

/** One of our orders (maker) or a market order (taker, `order` undefined) executed at `ts`. */
export interface ExchangeExecution {
  runtime: InstrumentRuntime;
  ts: number;
  order: SimOrder | undefined;
  orderId: number;
  side: Side;
  price: number;
  quantity: number;
  maker: boolean;
  /** What filled it (the fill model's note, or 'market'). */
  note: string;
  /** Our quoted spread when it filled (NaN when one-sided). */
  ourSpread: number;
}

/** What the exchange tells the account side, at the exchange's time. */
export interface ExchangeListener {
  executed(execution: ExchangeExecution): void;
  /** An order was accepted (MSG_ACCEPTED), rejected (MSG_REJECTED) or cancelled (MSG_CANCELLED) at `ts`. */
  orderStatus(kind: number, runtime: InstrumentRuntime, order: SimOrder, ts: number): void;
}

export interface ExchangeOptions {
  fillModel: FillModel;
  orderLatency: LatencyModel;
  postOnly: boolean;
  slippageTicks: number;
  /**
   * The strategy reads the exchange's market state (no feed latency): each trade printed is also one it
   * observed, with the mid just before it.
   */
  tapeIsObserved: boolean;
}

export class SimExchange implements FillSink {
  private readonly fillModel: FillModel;
  private readonly orderLatency: LatencyModel;
  /** The order latency when constant, else NaN. */
  private readonly orderConstant: number;
  private readonly postOnly: boolean;
  private readonly slippageTicks: number;
  private readonly tapeIsObserved: boolean;
  private readonly clock: SimClock;
  private readonly stats: RunStats;
  private readonly runtimes: readonly InstrumentRuntime[];
  private readonly listener: ExchangeListener;
  private nextOrderId = 0;
  /** The exchange's time: that of the event or message being handled. */
  private now = NaN;

  constructor(
    options: ExchangeOptions,
    clock: SimClock,
    stats: RunStats,
    runtimes: readonly InstrumentRuntime[],
    listener: ExchangeListener,
  ) {
    this.fillModel = options.fillModel;
    this.orderLatency = options.orderLatency;
    this.orderConstant = options.orderLatency.constantMs ?? NaN;
    this.postOnly = options.postOnly;
    this.slippageTicks = options.slippageTicks;
    this.tapeIsObserved = options.tapeIsObserved;
    this.clock = clock;
    this.stats = stats;
    this.runtimes = runtimes;
    this.listener = listener;
  }

  newOrderId(): number {
    return ++this.nextOrderId;
  }

  /** Market event `i` of `runtime`'s instrument: our resting orders are matched first, then the book moves. */
  applyEvent(runtime: InstrumentRuntime, events: EventColumns, i: number, ts: number): void {
    this.now = ts;
    const market = runtime.exchange;
    const live = runtime.live;
    const kind = events.kind[i];
    if (kind === EVENT_TRADE) {
      const price = events.price[i]!;
      const size = events.size[i]!;
      const aggressor = events.side[i]!;
      if (live.count > 0) {
        this.fillModel.onTrade(live, market, price, size, aggressor, this);
        if (runtime.needsCompact) compact(runtime);
      }
      if (this.tapeIsObserved && runtime.traded) runtime.trades.add(ts, price, size, aggressor, market.mid());
      market.applyTrade(ts, price);
    } else if (kind === EVENT_BBO) {
      const bid = events.price[i]!;
      const bidSize = events.size[i]!;
      const ask = events.price2[i]!;
      const askSize = events.size2[i]!;
      if (live.count > 0) {
        this.fillModel.onBbo(live, market, bid, bidSize, ask, askSize, this);
        if (runtime.needsCompact) compact(runtime);
      }
      market.applyBbo(ts, bid, bidSize, ask, askSize);
    } else if (kind === EVENT_DEPTH) {
      const side = events.side[i]!;
      const price = events.price[i]!;
      const size = events.size[i]!;
      if (live.count > 0) {
        this.fillModel.onDepth(live, market, side, price, size, this);
        if (runtime.needsCompact) compact(runtime);
      }
      market.applyDepth(ts, side, price, size, events.flags[i]!);
    }
  }

  /** FillSink: a fill model fills one of our resting orders at its price. */
  fill(order: SimOrder, quantity: number, note: string): void {
    const runtime = this.runtimes[order.instrument]!;
    const lot = runtime.spec.lotSize;
    // Fills are whole lots (lots.ts): what covers the order to within float residue fills all of it; a
    // partial fill is rounded down to the grid, and less than a lot (residue such as 8.88e-16) is no fill.
    let remaining: number;
    if (quantity >= order.quantity - lot * LOT_TOLERANCE) {
      quantity = order.quantity;
      remaining = 0;
    } else {
      quantity = floorToLot(quantity, lot);
      if (quantity <= 0) return;
      remaining = snapToLot(order.quantity - quantity, lot);
      if (remaining <= 0) {
        quantity = order.quantity;
        remaining = 0;
      }
    }
    const ourSpread = runtime.live.bestAsk() - runtime.live.bestBid();
    order.quantity = remaining;
    if (remaining === 0) {
      order.status = ORDER_DONE;
      runtime.needsCompact = true;
    }
    this.listener.executed({
      runtime,
      ts: this.now,
      order,
      orderId: order.id,
      side: order.side,
      price: order.price,
      quantity,
      maker: true,
      note,
      ourSpread,
    });
  }

  // ── our requests: sent now, handled when they arrive ─────────────────────────────────────────────

  /** When a request sent now reaches the exchange (FIFO per instrument). */
  private arrivalOf(runtime: InstrumentRuntime, t: number): number {
    const constant = this.orderConstant;
    let at = constant === constant ? t + constant : t + this.orderLatency.next();
    if (at < runtime.lastArrivalMs) at = runtime.lastArrivalMs;
    runtime.lastArrivalMs = at;
    return at;
  }

  submit(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    this.stats.ordersSent++;
    const at = this.arrivalOf(runtime, t);
    // Arriving now: every market event stamped ≤ t is already applied, so acting at once keeps the order.
    if (at <= t) this.arrive(runtime, order, t);
    else this.clock.messages.push(at, new WireMessage(MSG_PLACE, runtime, order, 0));
  }

  requestCancel(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    order.cancelRequested = true;
    this.stats.ordersCancelled++;
    const at = this.arrivalOf(runtime, t);
    if (at <= t) this.cancelArrives(runtime, order, t);
    else this.clock.messages.push(at, new WireMessage(MSG_CANCEL, runtime, order, 0));
  }

  submitMarket(runtime: InstrumentRuntime, signedQuantity: number, t: number): void {
    this.stats.marketOrders++;
    const at = this.arrivalOf(runtime, t);
    if (at <= t) this.executeMarket(runtime, signedQuantity, t);
    else this.clock.messages.push(at, new WireMessage(MSG_MARKET, runtime, undefined, signedQuantity));
  }

  /** A request reaching the exchange at `t` (from the clock's message queue). */
  receive(message: WireMessage, t: number): void {
    const runtime = message.runtime;
    if (message.kind === MSG_PLACE) this.arrive(runtime, message.order!, t);
    else if (message.kind === MSG_CANCEL) this.cancelArrives(runtime, message.order!, t);
    else this.executeMarket(runtime, message.quantity, t);
  }

  private arrive(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    if (this.postOnly) {
      const market = runtime.exchange;
      if (order.side === 1 ? order.price >= market.bestAsk() : order.price <= market.bestBid()) {
        order.status = ORDER_DONE;
        this.stats.rejectedPostOnly++;
        this.listener.orderStatus(MSG_REJECTED, runtime, order, t);
        return;
      }
    }
    order.status = ORDER_LIVE;
    order.placedMs = t;
    this.fillModel.onArrive(order, runtime.exchange);
    runtime.live.add(order);
    this.listener.orderStatus(MSG_ACCEPTED, runtime, order, t);
  }

  private cancelArrives(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    if (order.status === ORDER_LIVE) {
      runtime.live.remove(order);
      order.status = ORDER_DONE;
      this.listener.orderStatus(MSG_CANCELLED, runtime, order, t);
    } else {
      // Already filled (or rejected) before the cancel got there: the responses already sent say so.
      this.stats.cancelsTooLate++;
    }
  }

  private executeMarket(runtime: InstrumentRuntime, signedQuantity: number, t: number): void {
    const side: Side = signedQuantity > 0 ? 1 : -1;
    const quantity = Math.abs(signedQuantity);
    const market = runtime.exchange;
    const spec = runtime.spec;
    const best = side === 1 ? market.bestAsk() : market.bestBid();
    let price: number;
    if (best === best) {
      let remaining = quantity;
      let cost = 0;
      let last = best;
      const top = side === 1 ? market.bestAskSize() : market.bestBidSize();
      const first = top > 0 ? Math.min(remaining, top) : 0;
      cost += first * best;
      remaining -= first;
      if (remaining > 0 && market.book !== undefined) {
        const book = market.book.side(-side);
        for (let k = 0; k < book.levelCount && remaining > 0; k++) {
          const levelPrice = book.priceAt(k);
          // Levels at or better than the BBO's best are the depth book lagging the BBO: skip them.
          if (side === 1 ? levelPrice <= best : levelPrice >= best) continue;
          const take = Math.min(remaining, book.qtyAtLevel(k));
          cost += take * levelPrice;
          remaining -= take;
          last = levelPrice;
        }
      }
      if (remaining > 0) cost += remaining * slipped(spec.tickSize, last, side, this.slippageTicks);
      price = cost / quantity;
    } else if (market.lastTradePrice === market.lastTradePrice) {
      price = slipped(spec.tickSize, market.lastTradePrice, side, this.slippageTicks);
    } else {
      this.stats.rejectedNoPrice++;
      return;
    }
    const ourSpread = runtime.live.bestAsk() - runtime.live.bestBid();
    this.listener.executed({
      runtime,
      ts: t,
      order: undefined,
      orderId: this.newOrderId(),
      side,
      price,
      quantity,
      maker: false,
      note: 'market',
      ourSpread,
    });
  }
}

/** Drops the completely filled orders from the instrument's live orders. */
function compact(runtime: InstrumentRuntime): void {
  runtime.live.compact();
  runtime.needsCompact = false;
}

/** `price` moved `ticks` ticks against the taker (up for a buy, down for a sell), never below one tick. */
function slipped(tickSize: (price: number) => number, price: number, side: Side, ticks: number): number {
  let p = price;
  for (let k = 0; k < ticks; k++) {
    // The tick below a price is the tick of the grid just under it (KRX: 10.00 − 1 tick = 9.99).
    p = canonicalPrice(side === 1 ? p + tickSize(p) : p - tickSize(p - 1e-9));
  }
  if (p <= 0) p = canonicalPrice(tickSize(0));
  return p;
}
