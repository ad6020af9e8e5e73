/**
 * The backtesting engine: one deterministic, event-driven loop over columnar events (EventColumns), meant
 * to serve backtests, tuning trials, the RL environment and the paper broker. Today it runs over a
 * complete event table (`runBacktest`); feeding it incrementally (live) is not built yet.
 *
 * Time and ordering. Everything that happens is an item with a time: a market event reaching the exchange
 * (its timestamp), one of our messages reaching the exchange (sent time + order latency), a strategy
 * wake-up (event timestamp + feed latency, or a timer tick). Items run in time order; at equal times,
 * market events first, then our arriving messages (in the order they were sent), then wake-ups. Hence:
 *   - an order arriving at T rests behind every market event stamped ≤ T: it can only be filled by events
 *     stamped after T, and it joins the queue as the book stands after them;
 *   - a cancel arriving at T still lets events stamped ≤ T fill the order (a cancel in flight can fill);
 *   - a wake-up at T sees every event stamped ≤ T − feed latency and nothing later (no look-ahead: the
 *     strategy's MarketView is built from a separate market state fed only by observed events); with a
 *     drawn feed latency, every event whose delivery time (its stamp + its draw, kept FIFO) is ≤ T.
 * Feed and order latency are constants or per-message draws (latency.ts); both channels are FIFO, so a
 * message never overtakes one sent before it. With zero feed latency the exchange's market state is the
 * strategy's too (one book, not two). Our own fills and order acknowledgements reach the strategy without
 * delay (the account it sees is the exchange's state at decision time).
 *
 * Wake-ups. A strategy with `refresh.onEvents: true` is called once per observation time at which events of
 * its instrument became visible ('touch': only those at which the observed best bid, best ask or mid
 * changed, and at the time of each of its fills) (events sharing a timestamp — e.g. the levels of one depth message — give
 * one call, after all of them); with `refresh.intervalMs` also on a grid of multiples of the interval
 * (epoch-aligned), starting after its instrument's first observed event; both rules together give the
 * union of those times (one call when they coincide). A strategy with `refresh.nextWakeMs` (its own calendar,
 * e.g. bar closes inside sessions) is woken at the times it names instead of the interval grid: armed at its
 * first observed event, re-armed after each such wake-up, and re-armed by the next observed event once it
 * answered Infinity. Instruments wake in the order they became due.
 *
 * Orders. A decision's quotes are diffed against the orders the strategy still has (sent, not cancelled):
 * an order whose side and price match a quote, and whose original or remaining quantity equals the
 * quote's, is kept (it keeps its queue place, also after a partial fill); every other order is cancelled
 * and every unmatched quote is sent as a new order (so a fully filled quote is re-sent if still wanted).
 * Quotes are post-only by default (see BacktestConfig.postOnly). Prices are canonicalised (orders.ts).
 * A market order executes when it reaches the exchange: against the best opposite price for the displayed
 * size, then the depth book's next levels when there is one, and anything beyond what is visible at the
 * last visible price ± `marketSlippageTicks` ticks; on trade-only data at the last trade price ±
 * `marketSlippageTicks` ticks (default 1), for any size. It is booked as one taker fill at the
 * volume-weighted price.
 *
 * Risk gate. Every decision is reviewed before anything is sent. 'halt' cancels all quotes and drops the
 * market order; 'reduce-only' keeps only quotes on the side that shrinks |position| (quantity capped at
 * |position|) and a market order only if it shrinks |position| (capped likewise); with no position nothing
 * is kept. The gate hears about every fill (with the PnL it realised) and about the orders each decision
 * sent (new quotes and market orders). Its equity inputs are the portfolio's (all traded instruments, one
 * currency) marked to the strategy's observed mids; the trading day is `tradingDayOf(t)` (default: the UTC
 * date shifted by `dayStartOffsetMs`), and its start equity and its peak are the equity at the first
 * decision of the day, so the daily loss and drawdown limits start afresh each day.
 *
 * Outputs. Fills and the extended trade log (one entry per fill: our quoted spread before the fill, the
 * strategy's `diagnostics.volatility` if it ever gave one else the engine's per-second EWMA σ, the regime
 * at the fill, imbalance and mid of the exchange-side market just before the event that filled us), and
 * `profitable` once `profitHorizonMs` has passed: side × (mid then − fill price) × quantity × multiplier −
 * fee > 0, with the mid as it stands just before that instant; fills whose horizon ends after the data
 * keep it undefined. One SnapshotRecord per whole second per snapshot instrument, stamped at the end of the
 * second (exclusive) with the state just before that instant, from the first event's second to the last's.
 */
