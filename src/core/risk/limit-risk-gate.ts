/**
 * The risk gate the backtest engine and the live agent share (it implements RiskGate from trading/types.ts and
 * reads nothing else: no clock, no I/O, so a replay gives the same answers in the same order).
 *
 * What each breach leaves allowed, and what clears it:
 *
 * - inputs not finite (equity, position, notional, …) → halt; clears when they are finite again.
 * - stale data: nowMs − lastDataMs > maxDataAgeMs, or no data yet → halt; clears with a fresh event.
 * - order rate: orders in the rolling window ≥ maxOrdersPerWindow → halt; clears as orders roll out.
 * - daily loss: dayStartEquity − equity > maxDailyLoss → reduce-only; latched until the next trading day.
 * - drawdown: (peak − equity) / peak > maxDrawdownFraction, or peak − equity > maxDrawdownAmount →
 *   reduce-only; the peak is the trading day's (the engine resets it each day), so it clears when equity
 *   recovers or the next day starts (a peak ≤ 0 with a fraction limit breaches: see checks.ts).
 * - losing streak: consecutive losing closes > maxConsecutiveLosses → reduce-only for the cool-down.
 * - position notional: current notional ≥ maxPositionNotional → reduce-only; clears below the limit.
 * - position quantity: the decision's worst-case abs(position) > maxPositionQuantity → reduce-only;
 *   clears when the decision fits.
 *
 * Why these modes: when the gate cannot trust what it sees (bad inputs, stale data) nothing should trade,
 * not even a reducing order priced off a stale book; the order-rate limit counts every order, reducing
 * or not. Loss and exposure limits stop *new* risk but keep the way out open (Seed A's kill switch: "risk
 * limit hit → no new entries, reduce or close"); once flat, reduce-only allows nothing, so it is a halt
 * that still lets an open position be worked off with passive quotes instead of being dumped.
 *
 * Day boundary: the engine owns it and passes the trading day (RiskInputs.tradingDay: the KRX session
 * date in KST, the UTC date on crypto) with that day's start equity and peak. A daily-loss breach holds
 * (is latched) for the rest of that day even if the marks recover, as a daily loss limit conventionally
 * means "done for the day"; the latch clears when the trading day changes. So one bad day never stops a
 * multi-day run: every daily limit starts afresh the next day.
 *
 * Timeline: every review is also told to a GateTimeline (timeline.ts), which keeps, per trading day, when
 * and why the gate first refused, and each episode of an account-wide limit (start, end, reason), so a
 * run can show when and why it halted or went reduce-only.
 *
 * When several limits are breached the answer is the strictest mode, and the reason lists every breached
 * limit, halts first, separated by "; ".
 */
import type { Decision, Fill, RiskDecision, RiskGate, RiskInputs } from '../trading/types.ts';
import type { DailyLossLatch, RiskCheck } from './checks.ts';
import {
  checkDailyLoss,
  checkDrawdown,
  checkInputs,
  checkLossStreak,
  checkOrderRate,
  checkPositionNotional,
  checkPositionQuantity,
  checkStaleData,
} from './checks.ts';
import type { RiskLimits } from './limits.ts';
import { resolveRiskLimits } from './limits.ts';
import { LossStreak } from './loss-streak.ts';
import { RollingOrderCount } from './order-rate.ts';
import { GateTimeline } from './timeline.ts';
import type { RiskTimeline } from './timeline.ts';

/** The gate's own state at a time, for logs (JSON-friendly: null, never NaN). */
export interface RiskGateState {
  ordersInWindow: number;
  /** When the oldest order still counted drops out of the window; null when none counts. */
  orderWindowFreesAtMs: number | null;
  lossStreak: number;
  /** End of the losing-streak cool-down; null when the streak limit is not breached. */
  lossStreakCooldownEndsMs: number | null;
  /** The daily-loss breach held for the current day, or null. */
  dailyLossLatch: DailyLossLatch | null;
}

/** Everything the gate would say about `inputs` (and a decision), without changing its state. */
export interface RiskReport {
  nowMs: number;
  instrument: string;
  decision: RiskDecision;
  /** Every check, in the order they are applied, breached or not. */
  checks: RiskCheck[];
  state: RiskGateState;
}

export class LimitRiskGate implements RiskGate {
  readonly limits: Readonly<RiskLimits>;
  private readonly orders: RollingOrderCount;
  private readonly streak: LossStreak;
  private dailyLossLatch: DailyLossLatch | undefined;
  private readonly gateTimeline = new GateTimeline();

  constructor(limits: Partial<RiskLimits> = {}) {
    this.limits = resolveRiskLimits(limits);
    this.orders = new RollingOrderCount(this.limits.orderRateWindowMs);
    this.streak = new LossStreak(this.limits.maxConsecutiveLosses, this.limits.lossStreakCooldownMs);
  }

