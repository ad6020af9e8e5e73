/**
 * The limits the risk gate enforces, with their defaults. Where Seed B's bot has a limit, its value is the
 * default (max position $5,000 of notional, max loss $50 a day, max drawdown 5 % of peak equity); the
 * other defaults are this project's choices and say so. Money is in the instrument's currency, so the
 * Seed B values fit BTCUSDT (USDT ≈ $) and must be overridden for KRW-denominated KOSPI200 options.
 *
 * One principle for every limit: a limit is the largest value tolerated. The gate steps in once a value
 * has passed its limit (losses, drawdown, losing streak, data age), or, for the exposures it can see
 * coming (position, order count), as soon as the next order could take the value past it.
 */
import { z } from 'zod';
import { checkSettings, numberOrInfinity } from '../config/params.ts';
export interface RiskLimits {
  /** Largest |position| × mid × multiplier, in currency (Seed B: 5,000). Breach → reduce-only. */
  maxPositionNotional: number;
  /**
   * Largest |position| in contracts or base units, checked against the worst case of the decision (the
   * market order plus every resting quote on one side filled). Default Infinity (no seed value).
   * Breach → reduce-only.
   */
  maxPositionQuantity: number;
  /** Largest loss since the engine's day start (dayStartEquity − equity), in currency (Seed B: 50). Breach → reduce-only for the rest of the day. */
  maxDailyLoss: number;
  /** Largest drawdown from peak equity as a fraction of the peak (Seed B: 0.05). Breach → reduce-only. */
  maxDrawdownFraction: number;
  /**
   * Largest drawdown from peak equity in currency (default Infinity). The limit to use when equity is PnL
   * (an engine started with no cash), where a percentage of the peak means nothing. Breach → reduce-only.
   */
  maxDrawdownAmount: number;
  /** Largest run of consecutive losing closes tolerated (default 5). The next one → reduce-only for the cool-down. */
  maxConsecutiveLosses: number;
  /** How long a losing-streak breach lasts before the streak is forgotten, in ms (default 5 minutes). */
  lossStreakCooldownMs: number;
  /** Largest age of the latest market event, nowMs − lastDataMs, in ms (default 10 s). Breach → halt. */
  maxDataAgeMs: number;
  /** Largest number of orders (new or replaced) in any rolling window of `orderRateWindowMs` (default 50). Reaching it → halt. */
  maxOrdersPerWindow: number;
  /** Length of the rolling order-count window, in ms (default 10 s). */
  orderRateWindowMs: number;
}

const limit = () => numberOrInfinity().refine((v) => v >= 0, 'must be a number ≥ 0 (Infinity disables it)');

/** The limits a user may set (each optional): the schema `risk.*` parameters are checked by. */
export const RISK_LIMITS_SCHEMA = z
  .strictObject({
    maxPositionNotional: limit(),
    maxPositionQuantity: limit(),
    maxDailyLoss: limit(),
    maxDrawdownFraction: limit(),
    maxDrawdownAmount: limit(),
    maxConsecutiveLosses: limit(),
    lossStreakCooldownMs: z.number('must be a finite number').min(0, 'must be a number ≥ 0'),
    maxDataAgeMs: limit(),
    maxOrdersPerWindow: limit(),
    orderRateWindowMs: z.number('must be a finite number').gt(0, 'must be > 0'),
  })
  .partial();

/**
 * Seed B's limits plus this project's defaults for the limits Seed B does not have. The gate's daily loss
 * (50) sits below the live circuit breaker's (daily loss > 100 → ML off), so the gate acts first and the
 * breaker is the backstop.
 */
export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  maxPositionNotional: 5_000,
  maxPositionQuantity: Infinity,
  maxDailyLoss: 50,
  maxDrawdownFraction: 0.05,
  maxDrawdownAmount: Infinity,
  maxConsecutiveLosses: 5,
  lossStreakCooldownMs: 5 * 60_000,
  maxDataAgeMs: 10_000,
  maxOrdersPerWindow: 50,
  orderRateWindowMs: 10_000,
});

/** The defaults overridden by `overrides`, checked: every limit must be a number ≥ 0 (Infinity disables one). */
export function resolveRiskLimits(overrides: Partial<RiskLimits> = {}): Readonly<RiskLimits> {
  try {
    checkSettings(RISK_LIMITS_SCHEMA, overrides);
  } catch (error) {
    throw new RangeError(`risk limit ${(error as Error).message}`);
  }
  return Object.freeze({ ...DEFAULT_RISK_LIMITS, ...overrides });
}

/**
 * The money limits as fractions of the account's capital, so the defaults grow and shrink with it. Per
 * market, chosen so the reference capital gives the long-standing values: KRX options at 100,000,000 KRW
 * → 50,000,000 position notional, 5,000,000 daily loss, 10,000,000 drawdown; Binance at Seed B's
 * 10,000 USDT account → 5,000, 50 and 5 % of the day's peak (a fraction, so it scales by itself).
 */
export interface CapitalFractions {
  positionNotional: number;
  dailyLoss: number;
  /** Drawdown from the day's peak as an amount (a fraction of capital), or undefined to use a fraction of the peak. */
  drawdownAmount?: number;
  drawdownFraction?: number;
}

export const KRX_CAPITAL_FRACTIONS: Readonly<CapitalFractions> = Object.freeze({
  positionNotional: 0.5,
  dailyLoss: 0.05,
  drawdownAmount: 0.1,
});

export const CRYPTO_CAPITAL_FRACTIONS: Readonly<CapitalFractions> = Object.freeze({
  positionNotional: 0.5,
  dailyLoss: 0.005,
  drawdownFraction: 0.05,
});

/** The money limits for an account of `capital` (in its currency). */
export function capitalRiskLimits(
  capital: number,
  fractions: Readonly<CapitalFractions>,
): Partial<RiskLimits> {
  if (!(capital > 0) || !Number.isFinite(capital))
    throw new RangeError(`capital must be a finite amount > 0, got ${String(capital)}`);
  return {
    maxPositionNotional: fractions.positionNotional * capital,
    maxDailyLoss: fractions.dailyLoss * capital,
    maxDrawdownAmount: fractions.drawdownAmount === undefined ? Infinity : fractions.drawdownAmount * capital,
    maxDrawdownFraction: fractions.drawdownFraction ?? Infinity,
  };
}