import { EVENT_BBO, EVENT_DEPTH, EVENT_TRADE } from '../market/events.ts';
import { GrowingEventColumns } from '../market/events.ts';
import type { EventColumns } from '../market/events.ts';
import type { BacktestConfig, BacktestResult, InstrumentResult, RunStats } from './config.ts';
import { feeOf, resolveFees } from '../market/fees.ts';
import type { FillModel, FillSink } from './fill-model.ts';
import { InstrumentRuntime } from './instrument-runtime.ts';
import { toLatencyModel } from './latency.ts';
import type { LatencyModel } from './latency.ts';
import { floorToLot, LOT_TOLERANCE, snapToLot } from './lots.ts';
import { canonicalPrice, ORDER_DONE, ORDER_LIVE, SimOrder, truncate } from './orders.ts';
import { Recorder } from './recorder.ts';
import { TimeQueue } from './time-queue.ts';
import { tradeThrough } from './trade-through.ts';
import type { Decision, QuoteIntent, RegimeSeries, RiskGate, RiskInputs, Side } from '../trading/types.ts';

/** What `advance` stopped at. */
export const STEP_BUDGET = 0;
export const STEP_DONE = 1;
export const STEP_DECISION = 2;
export const STEP_WAITING = 3;
export type StepOutcome = typeof STEP_BUDGET | typeof STEP_DONE | typeof STEP_DECISION | typeof STEP_WAITING;

/** Progress is reported every 2^20 events (a mask test on the hot path, nothing more). */
const PROGRESS_MASK = (1 << 20) - 1;

const ACTION_PLACE = 0;
const ACTION_CANCEL = 1;
const ACTION_MARKET = 2;

/** One of our messages on its way to the exchange. */
class PendingAction {
  readonly kind: number;
  readonly runtime: InstrumentRuntime;
  readonly order: SimOrder | undefined;
  /** Signed quantity of a market order. */
  readonly quantity: number;

  constructor(kind: number, runtime: InstrumentRuntime, order: SimOrder | undefined, quantity: number) {
    this.kind = kind;
    this.runtime = runtime;
    this.order = order;
    this.quantity = quantity;
  }
}

const DAY_MS = 86_400_000;
const NO_QUOTES: readonly QuoteIntent[] = [];

export class Backtest implements FillSink {
  /** The event table: complete (a backtest), or growing as events are pushed (a driver fed a stream). */
  private events: EventColumns;
  /** Whether more events may still be pushed: until then the loop stops where the events end. */
  private closed: boolean;
  private readonly config: BacktestConfig;
  private readonly halfLife: number;
  private readonly snapshotChoice: NonNullable<BacktestConfig['snapshots']>;
  private readonly snapshotNames: ReadonlySet<string> | undefined;
  private started = false;
  /** Whether the caller takes the decisions (a stepping driver) instead of each instrument's strategy. */
  private readonly callerDecides: boolean;
  /** Instruments due for a decision now, taken one by one at the top of the loop (see `wake`). */
  private readonly due: InstrumentRuntime[] = [];
  private dueHead = 0;
  private dueCount = 0;
  private dueMs = NaN;
  /** The instrument whose decision the caller is to hand in (stepping driver). */
  private awaiting: InstrumentRuntime | undefined;
  private readonly runtimes: InstrumentRuntime[] = [];
  private readonly traded: InstrumentRuntime[] = [];
  /** Instruments whose σ is tracked each second (traded or snapshotted). */
  private readonly tracked: InstrumentRuntime[] = [];
  /**
   * The portfolio's equity marked to exchange-side and to observed mids, and its gross position, kept as
   * running sums: each instrument's contribution is re-marked when its mid moves while it holds a position,
   * or when it fills, so a decision or a second costs O(1), not O(instruments). Re-added exactly each
   * market hour so rounding cannot drift.
   */
  private equityExchange = 0;
  private equityObserved = 0;
  private grossPosition = 0;
  private secondsSinceResync = 0;
  private readonly snapshotted: InstrumentRuntime[] = [];
  private readonly fillModel: FillModel;
  private readonly feedLatency: LatencyModel;
  /** The feed latency when constant, else NaN. */
  private readonly feedConstant: number;
  private readonly orderLatency: LatencyModel;
  private readonly orderConstant: number;
  /** Zero feed latency: the strategy reads the exchange-side market state directly. */
  private readonly shared: boolean;
  private readonly gate: RiskGate | undefined;
  private readonly regimes: RegimeSeries | undefined;
  private readonly postOnly: boolean;
  private readonly slippageTicks: number;
  private readonly depthLevels: number;
  private readonly dayOffsetMs: number;
  private readonly tradingDayOf: ((ts: number) => string) | undefined;
  private endMs: number;