  review(inputs: RiskInputs, decision: Decision): RiskDecision {
    if (this.dailyLossLatch !== undefined && this.dailyLossLatch.tradingDay !== inputs.tradingDay) {
      this.dailyLossLatch = undefined; // a new day
    }
    const checks = this.evaluate(inputs, decision);
    const dailyLoss = checks.find((check) => check.name === 'daily-loss');
    if (dailyLoss?.breached && this.dailyLossLatch === undefined && Number.isFinite(inputs.dayStartEquity)) {
      this.dailyLossLatch = {
        tradingDay: inputs.tradingDay,
        dayStartEquity: inputs.dayStartEquity,
        loss: inputs.dayStartEquity - inputs.equity,
        sinceMs: inputs.nowMs,
      };
    }
    const answer = combine(checks);
    this.gateTimeline.record(inputs, checks, answer);
    return answer;
  }

  /** When and why the gate refused, per trading day, and the account-wide limits' episodes (see timeline.ts). */
  timeline(): RiskTimeline {
    return this.gateTimeline.snapshot();
  }

  onFill(fill: Fill, realizedPnlChange: number): void {
    this.streak.onFill(fill.ts, realizedPnlChange, fill.fee);
  }

  onOrdersSent(count: number, nowMs: number): void {
    this.orders.record(count, nowMs);
  }

  /** What review would answer, every check with its sentence, and the gate's state; changes nothing. */
  explain(inputs: RiskInputs, decision?: Decision): RiskReport {
    const checks = this.evaluate(inputs, decision);
    return {
      nowMs: inputs.nowMs,
      instrument: inputs.instrument,
      decision: combine(checks),
      // plain objects with the sentences formatted, safe to spread, store or compare
      checks: checks.map(({ name, mode, breached, message }) => ({ name, mode, breached, message })),
      state: this.state(inputs.nowMs, inputs.tradingDay),
    };
  }

  /** The gate's state at nowMs (the daily-loss latch only if it belongs to `tradingDay`, default its own). */
  state(nowMs: number, tradingDay?: string): RiskGateState {
    const freesAt = this.orders.nextExpiryAfter(nowMs);
    const breached = this.streak.breachedAt(nowMs);
    const latch = this.latchFor(tradingDay ?? this.dailyLossLatch?.tradingDay ?? '');
    return {
      ordersInWindow: this.orders.countAt(nowMs),
      orderWindowFreesAtMs: Number.isNaN(freesAt) ? null : freesAt,
      lossStreak: this.streak.streakAt(nowMs),
      lossStreakCooldownEndsMs: breached ? this.streak.cooldownEndsAt() : null,
      dailyLossLatch: latch === undefined ? null : { ...latch },
    };
  }

  private evaluate(inputs: RiskInputs, decision: Decision | undefined): RiskCheck[] {
    const { nowMs } = inputs;
    const limits = this.limits;
    return [
      checkInputs(inputs),
      checkStaleData(nowMs, inputs.lastDataMs, limits.maxDataAgeMs),
      checkOrderRate(
        this.orders.countAt(nowMs),
        limits.maxOrdersPerWindow,
        limits.orderRateWindowMs,
        this.orders.nextExpiryAfter(nowMs) - nowMs,
      ),
      checkDailyLoss(inputs, limits.maxDailyLoss, this.latchFor(inputs.tradingDay)),
      checkDrawdown(inputs, limits.maxDrawdownFraction, limits.maxDrawdownAmount),
      checkLossStreak(
        this.streak.streakAt(nowMs),
        limits.maxConsecutiveLosses,
        this.streak.breachedAt(nowMs),
        this.streak.cooldownEndsAt() - nowMs,
      ),
      checkPositionNotional(inputs.positionNotional, limits.maxPositionNotional),
      checkPositionQuantity(inputs.position, decision, limits.maxPositionQuantity),
    ];
  }

  private latchFor(tradingDay: string): DailyLossLatch | undefined {
    return this.dailyLossLatch?.tradingDay === tradingDay ? this.dailyLossLatch : undefined;
  }
}

/** The strictest mode among the breached checks, with every breached check's sentence (halts first). */
function combine(checks: readonly RiskCheck[]): RiskDecision {
  const halts = checks.filter((check) => check.breached && check.mode === 'halt');
  const reductions = checks.filter((check) => check.breached && check.mode === 'reduce-only');
  if (halts.length === 0 && reductions.length === 0) return { allow: true };
  return {
    allow: false,
    mode: halts.length > 0 ? 'halt' : 'reduce-only',
    reason: [...halts, ...reductions].map((check) => check.message).join('; '),
  };
}
