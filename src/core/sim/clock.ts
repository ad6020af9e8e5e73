/**
 * The engine's clock: everything that is due at a time, apart from the market events themselves (which
 * come in their own order from the event table).
 *   - `messages`: our messages on the wire, both ways — orders, cancels and market orders on their way to
 *     the exchange (order latency), and the exchange's responses on their way back (response latency) —
 *     in one queue, FIFO among equal times, so the loop peeks one time for both directions;
 *   - `timers`: strategy wake-ups on a grid (`refresh.intervalMs`) or on the strategy's own calendar
 *     (`refresh.nextWakeMs`);
 *   - the instruments due for a decision now (`markDue`), collected by `takeDue`.
 * It decides nothing and knows no market: the engine's loop asks it what is next.
 */
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { WireMessage } from './messages.ts';
import { TimeQueue } from './time-queue.ts';

export class SimClock {
  readonly messages = new TimeQueue<WireMessage>();
  readonly timers = new TimeQueue<InstrumentRuntime>();
  /** Instruments due for a decision at `pendingWakeMs`, in the order they became due. */
  readonly dirty: InstrumentRuntime[] = [];
  /** Entries of `dirty` in use (the array is reused, never shrunk: no allocation per wake-up). */
  dirtyCount = 0;
  /** When the dirty instruments are due (Infinity when none are). */
  pendingWakeMs = Infinity;
  /** Nothing is scheduled after this (Infinity while a pushed stream is open). */
  endMs: number;

  constructor(endMs: number) {
    this.endMs = endMs;
  }

  /** The instrument is due for a decision at `t` (once, however often it is marked before then). */
  markDue(runtime: InstrumentRuntime, t: number): void {
    if (!runtime.dirty) {
      runtime.dirty = true;
      this.dirty[this.dirtyCount++] = runtime;
    }
    this.pendingWakeMs = t;
  }

  /** Arms the instrument's timers at its first observed event (`t`): the first grid point after it. */
  armInterval(runtime: InstrumentRuntime, t: number): void {
    const interval = runtime.intervalMs;
    if (interval > 0) {
      const first = (Math.floor(t / interval) + 1) * interval;
      if (first <= this.endMs) this.timers.push(first, runtime);
    }
  }

  /** Queues the strategy's next scheduled wake-up after `t`, if it has one before the end. */
  schedule(runtime: InstrumentRuntime, t: number): void {
    const at = runtime.nextWake!(t);
    // Strictly later, or a schedule answering `t` again would wake the strategy forever at one instant.
    if (at > t && at <= this.endMs) {
      this.timers.push(at, runtime);
      runtime.scheduled = true;
    }
  }

  /** Marks the instruments whose timers are due by `t`, and re-arms each timer. */
  fireTimers(t: number): void {
    const timers = this.timers;
    while (timers.peekTime() <= t) {
      const runtime = timers.pop()!;
      this.markDue(runtime, t);
      if (runtime.nextWake !== undefined) {
        runtime.scheduled = false;
        this.schedule(runtime, t);
        continue;
      }
      const next = t + runtime.intervalMs;
      if (next <= this.endMs) timers.push(next, runtime);
    }
  }

  /** How many instruments are due (they are `dirty[0..count)`); the list is emptied for the next time. */
  takeDue(): number {
    const count = this.dirtyCount;
    this.dirtyCount = 0;
    this.pendingWakeMs = Infinity;
    return count;
  }
}