  private now = NaN;
  /** The next market event to apply (the loop's position, kept between slices of an interruptible run). */
  private cursor = 0;
  private nextOrderId = 0;
  private readonly actions = new TimeQueue<PendingAction>();
  private readonly timers = new TimeQueue<InstrumentRuntime>();
  /** Instruments due for a decision at `pendingWakeMs`, in the order they became due. */
  private readonly dirty: InstrumentRuntime[] = [];
  /** Entries of `dirty` in use (the array is reused, never shrunk: no allocation per wake-up). */
  private dirtyCount = 0;
  /** When the dirty instruments are due (Infinity when none are). */
  private pendingWakeMs = Infinity;
  /** Observation cursor (feed latency > 0 only): the next event the strategy will see, and when. */
  private observeCursor = 0;
  private nextObserveMs = Infinity;
  private lastObserveMs = -Infinity;

  private nextSnapshotMs = Infinity;
  private readonly snapshotWhen?: (endMs: number) => boolean;
  private readonly onProgress?: (processed: number, total: number) => void;
  private nextHousekeepingMs = Infinity;

  private scratchPrices = new Float64Array(16);
  private scratchMatched = new Uint8Array(16);
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

  private readonly recorder: Recorder;
  private readonly stats: RunStats;

  /**
   * `events`: the whole table (a backtest: the run ends at its last event), or undefined to push events
   * in with `push` and `close`. `callerDecides`: the loop stops at each decision point for the caller to
   * hand the decision in (`decide`), instead of calling the instrument's strategy.
   */
  constructor(events: EventColumns | undefined, config: BacktestConfig, callerDecides = false) {
    this.config = config;
    this.callerDecides = callerDecides;
    this.events = events ?? new GrowingEventColumns();
    this.closed = events !== undefined;
    this.fillModel = config.fillModel ?? tradeThrough();
    this.feedLatency = toLatencyModel(config.feedLatency);
    this.feedConstant = this.feedLatency.constantMs ?? NaN;
    this.orderLatency = toLatencyModel(config.orderLatency);
    this.orderConstant = this.orderLatency.constantMs ?? NaN;
    this.shared = this.feedConstant === 0;
    this.gate = config.riskGate;
    this.regimes = config.regimes;
    this.postOnly = config.postOnly ?? true;
    this.slippageTicks = config.marketSlippageTicks ?? 1;
    this.depthLevels = config.depthLevels ?? 5;
    this.recorder = new Recorder({
      horizonMs: config.profitHorizonMs ?? 60_000,
      depthLevels: this.depthLevels,
      regimes: this.regimes,
    });
    this.dayOffsetMs = config.dayStartOffsetMs ?? 0;
    this.tradingDayOf = config.tradingDayOf;
    this.snapshotWhen = config.snapshotWhen;
    this.onProgress = config.onProgress;
    this.snapshotChoice = config.snapshots ?? 'traded';
    this.snapshotNames = Array.isArray(this.snapshotChoice)
      ? new Set<string>(this.snapshotChoice)
      : undefined;
    this.halfLife = config.volatilityHalfLifeSeconds ?? 60;
    // A stream's end is known when it is closed; until then nothing is scheduled past any time.
    this.endMs = this.closed ? this.lastEventMs() : Infinity;
    this.stats = {
      events: 0,
      startMs: NaN,
      endMs: this.endMs,
      strategyCalls: 0,
      ordersSent: 0,
      ordersCancelled: 0,
      cancelsTooLate: 0,
      marketOrders: 0,
      rejectedPostOnly: 0,
      rejectedInvalid: 0,
      rejectedNoPrice: 0,
      fills: 0,
      makerFills: 0,
      takerFills: 0,
      riskHalts: 0,
      riskReduceOnly: 0,
      snapshots: 0,
    };
    this.registerInstruments();
    this.start();
  }

  private lastEventMs(): number {
    const n = this.events.length;
    return this.config.endMs ?? (n > 0 ? this.events.ts[n - 1]! : -Infinity);
  }

