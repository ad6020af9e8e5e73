/**
 * The engine's loop: one deterministic, event-driven run over columnar events (EventColumns) — a complete
 * table (a backtest) or one pushed in as it arrives (driver.ts) — for backtests, tuning trials, the RL
 * environment and the paper broker. Its parts, each in its own module:
 *   - the exchange (exchange.ts): matching through the fill model, post-only, market orders;
 *   - the clock (clock.ts): our messages on the wire both ways, timers, the instruments due now;
 *   - the strategy's feed (feed.ts): what it observes, when, and the wake-ups that arms;
 *   - the account side (accounts.ts): accounts, the portfolio sums, the risk gate's inputs, the view and
 *     account a decision is taken on; order-manager.ts turns a decision into messages;
 *   - the recorder (recorder.ts): fills, the trade log, per-second snapshots, profit labels.
 *
 * Time and ordering. Everything that happens is an item with a time: a market event reaching the exchange
 * (its timestamp), one of our messages reaching the exchange (sent time + order latency) or a response
 * reaching us (exchange time + response latency), a strategy wake-up (event timestamp + feed latency, or
 * a timer tick). Items run in time order; at equal times, market events first, then messages (in the order
 * they were sent), then wake-ups. Hence:
 *   - an order arriving at T rests behind every market event stamped ≤ T: it can only be filled by events
 *     stamped after T, and it joins the queue as the book stands after them;
 *   - a cancel arriving at T still lets events stamped ≤ T fill the order (a cancel in flight can fill);
 *   - a wake-up at T sees every event stamped ≤ T − feed latency and nothing later (no look-ahead: the
 *     strategy's MarketView is built from a separate market state fed only by observed events); with a
 *     drawn feed latency, every event whose delivery time (its stamp + its draw, kept FIFO) is ≤ T;
 *   - with response latency, a wake-up at T sees the fills, acceptances and cancels whose responses
 *     reached us by T: its account, open orders and the risk gate lag the exchange by that much (the
 *     records and results are the exchange's, booked when things happen).
 * Feed, order and response latency are constants or per-message draws (latency.ts); every channel is FIFO,
 * so a message never overtakes one sent before it. With zero feed latency the exchange's market state is
 * the strategy's too (one book, not two); with zero response latency, so is the account.
 *
 * Wake-ups. A strategy with `refresh.onEvents: true` is called once per observation time at which events of
 * its instrument became visible ('touch': only those at which the observed best bid, best ask or mid
 * changed, and at the time we learn of each of its fills) (events sharing a timestamp — e.g. the levels
 * of one depth message — give one call, after all of them); with `refresh.intervalMs` also on a grid of
 * multiples of the interval (epoch-aligned), starting after its instrument's first observed event; both
 * rules together give the union of those times (one call when they coincide). A strategy with
 * `refresh.nextWakeMs` (its own calendar, e.g. bar closes inside sessions) is woken at the times it names
 * instead of the interval grid (feed.ts). Instruments wake in the order they became due. When the caller
 * decides (a stepping driver), the loop stops at each due instrument for the decision to be handed in.
 *
 * Orders and the risk gate: order-manager.ts (its inputs and trading days: accounts.ts). Market orders:
 * exchange.ts. Quotes are post-only by default (see BacktestConfig.postOnly).
 *
 * Outputs: recorder.ts (fills, the extended trade log, `profitable`, 1 s snapshots, the portfolio path).
 */
import { GrowingEventColumns } from '../market/events.ts';
import type { EventColumns } from '../market/events.ts';
import type { Decision } from '../trading/types.ts';
import { AccountBook } from './accounts.ts';
import { SimClock } from './clock.ts';
import type { BacktestConfig, BacktestResult, RunStats } from './config.ts';
import { SimExchange } from './exchange.ts';
import { StrategyFeed } from './feed.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import { toLatencyModel } from './latency.ts';
import { MSG_FIRST_RESPONSE } from './messages.ts';
import { OrderManager } from './order-manager.ts';
import { Recorder } from './recorder.ts';
import { InstrumentRoster } from './roster.ts';
import { Housekeeping } from './housekeeping.ts';
import { tradeThrough } from './trade-through.ts';

/** What `advance` stopped at. */
export const STEP_BUDGET = 0;
export const STEP_DONE = 1;
export const STEP_DECISION = 2;
export const STEP_WAITING = 3;
export type StepOutcome = typeof STEP_BUDGET | typeof STEP_DONE | typeof STEP_DECISION | typeof STEP_WAITING;

/** Progress is reported every 2^20 events (a mask test on the hot path, nothing more). */
const PROGRESS_MASK = (1 << 20) - 1;

