/**
 * What the strategy observes of the market. Without feed latency the strategy reads the exchange-side
 * market state itself and sees each event as the exchange applies it (`observed`). With feed latency it
 * has its own copy, fed in event order as each event's delivery time comes (its stamp plus the latency,
 * drawn per event when the latency is a model, kept FIFO): a wake-up at T sees exactly the events
 * delivered by T and nothing later — no look-ahead.
 *
 * Observing an event is also what arms the strategy's wake-ups: its interval grid (from its first
 * observed event), its own calendar (`refresh.nextWakeMs`, re-armed by the next observed event once it
 * answered Infinity), and a decision at that time for `refresh.onEvents` (every event, or 'touch': only
 * when the observed best bid, best ask or mid changed).
 */
import { EVENT_BBO, EVENT_DEPTH, EVENT_TRADE } from '../market/events.ts';
import type { EventColumns } from '../market/events.ts';
import type { AccountBook } from './accounts.ts';
import type { SimClock } from './clock.ts';
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { LatencyModel } from './latency.ts';

export class StrategyFeed {
  /** The next event the strategy will observe (feed latency only), and when it is delivered. */
  cursor = 0;
  nextObserveMs = Infinity;
  private lastObserveMs = -Infinity;
  private readonly latency: LatencyModel;
  /** The feed latency when constant, else NaN. */
  private readonly constant: number;
  private readonly events: EventColumns;
  private readonly runtimes: readonly InstrumentRuntime[];
  private readonly clock: SimClock;
  private readonly accounts: AccountBook;

  constructor(
    latency: LatencyModel,
    events: EventColumns,
    runtimes: readonly InstrumentRuntime[],
    clock: SimClock,
    accounts: AccountBook,
  ) {
    this.latency = latency;
    this.constant = latency.constantMs ?? NaN;
    this.events = events;
    this.runtimes = runtimes;
    this.clock = clock;
    this.accounts = accounts;
  }

  /** Computes when the event at the cursor is delivered (Infinity past the events pushed so far). */
  scheduleNext(): void {
    const i = this.cursor;
    if (i >= this.events.length) {
      this.nextObserveMs = Infinity;
      return;
    }
    const ts = this.events.ts[i]!;
    const constant = this.constant;
    let at = constant === constant ? ts + constant : ts + this.latency.next();
    if (at < this.lastObserveMs) at = this.lastObserveMs; // FIFO feed
    this.lastObserveMs = at;
    this.nextObserveMs = at;
  }

  /** Delivers every event due by `t` to the strategies' market states. */
  deliverUntil(t: number): void {
    while (this.nextObserveMs <= t) {
      this.observe(this.cursor++, t);
      this.scheduleNext();
    }
  }

  /** The strategy's market state takes in event `i` at `t`. */
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
    if (runtime.holding) this.accounts.remark(runtime);
    this.observed(runtime, t);
  }

  /** An event of a traded instrument became visible at `t`: arms its wake-ups. */
  observed(runtime: InstrumentRuntime, t: number): void {
    if (!runtime.seen) {
      runtime.seen = true;
      this.clock.armInterval(runtime, t);
    }
    if (runtime.nextWake !== undefined && !runtime.scheduled) this.clock.schedule(runtime, t);
    if (runtime.wakeOnEvents || (runtime.wakeOnTouch && runtime.touchChanged()))
      this.clock.markDue(runtime, t);
  }
}