  /** Runtimes for the table's instruments not seen yet (all at once for a backtest; as they appear in a stream). */
  private registerInstruments(): void {
    const names = this.events.instruments;
    const config = this.config;
    for (let id = this.runtimes.length; id < names.length; id++) {
      const spec = config.instrument(names[id]!);
      const strategy = config.strategy(spec);
      const runtime = new InstrumentRuntime(
        id,
        spec,
        strategy,
        resolveFees(config.fees, spec),
        this.shared,
        config.initialCash ?? 0,
        this.halfLife,
      );
      this.runtimes.push(runtime);
      if (runtime.traded) {
        this.traded.push(runtime);
        runtime.markedExchange = runtime.markedObserved = runtime.account.cash;
        this.equityExchange += runtime.markedExchange;
        this.equityObserved += runtime.markedObserved;
      }
      const choice = this.snapshotChoice;
      const snap =
        this.snapshotNames !== undefined
          ? this.snapshotNames.has(runtime.name)
          : choice === 'all' || (choice === 'traded' && runtime.traded);
      if (snap) this.snapshotted.push(runtime);
      if (snap || runtime.traded) this.tracked.push(runtime);
    }
  }

  /** The clock starts at the first event: the first second's end, the feed's first observation. */
  private start(): void {
    if (this.started || this.events.length === 0) return;
    this.started = true;
    const startMs = this.events.ts[0]!;
    this.stats.startMs = startMs;
    this.nextSnapshotMs = (Math.floor(startMs / 1000) + 1) * 1000;
    this.nextHousekeepingMs = this.nextSnapshotMs;
    if (!this.shared) this.scheduleObservation();
  }

  /** Appends events (a stream): new instruments join the run; the loop goes on where they begin. */
  push(chunk: EventColumns): void {
    if (this.closed) throw new Error('the event stream is closed: no more events can be pushed');
    (this.events as GrowingEventColumns).append(chunk);
    this.registerInstruments();
    if (!this.started) this.start();
    // The feed waited at the end of the events: the next one can now be scheduled.
    else if (!this.shared && this.nextObserveMs === Infinity && this.observeCursor < this.events.length)
      this.scheduleObservation();
  }

  /** No more events: the run ends at the last one (or `config.endMs`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endMs = this.lastEventMs();
    this.stats.endMs = this.endMs;
  }

  run(): BacktestResult {
    this.advance(Infinity);
    return this.finish();
  }

  /**
   * Runs the loop until `limit` units of work (items plus strategy calls) are done (STEP_BUDGET), the run
   * has reached its end (STEP_DONE: then call finish), the caller is to take a decision (STEP_DECISION:
   * see `awaitingDecision`, then `decide`), or the pushed events have run out (STEP_WAITING: push more,
   * or close).
   */
  advance(limit: number): StepOutcome {
    const events = this.events;
    const n = events.length;
    const ts = events.ts;
    const actions = this.actions;
    const timers = this.timers;
    const endMs = this.endMs;
    const shared = this.shared;
    let e = this.cursor;
    let outcome: StepOutcome = STEP_BUDGET;
    const stats = this.stats;
    const budget = limit + stats.strategyCalls;
    for (let items = 0; items + stats.strategyCalls < budget; items++) {
      // The caller's decisions due now come first, in the order their instruments became due.
      if (this.dueHead < this.dueCount) {
        this.awaitNext();
        outcome = STEP_DECISION;
        break;
      }
      // A stream that is not closed may still bring events at or before anything else that is due.
      if (e >= n && !this.closed) {
        outcome = STEP_WAITING;
        break;
      }
      const te = e < n ? ts[e]! : Infinity;
      const ta = actions.peekTime();
      let tw = this.pendingWakeMs;
      if (!shared && this.nextObserveMs < tw) tw = this.nextObserveMs;
      const tt = timers.peekTime();
      if (tt < tw) tw = tt;
      let t = te < ta ? te : ta;
      if (tw < t) t = tw;
      if (!(t <= endMs)) {
        outcome = STEP_DONE;
        break;
      }
      if (t >= this.nextHousekeepingMs) this.housekeeping(t);
      if (te === t) {
        this.exchangeEvent(e++);
        if ((e & PROGRESS_MASK) === 0 && this.onProgress !== undefined) this.onProgress(e, n);
        // Without feed latency the wake-up for this event usually comes next: take it now when nothing
        // else is due at t (the same order the loop would choose, without another pass).
        // (In an open stream the next event may still be stamped t: then the loop waits for it first.)
        if (
          this.pendingWakeMs === t &&
          (e < n ? ts[e]! > t : this.closed) &&
          actions.peekTime() > t &&
          timers.peekTime() > t
        )
          this.wake(t);
      } else if (ta === t) this.arriveAction(t);
      else this.wake(t);
    }
    this.cursor = e;
    if (outcome === STEP_DONE) {
      this.stats.events = e;
      this.onProgress?.(e, n);
    }
    return outcome;
  }

