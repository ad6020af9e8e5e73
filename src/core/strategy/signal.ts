/**
 * Seed A's runtime decision as a Strategy: at each minute bar's close, features → prediction → BUY, SELL
 * or HOLD with a market order, within a position limit.
 *
 * Features. The strategy keeps its own MinuteFeatureStream (src/core/features) and feeds it every trade
 * the engine shows it, so the bars and features it decides on are the ones the offline tables hold for
 * the same ticks (the feature module's parity guarantee), not a second implementation. A bar closes when
 * a trade of a later minute arrives or when the clock passes its end by `barCloseDelayMs` (allowing for
 * feed latency: a trade of the minute seen after its close would be dropped as late).
 *
 * Rule, on the newest bar closed since the last decision (at most one action per bar close; several bars
 * closing at once, after a quiet spell, give one decision on the newest):
 *
 *   prediction p > +θ          → target +maxPosition            (BUY up to it)
 *   prediction p < −θ          → target −maxPosition, or 0 when short selling is off   (SELL down to it)
 *   |p| ≤ θ, or p unknown      → HOLD: target = the position, pulled back inside the limits if outside
 *                                (neutral 'flat' instead targets 0 when |p| ≤ θ)
 *
 * and the market order is target − position. Between bar closes the decision is empty (no quotes, no
 * order). The prediction is a forward simple return of the premium, so θ is a return (default 1 %).
 */
import { z } from 'zod';
import { checkSettings } from '../config/params.ts';
import { MinuteFeatureStream } from '../features/live.ts';
import type { ClosedBar } from '../features/live.ts';
import type { BarTick } from '../features/bars.ts';
import { decodeKrxCode } from '../market/krx-code.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { sessionOf } from '../market/krx-calendar.ts';
import { expiryOfYmcode } from '../market/krx-contract.ts';
import { kstDateOf, kstToUtcMs } from '../market/kst.ts';
import type { AccountView, Decision, MarketView, Strategy } from '../trading/types.ts';
import { momentumBaseline } from './predictor.ts';
import type { Predictor } from './predictor.ts';

/** The option contract the ticks belong to, as the bar builder keys it. */
export interface SignalContract {
  code: string;
  ymcode: string;
  side: OptionSide;
}

export interface SignalConfig {
  name: string;
  predictor: Predictor;
  /** θ: the prediction must exceed it in size to act (a forward simple return). */
  threshold: number;
  /** What |p| ≤ θ means: keep the position ('hold'), or close it ('flat'). */
  neutral: 'hold' | 'flat';
  /** Largest |position|, contracts. */
  maxPosition: number;
  allowShort: boolean;
  /** The contract; default: decoded from the instrument's name (a KRX code) at the first decision. */
  contract?: SignalContract;
  /** How long after a minute's end its bar is closed by the clock, ms. */
  barCloseDelayMs: number;
  /**
   * 0 (default): wake at each bar close inside the contract's session (a minute's end +
   * `barCloseDelayMs`, from the first trade of the day to the session close) and at no other time.
   * More than 0: a fixed timer instead, every that many ms, nights included (the old behaviour).
   */
  wakeIntervalMs: number;
}

/** The settings a user may set (each optional); the predictor and the contract are given in code. */
export const SIGNAL_OPTIONS_SCHEMA = z
  .strictObject({
    name: z.string().min(1),
    threshold: z.number().min(0, 'must be ≥ 0'),
    neutral: z.enum(['hold', 'flat']),
    maxPosition: z.number().min(0, 'must be ≥ 0'),
    allowShort: z.boolean(),
    barCloseDelayMs: z.number().min(0, 'must be ≥ 0'),
    wakeIntervalMs: z.number().min(0, 'must be ≥ 0'),
  })
  .partial();

export const SIGNAL_DEFAULTS: Readonly<Omit<SignalConfig, 'predictor' | 'contract'>> = Object.freeze({
  name: 'signal',
  threshold: 0.01,
  neutral: 'hold',
  maxPosition: 1,
  allowShort: true,
  barCloseDelayMs: 1000,
  wakeIntervalMs: 0,
});

export type SignalAction = 'BUY' | 'SELL' | 'HOLD';

const MINUTE_MS = 60_000;

