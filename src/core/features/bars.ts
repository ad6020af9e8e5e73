/**
 * One-minute bars (`gold_bars_1m`) built incrementally from ticks, the same way offline and live.
 *
 * The empty-minute policy is what makes the two agree: a code's bars run on the clock, every minute from
 * its first trade of the day to the session close, and a minute without trades is carried forward
 * (o = h = l = c = the previous close, v = 0, tick_count = 0). A live agent that wakes every minute and
 * closes the minute that just ended produces exactly the bars the batch produces by closing minutes when
 * a later tick arrives or the day ends. Bars only for traded minutes would instead make "5 bars ago"
 * mean hours on an illiquid code, and would make the agent's view depend on when the next trade comes.
 *
 * A minute closes when a tick of a later minute of the same code arrives (`push`), when the clock passes
 * its end (`closeThrough`), or at the end of the data (`finish`). A tick for a minute already closed is
 * late: it is dropped and counted, never merged into an emitted bar, so the live agent can report it and
 * the replay regression can explain a parity difference.
 */
import { appendAll } from '../arrays.ts';
import { sessionOf } from '../market/krx-calendar.ts';
import { decodeKrxCode } from '../market/krx-code.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { expiryOfYmcode } from '../market/krx-contract.ts';
import { kstDateOf, kstTimeOf, kstToUtcMs } from '../market/kst.ts';
import type { IsoDate } from '../market/kst.ts';
import type { TickRow } from '../xml/krx-rows.ts';

export const MINUTE_MS = 60_000;

export interface MinuteBar {
  ymcode: string;
  side: OptionSide;
  code: string;
  /** The strike from the code (542.5), not the tick's integer `strike` field (542). */
  strike: number;
  /** KST calendar date of the bar. */
  trade_date: IsoDate;
  /** KST wall-clock minute, 'HH:MM'. */
  minute: string;
  /** UTC epoch milliseconds of the minute's start. */
  bar_ts: number;
  o: number;
  h: number;
  l: number;
  c: number;
  /** Contracts traded: the sum of the ticks' `ccnt`. */
  v: number;
  tick_count: number;
  /** Open interest of the last tick so far (KRX tick files carry 0). */
  oi_last: number;
}

/** What the bar builder reads from a tick (tests and other feeds can supply just these). */
export type BarTick = Pick<TickRow, 'ymcode' | 'side' | 'code' | 'ts' | 'c' | 'ccnt' | 'oi'>;

export interface RejectedTicks {
  /** Ticks for a minute (or day) of their code that had already been closed. */
  late: number;
  /** Ticks before the session open or after the session close of their day and contract. */
  outsideSession: number;
}

