/**
 * Consecutive losing closes, and the cool-down after too many of them.
 *
 * A *close* is a fill that realised PnL (the engine reports realizedPnlChange ≠ 0: the fill reduced or
 * flipped a position); fills that only opened or added (realizedPnlChange = 0) are neutral and neither
 * extend nor break a streak. A close *loses* when what it realised net of its fee is below zero
 * (realizedPnlChange − fee < 0; a rebate is a negative fee and helps); any other close breaks the streak.
 * Partial closes count one by one, so a position unwound in three losing fills is three losses: the limit
 * is on losing fills, which is what a market maker's adverse selection produces.
 *
 * When the streak passes the limit (streak > max), the breach holds for `cooldownMs` from the time of the
 * fill that passed it; losses during the cool-down (e.g. while unwinding) do not extend it. Once the
 * cool-down has run out the streak is forgotten, as if it had started afresh: without that, a strategy
 * stopped from trading could never record the winning close that breaks its streak.
 */
export class LossStreak {
  private readonly maxLosses: number;
  private readonly cooldownMs: number;
  private streak = 0;
  private breachStartMs = NaN;

  constructor(maxLosses: number, cooldownMs: number) {
    this.maxLosses = maxLosses;
    this.cooldownMs = cooldownMs;
  }

  onFill(ts: number, realizedPnlChange: number, fee: number): void {
    if (this.cooldownEndsAt() <= ts) this.forget();
    if (realizedPnlChange === 0) return;
    if (realizedPnlChange - fee < 0) {
      this.streak++;
      if (this.streak > this.maxLosses && Number.isNaN(this.breachStartMs)) this.breachStartMs = ts;
    } else if (Number.isNaN(this.breachStartMs)) {
      this.streak = 0;
    }
  }

  /** The streak as it stands at nowMs (0 once a cool-down has run out). */
  streakAt(nowMs: number): number {
    return this.cooldownEndsAt() <= nowMs ? 0 : this.streak;
  }

  /** Whether the breach holds at nowMs. */
  breachedAt(nowMs: number): boolean {
    return !Number.isNaN(this.breachStartMs) && nowMs < this.cooldownEndsAt();
  }

  /** End of the current cool-down, NaN when no breach is pending. */
  cooldownEndsAt(): number {
    return this.breachStartMs + this.cooldownMs;
  }

  private forget(): void {
    this.streak = 0;
    this.breachStartMs = NaN;
  }
}