function minuteStart(ms: number): number {
  return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

export class SignalStrategy implements Strategy {
  readonly name: string;
  readonly refresh: Strategy['refresh'];
  readonly config: Readonly<SignalConfig>;

  private readonly stream = new MinuteFeatureStream();
  private contract: SignalContract | undefined;
  /** Reused for every trade: the bar builder reads a tick's fields and keeps none of it. */
  private readonly tick: BarTick = { ymcode: '', side: 'CALL', code: '', ts: 0, c: 0, ccnt: 0, oi: 0 };
  private latest: ClosedBar | undefined;
  private lastActedBarTs = -Infinity;

  constructor(options: Partial<SignalConfig> = {}) {
    const { predictor, contract, ...settings } = options;
    const config: SignalConfig = {
      ...SIGNAL_DEFAULTS,
      ...checkSettings(SIGNAL_OPTIONS_SCHEMA, settings),
      predictor: predictor ?? momentumBaseline(),
      ...(contract === undefined ? {} : { contract }),
    };
    this.config = config;
    this.name = config.name;
    this.contract = config.contract;
    this.refresh =
      config.wakeIntervalMs > 0
        ? { onEvents: false, intervalMs: config.wakeIntervalMs }
        : { onEvents: false, nextWakeMs: (afterMs) => this.nextBarCloseMs(afterMs) };
  }

  /**
   * The first bar close strictly after `afterMs` inside the session of that day (Infinity once the day's
   * last bar, the one holding the session close, has closed: the next day's first trade re-arms it).
   * Trades accumulate in the market view between wake-ups, so nothing is missed; a decision between bar
   * closes would be empty anyway.
   */
  nextBarCloseMs(afterMs: number): number {
    const delay = this.config.barCloseDelayMs;
    let barEnd = (Math.floor((afterMs - delay) / MINUTE_MS) + 1) * MINUTE_MS;
    const date = kstDateOf(barEnd - MINUTE_MS);
    const expiry = this.contract === undefined ? undefined : expiryOfYmcode(this.contract.ymcode);
    const session = sessionOf(date, expiry);
    const firstBarEnd = minuteStart(kstToUtcMs(date, session.open)) + MINUTE_MS;
    const lastBarEnd = minuteStart(kstToUtcMs(date, session.close)) + MINUTE_MS;
    if (barEnd < firstBarEnd) barEnd = firstBarEnd;
    return barEnd <= lastBarEnd ? barEnd + delay : Infinity;
  }

  decide(market: MarketView, account: AccountView, nowMs: number): Decision {
    const contract = this.contractOf(market, nowMs);
    const tick = this.tick;
    tick.code = contract.code;
    tick.ymcode = contract.ymcode;
    tick.side = contract.side;
    const trades = market.recentTrades;
    for (let i = 0; i < trades.length; i++) {
      const trade = trades[i]!;
      tick.ts = trade.ts;
      tick.c = trade.price;
      tick.ccnt = trade.size;
      this.keepNewest(this.stream.pushTick(tick));
    }
    this.keepNewest(this.stream.closeThrough(nowMs - this.config.barCloseDelayMs));

    const closed = this.latest;
    if (closed === undefined || closed.bar.bar_ts <= this.lastActedBarTs)
      return { quotes: [], marketOrder: 0 };
    this.lastActedBarTs = closed.bar.bar_ts;

    const prediction = this.config.predictor.predict(closed.features);
    const position = account.position;
    const target = this.targetFor(prediction, position);
    const order = target - position;
    const action: SignalAction = order > 0 ? 'BUY' : order < 0 ? 'SELL' : 'HOLD';
    return {
      quotes: [],
      marketOrder: order,
      diagnostics: {
        action,
        prediction,
        threshold: this.config.threshold,
        target,
        barTs: closed.bar.bar_ts,
        close: closed.bar.c,
        f_ret_1: closed.features.f_ret_1 ?? NaN,
        f_ret_5: closed.features.f_ret_5 ?? NaN,
        predictor: this.config.predictor.name,
      },
    };
  }

  /** The position the rule wants after a prediction (see the module comment). */
  targetFor(prediction: number, position: number): number {
    const { threshold, maxPosition, allowShort, neutral } = this.config;
    const lowest = allowShort ? -maxPosition : 0;
    if (prediction > threshold) return maxPosition;
    if (prediction < -threshold) return lowest;
    if (neutral === 'flat' && !Number.isNaN(prediction)) return 0;
    return Math.min(maxPosition, Math.max(lowest, position));
  }

  private keepNewest(bars: ClosedBar[]): void {
    const newest = bars[bars.length - 1];
    if (newest !== undefined && (this.latest === undefined || newest.bar.bar_ts > this.latest.bar.bar_ts)) {
      this.latest = newest;
    }
  }

  private contractOf(market: MarketView, nowMs: number): SignalContract {
    if (this.contract === undefined) {
      const decoded = decodeKrxCode(market.instrument.name, Number(kstDateOf(nowMs).slice(0, 4)));
      if (decoded.side === undefined) {
        throw new TypeError(`the signal strategy trades options; ${market.instrument.name} is a future`);
      }
      this.contract = { code: decoded.code, ymcode: decoded.ymcode, side: decoded.side };
    }
    return this.contract;
  }
}