export class Backtest {
  /** The event table: complete (a backtest), or growing as events are pushed (a driver fed a stream). */
  private readonly events: EventColumns;
  /** Whether more events may still be pushed: until then the loop stops where the events end. */
  private closed: boolean;
  private readonly config: BacktestConfig;
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
  private readonly roster: InstrumentRoster;
  private readonly runtimes: InstrumentRuntime[];
  /** Zero feed latency: the strategy reads the exchange-side market state directly. */
  private readonly shared: boolean;
  /** Zero response latency: the strategy's account is the exchange-side one. */
  private readonly instantResponses: boolean;

  private readonly clock: SimClock;
  private readonly exchange: SimExchange;
  private readonly accounts: AccountBook;
  private readonly feed: StrategyFeed;
  private readonly orders: OrderManager;
  private readonly recorder: Recorder;
  private readonly housekeeping: Housekeeping;
  private readonly stats: RunStats;

  /** The next market event to apply (the loop's position, kept between slices of an interruptible run). */
  private cursor = 0;
  /** When housekeeping is next due (see housekeeping.ts). */
  private nextHousekeepingMs = Infinity;
  private readonly onProgress?: (processed: number, total: number) => void;

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
    const feedLatency = toLatencyModel(config.feedLatency);
    const responseLatency = toLatencyModel(config.responseLatency);
    this.shared = feedLatency.constantMs === 0;
    this.instantResponses = responseLatency.constantMs === 0;
    const depthLevels = config.depthLevels ?? 5;
    this.recorder = new Recorder({
      horizonMs: config.profitHorizonMs ?? 60_000,
      depthLevels,
      regimes: config.regimes,
    });
    this.onProgress = config.onProgress;
    this.roster = new InstrumentRoster(config, this.shared, this.instantResponses);
    this.runtimes = this.roster.runtimes;
    // A stream's end is known when it is closed; until then nothing is scheduled past any time.
    const endMs = this.closed ? this.lastEventMs() : Infinity;
    this.stats = {
      events: 0,
      startMs: NaN,
      endMs,
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
    this.clock = new SimClock(endMs);
    this.accounts = new AccountBook(
      {
        sharedMarket: this.shared,
        responseLatency,
        gate: config.riskGate,
        regimes: config.regimes,
        depthLevels,
        dayOffsetMs: config.dayStartOffsetMs ?? 0,
        tradingDayOf: config.tradingDayOf,
        onProfitDue: (ms) => {
          if (ms < this.nextHousekeepingMs) this.nextHousekeepingMs = ms;
        },
      },
      this.clock,
      this.recorder,
      this.stats,
      this.roster.traded,
    );
    this.exchange = new SimExchange(
      {
        fillModel: config.fillModel ?? tradeThrough(),
        orderLatency: toLatencyModel(config.orderLatency),
        postOnly: config.postOnly ?? true,
        slippageTicks: config.marketSlippageTicks ?? 1,
        tapeIsObserved: this.shared,
      },
      this.clock,
      this.stats,
      this.runtimes,
      this.accounts,
    );
    this.feed = new StrategyFeed(feedLatency, this.events, this.runtimes, this.clock, this.accounts);
    this.orders = new OrderManager(this.exchange, this.accounts, config.riskGate, this.stats);
    this.housekeeping = new Housekeeping(
      this.roster,
      this.accounts,
      this.recorder,
      this.stats,
      config.snapshotWhen,
    );
    this.registerInstruments();
    this.start();
  }

  private lastEventMs(): number {
    const n = this.events.length;
    return this.config.endMs ?? (n > 0 ? this.events.ts[n - 1]! : -Infinity);
  }

  private registerInstruments(): void {
    this.roster.register(this.events.instruments, (runtime) => this.accounts.join(runtime));
  }

  /** The clock starts at the first event: the first second's end, the feed's first observation. */
  private start(): void {
    if (this.started || this.events.length === 0) return;
    this.started = true;
    const startMs = this.events.ts[0]!;
    this.stats.startMs = startMs;
    this.nextHousekeepingMs = this.housekeeping.start(startMs);
    if (!this.shared) this.feed.scheduleNext();
  }

  /** Appends events (a stream): new instruments join the run; the loop goes on where they begin. */
  push(chunk: EventColumns): void {
    if (this.closed) throw new Error('the event stream is closed: no more events can be pushed');
    (this.events as GrowingEventColumns).append(chunk);
    this.registerInstruments();
    if (!this.started) this.start();
    // The feed waited at the end of the events: the next one can now be scheduled.
    else if (!this.shared && this.feed.nextObserveMs === Infinity && this.feed.cursor < this.events.length)
      this.feed.scheduleNext();
  }