/** The start of the minute holding `ts`. KST is a whole number of minutes from UTC, so UTC flooring works. */
export function minuteStart(ts: number): number {
  return ts - (((ts % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

/** 'HH:MM' in KST of a UTC instant. */
export function kstMinuteOf(ts: number): string {
  const hhmmss = kstTimeOf(ts);
  return `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}`;
}

/** Compares bars in clock order: minute first, then code. */
export function byClock(a: MinuteBar, b: MinuteBar): number {
  return a.bar_ts - b.bar_ts || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

interface SessionBounds {
  tradeDate: IsoDate;
  openTs: number;
  closeTs: number;
  /** bar_ts of the last minute of the grid: the minute holding the close (its prints carry that time). */
  closeBarTs: number;
}

interface CodeDay extends SessionBounds {
  /** The minute being built: the next bar to emit. */
  bar: MinuteBar;
  /** The close minute has been emitted; further ticks of this day are late. */
  closed: boolean;
}

export class MinuteBarBuilder {
  private readonly days = new Map<string, CodeDay>();
  private readonly strikes = new Map<string, number>();
  private readonly rejectedTicks: RejectedTicks = { late: 0, outsideSession: 0 };

  get rejected(): Readonly<RejectedTicks> {
    return { ...this.rejectedTicks };
  }

  /**
   * Adds a tick (ticks of one code must come in time order; codes may interleave) and returns the bars
   * of that code it closed, oldest first.
   */
  push(tick: BarTick): MinuteBar[] {
    const bounds = sessionBounds(tick);
    if (tick.ts < bounds.openTs || tick.ts > bounds.closeTs) {
      this.rejectedTicks.outsideSession++;
      return [];
    }
    const closed: MinuteBar[] = [];
    let day = this.days.get(tick.code);
    if (day && day.tradeDate !== bounds.tradeDate) {
      if (bounds.tradeDate < day.tradeDate) {
        this.rejectedTicks.late++;
        return [];
      }
      // A new day: the old one runs out to its close first, and nothing of it carries over.
      this.closeDayThrough(day, Infinity, closed);
      day = undefined;
    }
    const barTs = minuteStart(tick.ts);
    if (!day) {
      day = { ...bounds, bar: this.firstBar(tick, bounds.tradeDate, barTs), closed: false };
      this.days.set(tick.code, day);
    } else if (day.closed || barTs < day.bar.bar_ts) {
      this.rejectedTicks.late++;
      return closed;
    }
    while (day.bar.bar_ts < barTs) {
      closed.push(day.bar);
      day.bar = carriedForward(day.bar);
    }
    addTick(day.bar, tick);
    return closed;
  }

  /**
   * The clock: closes, for every code, each minute that ended at or before `nowTs`, and returns those bars
   * in clock order. The live agent calls this when it wakes each minute (after allowing for feed latency).
   */
  closeThrough(nowTs: number): MinuteBar[] {
    const closed: MinuteBar[] = [];
    for (const day of this.days.values()) this.closeDayThrough(day, nowTs, closed);
    return closed.sort(byClock);
  }

  /** End of the data: every code's day runs out to its session close. */
  finish(): MinuteBar[] {
    return this.closeThrough(Infinity);
  }

  private closeDayThrough(day: CodeDay, nowTs: number, closed: MinuteBar[]): void {
    while (!day.closed && day.bar.bar_ts + MINUTE_MS <= nowTs) {
      closed.push(day.bar);
      if (day.bar.bar_ts >= day.closeBarTs) day.closed = true;
      else day.bar = carriedForward(day.bar);
    }
  }

  private firstBar(tick: BarTick, tradeDate: IsoDate, barTs: number): MinuteBar {
    let strike = this.strikes.get(tick.code);
    if (strike === undefined) {
      const decoded = decodeKrxCode(tick.code, Number(tick.ymcode.slice(0, 4)) || undefined);
      if (decoded.strike === undefined) throw new TypeError(`${tick.code} is not an option`);
      strike = decoded.strike;
      this.strikes.set(tick.code, strike);
    }
    return {
      ymcode: tick.ymcode,
      side: tick.side,
      code: tick.code,
      strike,
      trade_date: tradeDate,
      minute: kstMinuteOf(barTs),
      bar_ts: barTs,
      o: tick.c,
      h: tick.c,
      l: tick.c,
      c: tick.c,
      v: 0,
      tick_count: 0,
      oi_last: tick.oi,
    };
  }
}

/**
 * Batch: the bars of all the ticks given (any number of codes and days), in clock order, through the same
 * builder the live agent uses. Ticks are put in time order first (a stable sort, so ticks sharing a second
 * keep their arrival order, which decides o and c); every code's day runs out to its session close.
 */
export function buildMinuteBars(ticks: Iterable<BarTick>): { bars: MinuteBar[]; rejected: RejectedTicks } {
  return buildMinuteBarsFromOrdered([...ticks].sort((a, b) => a.ts - b.ts));
}

/**
 * The same for ticks already in that order (time, then arrival within a time), which may come one at a
 * time from a generator: nothing here keeps a tick.
 */
export function buildMinuteBarsFromOrdered(ordered: Iterable<BarTick>): {
  bars: MinuteBar[];
  rejected: RejectedTicks;
} {
  const builder = new MinuteBarBuilder();
  const bars: MinuteBar[] = [];
  for (const tick of ordered) appendAll(bars, builder.push(tick));
  appendAll(bars, builder.finish());
  return { bars: bars.sort(byClock), rejected: builder.rejected };
}

/** bar_ts of the last minute of a contract's grid on a day: the minute holding the session close. */
export function closeBarTsOf(tradeDate: IsoDate, ymcode: string): number {
  return minuteStart(kstToUtcMs(tradeDate, sessionOf(tradeDate, expiryOfYmcode(ymcode)).close));
}

function sessionBounds(tick: BarTick): SessionBounds {
  const tradeDate = kstDateOf(tick.ts);
  // Asked for every tick; a day has one answer per contract month, and ticks come in runs of both.
  if (lastBounds.bounds && tradeDate === lastBounds.tradeDate && tick.ymcode === lastBounds.ymcode)
    return lastBounds.bounds;
  const key = `${tradeDate}|${tick.ymcode}`;
  let bounds = boundsCache.get(key);
  if (bounds === undefined) {
    const session = sessionOf(tradeDate, expiryOfYmcode(tick.ymcode));
    const closeTs = kstToUtcMs(tradeDate, session.close);
    bounds = {
      tradeDate,
      openTs: kstToUtcMs(tradeDate, session.open),
      closeTs,
      closeBarTs: minuteStart(closeTs),
    };
    if (boundsCache.size > 10_000) boundsCache.clear();
    boundsCache.set(key, bounds);
  }
  lastBounds = { tradeDate, ymcode: tick.ymcode, bounds };
  return bounds;
}

const boundsCache = new Map<string, SessionBounds>();
let lastBounds: { tradeDate: string; ymcode: string; bounds?: SessionBounds } = { tradeDate: '', ymcode: '' };

function carriedForward(previous: MinuteBar): MinuteBar {
  const barTs = previous.bar_ts + MINUTE_MS;
  return {
    ...previous,
    minute: kstMinuteOf(barTs),
    bar_ts: barTs,
    o: previous.c,
    h: previous.c,
    l: previous.c,
    v: 0,
    tick_count: 0,
  };
}

function addTick(bar: MinuteBar, tick: BarTick): void {
  if (bar.tick_count === 0) {
    // The first trade of the minute replaces the carried-forward prices.
    bar.o = bar.h = bar.l = tick.c;
  } else {
    if (tick.c > bar.h) bar.h = tick.c;
    if (tick.c < bar.l) bar.l = tick.c;
  }
  bar.c = tick.c;
  bar.v += tick.ccnt;
  bar.tick_count++;
  bar.oi_last = tick.oi;
}
