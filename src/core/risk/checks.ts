/**
 * One pure function per limit: given what the gate sees, is the limit breached, and one sentence saying
 * why (also when it is not, for the logs). The gate (limit-risk-gate.ts) only strings these together.
 * The sentence is built when first read, not when the check runs: the engine asks the gate about every
 * decision of a backtest, and almost all of them pass, so formatting eight sentences each time would
 * cost more than the checks themselves.
 *
 * Comparisons allow a relative tolerance of 1e-9 of the limit, so that a value that is at the limit on
 * paper (0.1 + 0.2 BTC against 0.3, or a notional computed as |q| × mid × multiplier) counts as at the
 * limit rather than a hair over or under it.
 */
import type { Decision, RiskInputs } from '../trading/types.ts';
import { money, percent, quantity, seconds } from './format.ts';

export type RiskCheckName =
  | 'inputs'
  | 'stale-data'
  | 'order-rate'
  | 'daily-loss'
  | 'drawdown'
  | 'loss-streak'
  | 'position-notional'
  | 'position-quantity';

export interface RiskCheck {
  name: RiskCheckName;
  /** What a breach of this limit still allows: nothing ('halt') or quotes that shrink |position|. */
  mode: 'halt' | 'reduce-only';
  breached: boolean;
  /** One human-readable sentence, e.g. "daily loss 51.20 exceeds the 50.00 limit". */
  readonly message: string;
}

/** A check whose sentence is formatted on first read (a class: object literals with getters are slow in V8). */
class LazyCheck implements RiskCheck {
  readonly name: RiskCheckName;
  readonly mode: RiskCheck['mode'];
  readonly breached: boolean;
  private readonly describe: () => string;

  constructor(name: RiskCheckName, mode: RiskCheck['mode'], breached: boolean, describe: () => string) {
    this.name = name;
    this.mode = mode;
    this.breached = breached;
    this.describe = describe;
  }

  get message(): string {
    return this.describe();
  }

  /** JSON (logs) shows the sentence, not the function. */
  toJSON(): { name: RiskCheckName; mode: RiskCheck['mode']; breached: boolean; message: string } {
    return { name: this.name, mode: this.mode, breached: this.breached, message: this.message };
  }
}

function check(
  name: RiskCheckName,
  mode: RiskCheck['mode'],
  breached: boolean,
  describe: () => string,
): RiskCheck {
  return new LazyCheck(name, mode, breached, describe);
}

const RELATIVE_TOLERANCE = 1e-9;

function tolerance(limit: number): number {
  return Number.isFinite(limit) ? RELATIVE_TOLERANCE * Math.max(1, Math.abs(limit)) : 0;
}

/** value has passed limit. */
function exceeds(value: number, limit: number): boolean {
  return value > limit + tolerance(limit);
}

/** value has reached (or passed) limit. */
function reaches(value: number, limit: number): boolean {
  return value >= limit - tolerance(limit);
}

const NUMERIC_INPUTS = [
  'nowMs',
  'position',
  'positionNotional',
  'equity',
  'dayStartEquity',
  'peakEquity',
] as const;

/** Fail closed: a risk decision on NaN equity or position would be a guess. */
export function checkInputs(inputs: RiskInputs): RiskCheck {
  let finite = true;
  for (const key of NUMERIC_INPUTS) finite &&= Number.isFinite(inputs[key]);
  const values = finite ? undefined : NUMERIC_INPUTS.map((key) => [key, inputs[key]] as const);
  return check('inputs', 'halt', !finite, () =>
    values === undefined
      ? 'risk inputs are finite numbers'
      : `cannot assess risk: ${values
          .filter(([, value]) => !Number.isFinite(value))
          .map(([key, value]) => `${key} is ${String(value)}`)
          .join(', ')}`,
  );
}

/** Halt while the latest market event is older than the limit; clears by itself once data resumes. */
export function checkStaleData(nowMs: number, lastDataMs: number, maxAgeMs: number): RiskCheck {
  if (!Number.isFinite(lastDataMs))
    return check('stale-data', 'halt', true, () => 'no market data observed yet');
  const age = nowMs - lastDataMs;
  const breached = exceeds(age, maxAgeMs);
  return check('stale-data', 'halt', breached, () =>
    breached
      ? `no market data for ${seconds(age)}, over the ${seconds(maxAgeMs)} limit`
      : `market data ${seconds(age)} old, within the ${seconds(maxAgeMs)} limit`,
  );
}

/**
 * Halt once the window holds the maximum: the next order would pass it. Halting (not reduce-only) because
 * a reducing order is still an order.
 */
export function checkOrderRate(
  ordersInWindow: number,
  maxOrders: number,
  windowMs: number,
  freesInMs: number,
): RiskCheck {
  const breached = reaches(ordersInWindow, maxOrders);
  return check('order-rate', 'halt', breached, () => {
    const counted = `${ordersInWindow} orders sent in the last ${seconds(windowMs)}`;
    return breached
      ? `${counted}, at or over the limit of ${maxOrders}; the oldest drops out in ${seconds(freesInMs)}`
      : `${counted}, under the limit of ${maxOrders}`;
  });
}

/** A daily-loss breach held from earlier in the same day (see LimitRiskGate). */
export interface DailyLossLatch {
  /** The trading day it holds for (RiskInputs.tradingDay). */
  tradingDay: string;
  dayStartEquity: number;
  loss: number;
  sinceMs: number;
}

