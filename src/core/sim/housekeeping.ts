/**
 * What falls due with the passing of time rather than with an event: the end of each second (the
 * engine's per-second σ samples, the portfolio point and the snapshots, for market seconds only) and each
 * fill's profit label once its horizon has passed. The engine's loop runs it before any item at or after
 * the time it is due, so every record is taken with the state just before its instant.
 */
import type { AccountBook } from './accounts.ts';
import type { RunStats } from './config.ts';
import type { Recorder } from './recorder.ts';
import type { InstrumentRoster } from './roster.ts';

export class Housekeeping {
  private nextSecondMs = Infinity;
  private secondsSinceResync = 0;
  private readonly roster: InstrumentRoster;
  private readonly accounts: AccountBook;
  private readonly recorder: Recorder;
  private readonly stats: RunStats;
  private readonly marketTime: ((endMs: number) => boolean) | undefined;

  constructor(
    roster: InstrumentRoster,
    accounts: AccountBook,
    recorder: Recorder,
    stats: RunStats,
    marketTime: ((endMs: number) => boolean) | undefined,
  ) {
    this.roster = roster;
    this.accounts = accounts;
    this.recorder = recorder;
    this.stats = stats;
    this.marketTime = marketTime;
  }

  /** The first event's time: seconds are counted from its second on. Returns when the first is due. */
  start(startMs: number): number {
    this.nextSecondMs = (Math.floor(startMs / 1000) + 1) * 1000;
    return this.nextSecondMs;
  }

  /**
   * Emits what is due before `t`: seconds ending at or before t, profit labels due by t. Returns when
   * something is next due (the engine also lowers it to each new fill's profit time).
   */
  run(t: number): number {
    while (this.nextSecondMs <= t) {
      this.second(this.nextSecondMs);
      this.nextSecondMs += 1000;
    }
    this.recorder.settleProfits(t);
    const due = this.recorder.nextProfitDueMs();
    return due < this.nextSecondMs ? due : this.nextSecondMs;
  }

  /** The run ends at `endMs`: its last second is recorded, the labels due by then are settled. */
  finish(endMs: number): void {
    const lastEnd = (Math.floor(endMs / 1000) + 1) * 1000;
    while (this.nextSecondMs <= lastEnd) {
      this.second(this.nextSecondMs);
      this.nextSecondMs += 1000;
    }
    this.recorder.settleProfits(endMs);
  }

  /** The end of one second (`end`, exclusive): σ for tracked instruments, snapshots. */
  private second(end: number): void {
    // Only market time counts: outside it (KRX nights and weekends) nothing is sampled or recorded.
    if (this.marketTime !== undefined && !this.marketTime(end)) return;
    const tracked = this.roster.tracked;
    for (let i = 0; i < tracked.length; i++) {
      const runtime = tracked[i]!;
      // The engine's σ is what the records show for a strategy that reports none of its own.
      const own = runtime.strategyVolatility;
      if (own !== own) runtime.volatility.onSecond(runtime.exchange.mid());
    }
    // The portfolio's running sums are added up afresh each market hour, so rounding cannot drift.
    if (++this.secondsSinceResync >= 3600) {
      this.secondsSinceResync = 0;
      this.accounts.resync();
    }
    this.stats.snapshots += this.recorder.second(
      end,
      this.accounts.equityExchange,
      this.accounts.grossPosition,
      this.roster.snapshotted,
    );
  }
}