  /** No more events: the run ends at the last one (or `config.endMs`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.endMs = this.stats.endMs = this.lastEventMs();
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
    const clock = this.clock;
    const messages = clock.messages;
    const timers = clock.timers;
    const feed = this.feed;
    const endMs = clock.endMs;
    const shared = this.shared;
    const housekeeping = this.housekeeping;
    const runtimes = this.runtimes;
    const exchange = this.exchange;
    const accounts = this.accounts;
    // Neither changes inside a call: events are pushed and the stream closed between calls.
    const callerDecides = this.callerDecides;
    const closed = this.closed;
    let e = this.cursor;
    let outcome: StepOutcome = STEP_BUDGET;
    const stats = this.stats;
    const budget = limit + stats.strategyCalls;
    for (let items = 0; items + stats.strategyCalls < budget; items++) {
      // The caller's decisions due now come first, in the order their instruments became due.
      if (callerDecides && this.dueHead < this.dueCount) {
        this.awaitNext();
        outcome = STEP_DECISION;
        break;
      }
      // A stream that is not closed may still bring events at or before anything else that is due.
      if (e >= n && !closed) {
        outcome = STEP_WAITING;
        break;
      }
      const te = e < n ? ts[e]! : Infinity;
      const tm = messages.peekTime();
      const pending = clock.pendingWakeMs;
      let tw = pending;
      if (!shared && feed.nextObserveMs < tw) tw = feed.nextObserveMs;
      const tt = timers.peekTime();
      if (tt < tw) tw = tt;
      let t = te < tm ? te : tm;
      if (tw < t) t = tw;
      if (!(t <= endMs)) {
        outcome = STEP_DONE;
        break;
      }
      if (t >= this.nextHousekeepingMs) this.nextHousekeepingMs = housekeeping.run(t);
      if (te === t) {
        // A market event: the exchange applies it; without feed latency the strategy observes it too.
        const runtime = runtimes[events.instrument[e]!]!;
        exchange.applyEvent(runtime, events, e++, t);
        if (runtime.traded) {
          if (runtime.holding) accounts.remark(runtime);
          if (shared) feed.observed(runtime, t);
        }
        if ((e & PROGRESS_MASK) === 0 && this.onProgress !== undefined) this.onProgress(e, n);
        // Without feed latency the wake-up for this event usually comes next: take it now when nothing
        // else is due at t (the same order the loop would choose, without another pass).
        // (In an open stream the next event may still be stamped t: then the loop waits for it first.)
        if (
          clock.pendingWakeMs === t &&
          (e < n ? ts[e]! > t : closed) &&
          messages.peekTime() > t &&
          timers.peekTime() > t
        )
          this.wake(t);
      } else if (tm === t) {
        const message = messages.pop()!;
        if (message.kind < MSG_FIRST_RESPONSE) this.exchange.receive(message, t);
        else this.accounts.receive(message, t);
      } else this.wake(t);
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
    this.orders.apply(runtime, this.dueMs, decision);
  }

  /** Prepares the next due decision for the caller, who hands it in with `decide` (stepping driver). */
  private awaitNext(): void {
    const runtime = this.due[this.dueHead++]!;
    if (this.dueHead === this.dueCount) this.dueHead = this.dueCount = 0;
    runtime.dirty = false;
    this.accounts.prepareDecision(runtime, this.dueMs);
    this.awaiting = runtime;
  }

  /** A wake-up time: the feed delivers what is due, timers fire, the due instruments decide. */
  private wake(t: number): void {
    if (!this.shared) this.feed.deliverUntil(t);
    const clock = this.clock;
    if (clock.timers.peekTime() <= t) clock.fireTimers(t);
    const dirty = clock.dirty;
    const count = clock.dirtyCount;
    clock.dirtyCount = 0;
    clock.pendingWakeMs = Infinity;
    // When the caller decides, the due instruments are decided one by one at the top of the loop, before
    // anything else, so the driver can stop at each. They stay marked dirty until then: one marked again
    // meanwhile is decided once, as when the strategies decide here.
    if (this.callerDecides) {
      const due = this.due;
      for (let j = 0; j < count; j++) due[this.dueCount++] = dirty[j]!;
      this.dueMs = t;
      return;
    }
    // The strategies decide here and now, in the same order (the hot path of every backtest).
    const accounts = this.accounts;
    for (let j = 0; j < count; j++) {
      const runtime = dirty[j]!;
      runtime.dirty = false;
      accounts.prepareDecision(runtime, t);
      this.orders.apply(runtime, t, runtime.strategy!.decide(runtime.view, runtime.local, t));
    }
  }

  finish(): BacktestResult {
    const endMs = this.clock.endMs;
    if (this.events.length > 0 && Number.isFinite(endMs)) this.housekeeping.finish(endMs);
    const instruments = this.accounts.results();
    const totals = { equity: 0, cash: 0, realizedPnl: 0, unrealizedPnl: 0, feesPaid: 0 };
    for (const result of instruments) {
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