  /** The instrument the caller is to decide for, its view and account, and the time (stepping driver). */
  awaitingDecision(): { runtime: InstrumentRuntime; nowMs: number } | undefined {
    return this.awaiting === undefined ? undefined : { runtime: this.awaiting, nowMs: this.dueMs };
  }

  /** The caller's decision for the awaited instrument, applied as the strategy's would be. */
  decide(decision: Decision): void {
    const runtime = this.awaiting;
    if (runtime === undefined) throw new Error('no decision is awaited: advance to a decision point first');
    this.awaiting = undefined;
    this.applyDecision(runtime, this.dueMs, decision);
  }

  /** Prepares the next due decision for the caller, who hands it in with `decide` (stepping driver). */
  private awaitNext(): void {
    const runtime = this.due[this.dueHead++]!;
    if (this.dueHead === this.dueCount) this.dueHead = this.dueCount = 0;
    runtime.dirty = false;
    this.now = this.dueMs;
    this.prepareDecision(runtime, this.dueMs);
    this.awaiting = runtime;
  }

  // ── the exchange side ────────────────────────────────────────────────────────────────────────────

  private exchangeEvent(i: number): void {
    const events = this.events;
    const runtime = this.runtimes[events.instrument[i]!]!;
    const ts = events.ts[i]!;
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
        if (runtime.needsCompact) this.compact(runtime);
      }
      if (this.shared && runtime.traded) runtime.trades.add(ts, price, size, aggressor, market.mid());
      market.applyTrade(ts, price);
    } else if (kind === EVENT_BBO) {
      const bid = events.price[i]!;
      const bidSize = events.size[i]!;
      const ask = events.price2[i]!;
      const askSize = events.size2[i]!;
      if (live.count > 0) {
        this.fillModel.onBbo(live, market, bid, bidSize, ask, askSize, this);
        if (runtime.needsCompact) this.compact(runtime);
      }
      market.applyBbo(ts, bid, bidSize, ask, askSize);
    } else if (kind === EVENT_DEPTH) {
      const side = events.side[i]!;
      const price = events.price[i]!;
      const size = events.size[i]!;
      if (live.count > 0) {
        this.fillModel.onDepth(live, market, side, price, size, this);
        if (runtime.needsCompact) this.compact(runtime);
      }
      market.applyDepth(ts, side, price, size, events.flags[i]!);
    }
    if (runtime.traded && runtime.account.position !== 0) this.remark(runtime);
    if (this.shared && runtime.traded) this.observed(runtime, ts);
  }

  /** Re-marks one traded instrument's contribution to the portfolio sums (see `equityExchange`). */
  private remark(runtime: InstrumentRuntime): void {
    const exchange = runtime.equityAt(runtime.exchange.mid());
    this.equityExchange += exchange - runtime.markedExchange;
    runtime.markedExchange = exchange;
    const observed = this.shared ? exchange : runtime.equityAt(runtime.observed.mid());
    this.equityObserved += observed - runtime.markedObserved;
    runtime.markedObserved = observed;
  }

  /** The sums added up afresh. */
  private resyncPortfolio(): void {
    let exchange = 0;
    let observed = 0;
    let gross = 0;
    for (const runtime of this.traded) {
      runtime.markedExchange = runtime.equityAt(runtime.exchange.mid());
      runtime.markedObserved = this.shared
        ? runtime.markedExchange
        : runtime.equityAt(runtime.observed.mid());
      exchange += runtime.markedExchange;
      observed += runtime.markedObserved;
      gross += Math.abs(runtime.account.position);
    }
    this.equityExchange = exchange;
    this.equityObserved = observed;
    this.grossPosition = gross;
  }

  private compact(runtime: InstrumentRuntime): void {
    runtime.live.compact();
    runtime.needsCompact = false;
    runtime.ordersChanged = true;
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
    this.record(runtime, order.id, order.side, order.price, quantity, true, note, ourSpread);
  }

  private arriveAction(t: number): void {
    const action = this.actions.pop()!;
    this.now = t;
    const runtime = action.runtime;
    if (action.kind === ACTION_PLACE) this.arrive(runtime, action.order!, t);
    else if (action.kind === ACTION_CANCEL) this.cancelArrives(runtime, action.order!);
    else this.executeMarket(runtime, action.quantity);
  }

  private arrive(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    if (this.postOnly) {
      const market = runtime.exchange;
      if (order.side === 1 ? order.price >= market.bestAsk() : order.price <= market.bestBid()) {
        order.status = ORDER_DONE;
        this.stats.rejectedPostOnly++;
        return;
      }
    }
    order.status = ORDER_LIVE;
    order.placedMs = t;
    this.fillModel.onArrive(order, runtime.exchange);
    runtime.live.add(order);
    runtime.ordersChanged = true;
  }

  private cancelArrives(runtime: InstrumentRuntime, order: SimOrder): void {
    if (order.status === ORDER_LIVE) {
      runtime.live.remove(order);
      order.status = ORDER_DONE;
      runtime.ordersChanged = true;
    } else {
      // Already filled (or rejected) before the cancel got there.
      this.stats.cancelsTooLate++;
    }
  }

  private executeMarket(runtime: InstrumentRuntime, signedQuantity: number): void {
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
    this.record(runtime, ++this.nextOrderId, side, price, quantity, false, 'market', ourSpread);
  }

  private record(
    runtime: InstrumentRuntime,
    orderId: number,
    side: Side,
    price: number,
    quantity: number,
    maker: boolean,
    note: string,
    ourSpread: number,
  ): void {
    const ts = this.now;
    const notional = price * quantity * runtime.spec.multiplier;
    const fee = feeOf(runtime.fees, maker, notional, quantity);
    const account = runtime.account;
    const before = Math.abs(account.position);
    const realized = account.apply(side, price, quantity, fee);
    this.grossPosition += Math.abs(account.position) - before;
    this.remark(runtime);
    const { fill, profitDueMs } = this.recorder.execution({
      runtime,
      ts,
      orderId,
      side,
      price,
      quantity,
      maker,
      notional,
      fee,
      realized,
      ourSpread,
      note,
    });
    // A 'touch' strategy hears of its fills at once (as of the fill, like its account).
    if (runtime.wakeOnTouch) this.markDirty(runtime, ts);
    if (profitDueMs < this.nextHousekeepingMs) this.nextHousekeepingMs = profitDueMs;
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
    this.gate?.onFill(fill, realized);
  }

  // ── the strategy side ────────────────────────────────────────────────────────────────────────────

  /** With feed latency: computes when the event at the observation cursor becomes visible. */
  private scheduleObservation(): void {
    const i = this.observeCursor;
    if (i >= this.events.length) {
      this.nextObserveMs = Infinity;
      return;
    }
    const ts = this.events.ts[i]!;
    const constant = this.feedConstant;
    let at = constant === constant ? ts + constant : ts + this.feedLatency.next();
    if (at < this.lastObserveMs) at = this.lastObserveMs; // FIFO feed
    this.lastObserveMs = at;
    this.nextObserveMs = at;
  }

  /** With feed latency: the strategy's market state takes in event `i`. */
  private observe(i: number, t: number): void {
    const events = this.events;
    const runtime = this.runtimes[events.instrument[i]!]!;
    if (!runtime.traded) return;
    const market = runtime.observed;
    const ts = events.ts[i]!;
    const kind = events.kind[i];
    if (kind === EVENT_TRADE) {
      const price = events.price[i]!;
      runtime.trades.add(ts, price, events.size[i]!, events.side[i]!, market.mid());
      market.applyTrade(ts, price);
    } else if (kind === EVENT_BBO) {
      market.applyBbo(ts, events.price[i]!, events.size[i]!, events.price2[i]!, events.size2[i]!);
    } else if (kind === EVENT_DEPTH) {
      market.applyDepth(ts, events.side[i]!, events.price[i]!, events.size[i]!, events.flags[i]!);
    }
    if (runtime.account.position !== 0) this.remark(runtime);
    this.observed(runtime, t);
  }

  /** An event of a traded instrument became visible at `t`. */
  private observed(runtime: InstrumentRuntime, t: number): void {
    if (!runtime.seen) {
      runtime.seen = true;
      const interval = runtime.intervalMs;
      if (interval > 0) {
        const first = (Math.floor(t / interval) + 1) * interval;
        if (first <= this.endMs) this.timers.push(first, runtime);
      }
    }
    if (runtime.nextWake !== undefined && !runtime.scheduled) this.schedule(runtime, t);
    if (runtime.wakeOnEvents || (runtime.wakeOnTouch && runtime.touchChanged())) this.markDirty(runtime, t);
  }

  /** Queues the strategy's next scheduled wake-up after `t`, if it has one before the end. */
  private schedule(runtime: InstrumentRuntime, t: number): void {
    const at = runtime.nextWake!(t);
    // Strictly later, or a schedule answering `t` again would wake the strategy forever at one instant.
    if (at > t && at <= this.endMs) {
      this.timers.push(at, runtime);
      runtime.scheduled = true;
    }
  }

  private markDirty(runtime: InstrumentRuntime, t: number): void {
    if (!runtime.dirty) {
      runtime.dirty = true;
      this.dirty[this.dirtyCount++] = runtime;
    }
    this.pendingWakeMs = t;
  }

  private wake(t: number): void {
    this.now = t;
    if (!this.shared) {
      while (this.nextObserveMs <= t) {
        this.observe(this.observeCursor++, t);
        this.scheduleObservation();
      }
    }
    const timers = this.timers;
    while (timers.peekTime() <= t) {
      const runtime = timers.pop()!;
      this.markDirty(runtime, t);
      if (runtime.nextWake !== undefined) {
        runtime.scheduled = false;
        this.schedule(runtime, t);
        continue;
      }
      const next = t + runtime.intervalMs;
      if (next <= this.endMs) timers.push(next, runtime);
    }
    // When the caller decides, the due instruments are decided one by one at the top of the loop, before
    // anything else, so the driver can stop at each. They stay marked dirty until then: one marked again
    // meanwhile is decided once, as when the strategies decide here.
    const dirty = this.dirty;
    const count = this.dirtyCount;
    this.dirtyCount = 0;
    this.pendingWakeMs = Infinity;
    if (this.callerDecides) {
      const due = this.due;
      for (let j = 0; j < count; j++) due[this.dueCount++] = dirty[j]!;
      this.dueMs = t;
      return;
    }
    // The strategies decide here and now, in the same order (the hot path of every backtest).
    for (let j = 0; j < count; j++) {
      const runtime = dirty[j]!;
      runtime.dirty = false;
      this.prepareDecision(runtime, t);
      this.applyDecision(runtime, t, runtime.strategy!.decide(runtime.view, runtime.account, t));
    }
  }

  /** The view and account the instrument's decision is taken on, brought up to `t`. */
  private prepareDecision(runtime: InstrumentRuntime, t: number): void {
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
    const account = runtime.account;
    if (runtime.ordersChanged) {
      const open = account.openOrders;
      truncate(open, 0);
      const live = runtime.live;
      for (let i = 0; i < live.bids.length; i++) open.push(live.bids[i]!);
      for (let i = 0; i < live.asks.length; i++) open.push(live.asks[i]!);
      runtime.ordersChanged = false;
    }
    account.markTo(mid);
  }

  /** A decision taken on the prepared view: the risk gate's review, then quotes and market orders sent. */
  private applyDecision(runtime: InstrumentRuntime, t: number, decision: Decision): void {
    const account = runtime.account;
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
      const verdict = gate.review(this.riskInputsFor(runtime, t, mid), decision);
      if (!verdict.allow) {
        if (verdict.mode === 'halt') {
          this.stats.riskHalts++;
          quotes = NO_QUOTES;
          marketOrder = 0;
        } else {
          this.stats.riskReduceOnly++;
          ({ quotes, marketOrder } = reduceOnly(decision, account.position));
        }
      }
    }
    let sent = this.applyQuotes(runtime, quotes, t);
    if (marketOrder !== 0 && Number.isFinite(marketOrder)) {
      this.sendMarket(runtime, marketOrder, t);
      sent++;
    }
    if (gate !== undefined && sent > 0) gate.onOrdersSent(sent, t);
  }

  private riskInputsFor(runtime: InstrumentRuntime, t: number, mid: number): RiskInputs {
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
    const account = runtime.account;
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
          order.status === ORDER_DONE ||
          quote.side !== order.side ||
          (quote.quantity !== order.originalQuantity && quote.quantity !== order.quantity) ||
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
      if (order.status === ORDER_DONE) continue; // filled or rejected: nothing to cancel
      let keep = false;
      for (let j = 0; j < count; j++) {
        if (matched[j] !== 0) continue;
        const quote = quotes[j]!;
        if (
          quote.side === order.side &&
          prices[j] === order.price &&
          (quote.quantity === order.originalQuantity || quote.quantity === order.quantity)
        ) {
          matched[j] = 1;
          keep = true;
          break;
        }
      }
      if (keep) working[kept++] = order;
      else this.cancel(runtime, order, t);
    }
    truncate(working, kept);
    let sent = 0;
    for (let j = 0; j < count; j++) {
      if (matched[j] !== 0) continue;
      const quote = quotes[j]!;
      this.place(runtime, quote.side, prices[j]!, quote.quantity, t);
      sent++;
    }
    return sent;
  }

  /** When a message sent now reaches the exchange (FIFO per instrument). */
  private arrivalOf(runtime: InstrumentRuntime, t: number): number {
    const constant = this.orderConstant;
    let at = constant === constant ? t + constant : t + this.orderLatency.next();
    if (at < runtime.lastArrivalMs) at = runtime.lastArrivalMs;
    runtime.lastArrivalMs = at;
    return at;
  }

  private place(runtime: InstrumentRuntime, side: Side, price: number, quantity: number, t: number): void {
    const order = new SimOrder(++this.nextOrderId, runtime.id, side, price, quantity, t);
    runtime.working.push(order);
    this.stats.ordersSent++;
    const at = this.arrivalOf(runtime, t);
    // Arriving now: every market event stamped ≤ t is already applied, so acting at once keeps the order.
    if (at <= t) this.arrive(runtime, order, t);
    else this.actions.push(at, new PendingAction(ACTION_PLACE, runtime, order, 0));
  }

  private cancel(runtime: InstrumentRuntime, order: SimOrder, t: number): void {
    order.cancelRequested = true;
    this.stats.ordersCancelled++;
    const at = this.arrivalOf(runtime, t);
    if (at <= t) this.cancelArrives(runtime, order);
    else this.actions.push(at, new PendingAction(ACTION_CANCEL, runtime, order, 0));
  }

  private sendMarket(runtime: InstrumentRuntime, signedQuantity: number, t: number): void {
    this.stats.marketOrders++;
    const at = this.arrivalOf(runtime, t);
    if (at <= t) this.executeMarket(runtime, signedQuantity);
    else this.actions.push(at, new PendingAction(ACTION_MARKET, runtime, undefined, signedQuantity));
  }

  // ── per-second records and the profitable label ─────────────────────────────────────────────────

  /** Emits what is due before `t`: snapshots of seconds ending at or before t, profitable labels due by t. */
  private housekeeping(t: number): void {
    while (this.nextSnapshotMs <= t) {
      this.second(this.nextSnapshotMs);
      this.nextSnapshotMs += 1000;
    }
    this.recorder.settleProfits(t);
    const due = this.recorder.nextProfitDueMs();
    this.nextHousekeepingMs = due < this.nextSnapshotMs ? due : this.nextSnapshotMs;
  }

  /** The end of one second (`end`, exclusive): σ for tracked instruments, snapshots. */
  private second(end: number): void {
    // Only market time counts: outside it (KRX nights and weekends) nothing is sampled or recorded.
    if (this.snapshotWhen !== undefined && !this.snapshotWhen(end)) return;
    const tracked = this.tracked;
    for (let i = 0; i < tracked.length; i++) {
      const runtime = tracked[i]!;
      // The engine's σ is what the records show for a strategy that reports none of its own.
      const own = runtime.strategyVolatility;
      if (own !== own) runtime.volatility.onSecond(runtime.exchange.mid());
    }
    if (++this.secondsSinceResync >= 3600) {
      this.secondsSinceResync = 0;
      this.resyncPortfolio();
    }
    this.stats.snapshots += this.recorder.second(
      end,
      this.equityExchange,
      this.grossPosition,
      this.snapshotted,
    );
  }

  finish(): BacktestResult {
    const endMs = this.endMs;
    if (this.events.length > 0 && Number.isFinite(endMs)) {
      this.now = endMs;
      const lastEnd = (Math.floor(endMs / 1000) + 1) * 1000;
      while (this.nextSnapshotMs <= lastEnd) {
        this.second(this.nextSnapshotMs);
        this.nextSnapshotMs += 1000;
      }
      this.recorder.settleProfits(endMs);
    }
    const instruments: InstrumentResult[] = [];
    const totals = { equity: 0, cash: 0, realizedPnl: 0, unrealizedPnl: 0, feesPaid: 0 };
    for (const runtime of this.traded) {
      const account = runtime.account;
      const mid = runtime.exchange.mid();
      const result: InstrumentResult = {
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
      };
      instruments.push(result);
      totals.equity += result.equity;
      totals.cash += result.cash;
      totals.realizedPnl += result.realizedPnl;
      totals.unrealizedPnl += result.unrealizedPnl;
      totals.feesPaid += result.feesPaid;
    }
    return {
      fills: this.recorder.fills,
      tradeLog: this.recorder.tradeLog,
      snapshots: this.recorder.snapshots,
      portfolio: this.recorder.portfolio(),
      instruments,
      totals,
      stats: this.stats,
    };
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