export function checkDailyLoss(
  inputs: RiskInputs,
  maxLoss: number,
  latch: DailyLossLatch | undefined,
): RiskCheck {
  const loss = inputs.dayStartEquity - inputs.equity;
  const over = exceeds(loss, maxLoss);
  return check('daily-loss', 'reduce-only', over || latch !== undefined, () => {
    if (over) return `daily loss ${money(loss)} exceeds the ${money(maxLoss)} limit`;
    if (latch !== undefined) {
      return (
        `daily loss ${money(latch.loss)} passed the ${money(maxLoss)} limit at ${new Date(latch.sinceMs).toISOString()} ` +
        `(now ${money(loss)}); reduce-only until the next trading day`
      );
    }
    return `daily loss ${money(loss)} within the ${money(maxLoss)} limit`;
  });
}

/**
 * Drawdown from the peak, as a fraction of the peak and/or in currency; either passing its limit breaches.
 * A percentage of a non-positive peak means nothing (an engine started with no cash keeps PnL, not
 * capital), so with a finite fraction limit and such a peak the gate refuses rather than guesses, and says
 * how to fix it.
 */
export function checkDrawdown(inputs: RiskInputs, maxFraction: number, maxAmount: number): RiskCheck {
  const { peakEquity } = inputs;
  const amount = peakEquity - inputs.equity;
  const fraction = amount / peakEquity;
  const fractionLimited = maxFraction !== Infinity;
  const amountLimited = maxAmount !== Infinity;
  const noBase = fractionLimited && !(peakEquity > 0);
  const fractionOver = fractionLimited && !noBase && exceeds(fraction, maxFraction);
  const amountOver = amountLimited && exceeds(amount, maxAmount);
  return check('drawdown', 'reduce-only', noBase || fractionOver || amountOver, () => {
    const passed: string[] = [];
    const within: string[] = [];
    if (noBase) {
      passed.push(
        `drawdown limit of ${percent(maxFraction)} needs a positive peak equity, got ${money(peakEquity)} ` +
          '(start the account with capital, or use maxDrawdownAmount)',
      );
    } else if (fractionLimited) {
      const stated = `drawdown ${percent(fraction)} from peak equity ${money(peakEquity)}`;
      if (fractionOver) passed.push(`${stated} exceeds the ${percent(maxFraction)} limit`);
      else within.push(`${stated} within the ${percent(maxFraction)} limit`);
    }
    if (amountLimited) {
      const stated = `drawdown ${money(amount)} from peak equity ${money(peakEquity)}`;
      if (amountOver) passed.push(`${stated} exceeds the ${money(maxAmount)} limit`);
      else within.push(`${stated} within the ${money(maxAmount)} limit`);
    }
    if (passed.length > 0) return passed.join('; ');
    return within.length > 0 ? within.join('; ') : 'no drawdown limit';
  });
}

export function checkLossStreak(
  streak: number,
  maxLosses: number,
  breached: boolean,
  cooldownLeftMs: number,
): RiskCheck {
  return check('loss-streak', 'reduce-only', breached, () =>
    breached
      ? `${streak} consecutive losing closes, over the limit of ${maxLosses}; cool-down ends in ${seconds(cooldownLeftMs)}`
      : `${streak} consecutive losing closes, within the limit of ${maxLosses}`,
  );
}

/**
 * The gate sees only the current notional (RiskInputs has no price or multiplier to value a quote), so it
 * refuses additions once the notional has reached the limit. One decision can therefore overshoot by
 * whatever it fills; maxPositionQuantity bounds that.
 */
export function checkPositionNotional(positionNotional: number, maxNotional: number): RiskCheck {
  if (maxNotional === Infinity) {
    return check('position-notional', 'reduce-only', false, () => 'no position notional limit');
  }
  const breached = reaches(positionNotional, maxNotional);
  return check('position-notional', 'reduce-only', breached, () =>
    breached
      ? `position notional ${money(positionNotional)} is at or over the ${money(maxNotional)} limit`
      : `position notional ${money(positionNotional)} under the ${money(maxNotional)} limit`,
  );
}

/**
 * Worst case of the decision: the market order fills, then every resting quote on one side fills. The
 * long extreme is position + market order + all bids, the short extreme position + market order − all
 * asks; the larger in absolute value must not pass the limit.
 */
export function checkPositionQuantity(
  position: number,
  decision: Decision | undefined,
  maxQuantity: number,
): RiskCheck {
  if (maxQuantity === Infinity) {
    return check('position-quantity', 'reduce-only', false, () => 'no position quantity limit');
  }
  let bids = 0;
  let asks = 0;
  const quotes = decision?.quotes ?? [];
  for (let i = 0; i < quotes.length; i++) {
    const quote = quotes[i]!;
    if (quote.side === 1) bids += quote.quantity;
    else asks += quote.quantity;
  }
  const marketOrder = decision?.marketOrder ?? 0;
  const long = position + marketOrder + bids;
  const short = position + marketOrder - asks;
  const worst = Math.abs(long) >= Math.abs(short) ? long : short;
  const breached = exceeds(Math.abs(worst), maxQuantity);
  return check('position-quantity', 'reduce-only', breached, () => {
    const how =
      `position ${quantity(position)}, market order ${quantity(marketOrder)}, ` +
      `bids ${quantity(bids)}, asks ${quantity(asks)}: worst case ${quantity(worst)}`;
    return breached
      ? `${how} exceeds the ${quantity(maxQuantity)} limit`
      : `${how} within the ${quantity(maxQuantity)} limit`;
  });
}
