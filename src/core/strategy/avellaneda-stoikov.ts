/**
 * The Avellaneda–Stoikov market maker (Seed B's bot), as a Strategy for the engine.
 *
 * Units. The formulas (as-formulas.ts) run in units relative to the mid: s = 1, σ is the standard
 * deviation of the mid's simple returns per √(time unit of τ), κ is per fraction of the mid, and the
 * inventory q counts order sizes (q = position / orderSize: each fill moves q by one, as in the paper).
 * Prices are then r = mid·(1 − qγσ²τ) and a spread of mid·δ. One set of γ and κ thus means the same on a
 * 0.03-point option, a 300-point option and a $100,000 bitcoin, and Seed B's presets land where they
 * should: (2/γ)·ln(1 + γ/κ) with the default γ = 1, κ = 1000 is 0.2 % of the mid, inside the 0.1 %–1 %
 * clamp. In absolute price units the same κ would mean a spread of 0.002 points on any instrument.
 *
 * σ and τ. σ comes from the mid sampled on a fixed clock (volatility-estimator.ts), per sample, rescaled
 * to the horizon's unit: σ_unit = σ_sample·√(unitMs / sampleIntervalMs). τ is in that unit
 * (horizon.ts): the fraction of a KRX session left in `session` mode, a constant 1 (one day ahead by
 * default) in `rolling`/`infinite` mode for 24/7 crypto.
 *
 * One decision:
 *   1. update the estimators: σ from the mid as of `asOfMs`; κ from the trades observed since last time
 *   2. parameters: γ, κ₀ and the spread multiplier from the regime preset (or the base config); σ from
 *      the estimator, or the prior until it has its returns; κ fitted with κ₀ as its prior (or κ₀)
 *   3. r = mid·(1 − qγσ²τ); spread = m·clamp(mid·δ, minSpread·mid, maxSpread·mid), δ = γσ²τ + (2/γ)ln(1+γ/κ)
 *   4. quote-placement.ts: ≥ 1 tick a side, bid rounded down and ask up, post-only, no price ≤ 0
 *   5. position limits side by side and level by level; levels `levelSpacingTicks` grid steps apart
 *   6. the re-quote rule keeps a side's previous prices unless they moved ≥ N ticks or aged out
 * The estimators never gate quoting: from the first decision with a mid, the priors (σ prior, κ₀) stand
 * in until data arrives (quoting that stalls during warm-up is Hummingbot users' commonest complaint).
 *
 * Options. The tick grid (0.01 below 10 points, 0.05 above) and the 250,000 multiplier come from the
 * InstrumentSpec; the percentage clamp is of the premium, and a cheap premium still gets a tick each side
 * (0.03 → 0.02 / 0.04) while a bid that would be ≤ 0 is not quoted. Delta-awareness is only what the
 * relative units give: σ is the premium's own return volatility, so an option's leverage over the index
 * (its elasticity Δ·S/P) widens its spread and strengthens its skew by itself. Deferred: an implied
 * underlying from put–call parity, quoting around a model value instead of the last trade, delta hedging
 * with futures, and delta/vega limits across strikes (the risk gate limits each instrument's position).
 *
 * Allocation: the estimators and the quote ladders work in preallocated buffers; each call allocates only
 * the Decision it returns (its quotes and diagnostics), which the engine may keep.
 */
import type {
  AccountView,
  Decision,
  InstrumentSpec,
  MarketView,
  QuoteIntent,
  Strategy,
} from '../trading/types.ts';
import { isResolvedAsConfig, resolveAsConfig } from './as-config.ts';
import type { AvellanedaStoikovConfig, AvellanedaStoikovOptions } from './as-config.ts';
import { clampSpread, optimalSpread, reservationPrice } from './as-formulas.ts';
import { timeLeft } from './horizon.ts';
import { levelsAllowed, maxPositionQuantity } from './inventory-limits.ts';
import { TradeDistanceKappa } from './kappa-estimator.ts';
import { ladder, placeQuotes } from './quote-placement.ts';
import type { MarketTouch, PlacedQuotes } from './quote-placement.ts';
import { presetNameFor } from './regime-presets.ts';
import { QuotedSide } from './requote-policy.ts';
import { ClockSampledVolatility } from './volatility-estimator.ts';

export class AvellanedaStoikovStrategy implements Strategy {
  readonly name: string;
  readonly refresh: { onEvents: boolean | 'touch'; intervalMs?: number };
  readonly config: Readonly<AvellanedaStoikovConfig>;

  private readonly volatility: ClockSampledVolatility;
  private readonly kappaFit: TradeDistanceKappa;
  private readonly bids: QuotedSide;
  private readonly asks: QuotedSide;
  /** Scratch for one side's desired ladder. */
  private readonly desired: Float64Array;
  private readonly placed: PlacedQuotes = { bid: NaN, ask: NaN, bidCap: Infinity, askFloor: 0 };
  private readonly touch: MarketTouch = { bid: NaN, ask: NaN, mid: NaN };
  /** √(unitMs / sampleIntervalMs): σ per sample → σ per unit of τ. */
  private readonly sampleToUnit: number;
  /** √(1000 / sampleIntervalMs): σ per sample → σ per √second. */
  private readonly sampleToSecond: number;
  /** The horizon end last asked of the instrument, and when (see `horizonEnd`). */
  private horizonEndMs: number | undefined = undefined;
  private horizonAskedMs = NaN;
  private checkedLotSize = NaN;
  /** The last decision and what it was computed from (see `reuseUnchangedDecisions`). */
  private last: Decision | undefined = undefined;
  private readonly lastInputs = new Float64Array(7);
  private lastRegime: string | undefined = undefined;

  /**
   * Options are merged over the defaults in order, e.g. `(KRX_OPTION_AS_OPTIONS, { gamma: 0.5 })`; a
   * config resolveAsConfig already built (one per run, renamed per instrument with `withName`) is taken as
   * it is.
   */
  constructor(...options: ReadonlyArray<AvellanedaStoikovOptions>) {
    const only = options.length === 1 ? options[0]! : undefined;
    const config = only !== undefined && isResolvedAsConfig(only) ? only : resolveAsConfig(...options);
    this.config = config;
    this.name = config.name;
    // 0 means no timer: the strategy requotes only when its market moves (sparse markets, fast backtests).
    this.refresh = {
      onEvents: config.wakeOn === 'touch' ? 'touch' : true,
      intervalMs: config.wakeIntervalMs > 0 ? config.wakeIntervalMs : undefined,
    };
    const v = config.volatility;
    this.sampleToUnit = Math.sqrt(config.horizon.unitMs / v.sampleIntervalMs);
    this.sampleToSecond = Math.sqrt(1000 / v.sampleIntervalMs);
    this.volatility = new ClockSampledVolatility({
      sampleIntervalMs: v.sampleIntervalMs,
      window: v.window,
      method: v.method,
      ewmaHalfLifeSamples: v.ewmaHalfLifeSamples,
      minReturns: v.minReturns ?? v.window,
      priorPerSample: v.priorPerSqrtSecond / this.sampleToSecond,
    });
    this.kappaFit = new TradeDistanceKappa(config.kappaEstimator);
    this.bids = new QuotedSide(config.levels);
    this.asks = new QuotedSide(config.levels);
    this.desired = new Float64Array(config.levels);
  }

  decide(market: MarketView, account: AccountView, nowMs: number): Decision {
    const c = this.config;
    const spec = market.instrument;
    const mid = market.mid;

    // 1. Estimators (before the mid check: trades may come before a usable mid).
    let tau = 1;
    if (c.horizon.mode === 'session') {
      const end = this.horizonEnd(spec, nowMs);
      tau = timeLeft(c.horizon, end, nowMs);
    }
    this.volatility.observe(market.asOfMs, mid);
    const trades = market.recentTrades;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i]!;
      this.kappaFit.observe(t.ts, t.price, t.midBefore);
    }
    if (!(mid > 0)) {
      this.bids.clear();
      this.asks.clear();
      this.last = undefined;
      return { quotes: [], marketOrder: 0, diagnostics: { note: 'no mid yet' } };
    }
    this.checkLot(spec.lotSize);
    const sigmaSample = this.volatility.sigmaPerSample();
    const position = account.position;
    if (c.reuseUnchangedDecisions) {
      const reused = this.reusable(trades.length, mid, market, position, sigmaSample, tau, nowMs);
      if (reused !== undefined) return reused;
    }

    // 2. Parameters.
    const presetName = c.regimes.enabled ? presetNameFor(market.regime, c.regimes.labels) : undefined;
    const preset = presetName === undefined ? undefined : c.regimes.presets[presetName];
    const gamma = preset?.gamma ?? c.gamma;
    const kappaPrior = preset?.kappa ?? c.kappa;
    const multiplier = preset?.spreadMultiplier ?? 1;
    const sigma = sigmaSample * this.sampleToUnit;
    const kappa = c.kappaEstimator.enabled ? this.kappaFit.kappa(kappaPrior) : kappaPrior;

    // 3. Reservation price and spread.
    const q = position / c.orderSize;
    const reservation = mid * reservationPrice(1, q, gamma, sigma, tau);
    const modelSpread = mid * optimalSpread(gamma, sigma, tau, kappa);
    const spread =
      multiplier * clampSpread(modelSpread, c.minSpreadFraction * mid, c.maxSpreadFraction * mid);

    // 4. Level-0 prices on the grid.
    const touch = this.touch;
    touch.bid = market.bid;
    touch.ask = market.ask;
    touch.mid = mid;
    const placed = placeQuotes(reservation, spread, touch, spec, c.postOnly, this.placed);

    // 5–6. Limits, ladders, re-quote rule.
    const maxQuantity = maxPositionQuantity(c, mid, spec.multiplier);
    const bidLevels = levelsAllowed(position, 1, c.orderSize, c.levels, maxQuantity);
    const askLevels = levelsAllowed(position, -1, c.orderSize, c.levels, maxQuantity);
    let count = ladder(placed.bid, 1, bidLevels, c.levelSpacingTicks, spec, this.desired);
    this.bids.update(this.desired, count, 1, placed.bidCap, nowMs, c.requote, spec);
    count = ladder(placed.ask, -1, askLevels, c.levelSpacingTicks, spec, this.desired);
    this.asks.update(this.desired, count, -1, placed.askFloor, nowMs, c.requote, spec);

    const quotes: QuoteIntent[] = [];
    for (let i = 0; i < this.bids.count; i++)
      quotes.push({ side: 1, price: this.bids.prices[i]!, quantity: c.orderSize });
    for (let i = 0; i < this.asks.count; i++)
      quotes.push({ side: -1, price: this.asks.prices[i]!, quantity: c.orderSize });

    const decision: Decision = {
      quotes,
      marketOrder: 0,
      diagnostics: {
        mid,
        reservation,
        spread,
        quotedSpread:
          this.bids.count > 0 && this.asks.count > 0 ? this.asks.prices[0]! - this.bids.prices[0]! : NaN,
        volatility: sigmaSample * this.sampleToSecond,
        sigmaSource: this.volatility.ready ? 'estimate' : 'prior',
        gamma,
        kappa,
        kappaTrades: this.kappaFit.count,
        arrivalRate: this.kappaFit.arrivalRatePerSecond(),
        tau,
        inventory: q,
        regime: market.regime ?? 'none',
        preset: presetName ?? 'base',
        spreadMultiplier: multiplier,
      },
    };
    this.last = decision;
    return decision;
  }

  /**
   * The previous decision if this call would compute it again: no trades observed (κ and the arrival rate
   * unchanged), the same mid, touch, position, σ, τ and regime, and no quoted side old enough for the
   * re-quote rule to re-price it. The quote sides' state then stays as it is, exactly as `update` leaves
   * it when it keeps prices. Otherwise records this call's inputs and returns undefined.
   */
  private reusable(
    trades: number,
    mid: number,
    market: MarketView,
    position: number,
    sigmaSample: number,
    tau: number,
    nowMs: number,
  ): Decision | undefined {
    const inputs = this.lastInputs;
    const ready = this.volatility.ready ? 1 : 0;
    const maxAge = this.config.requote.maxAgeMs;
    if (
      this.last !== undefined &&
      trades === 0 &&
      inputs[0] === mid &&
      same(inputs[1]!, market.bid) &&
      same(inputs[2]!, market.ask) &&
      inputs[3] === position &&
      inputs[4] === sigmaSample &&
      same(inputs[5]!, tau) &&
      inputs[6] === ready &&
      this.lastRegime === market.regime &&
      (this.bids.count === 0 || nowMs - this.bids.placedMs < maxAge) &&
      (this.asks.count === 0 || nowMs - this.asks.placedMs < maxAge)
    ) {
      return this.last;
    }
    inputs[0] = mid;
    inputs[1] = market.bid;
    inputs[2] = market.ask;
    inputs[3] = position;
    inputs[4] = sigmaSample;
    inputs[5] = tau;
    inputs[6] = ready;
    this.lastRegime = market.regime;
    return undefined;
  }

  /**
   * The instrument's horizon end, asked again only when it may have changed: a horizon is the end of the
   * period holding the time asked (the session close of that day, or an expiry), so it holds until then.
   * A new end means a new session, and no σ return may span the break between two sessions.
   */
  private horizonEnd(spec: InstrumentSpec, nowMs: number): number | undefined {
    const cached = this.horizonEndMs;
    if (cached !== undefined && nowMs >= this.horizonAskedMs && nowMs < cached) return cached;
    const end = spec.horizonEndMs?.(nowMs);
    if (cached !== undefined && end !== cached) this.volatility.restart();
    this.horizonEndMs = end;
    this.horizonAskedMs = nowMs;
    return end;
  }

  /** The order size must be a whole number of lots; checked once per lot size seen. */
  private checkLot(lotSize: number): void {
    if (lotSize === this.checkedLotSize) return;
    const lots = this.config.orderSize / lotSize;
    if (lots < 1 - 1e-9 || Math.abs(lots - Math.round(lots)) > 1e-6 * lots) {
      throw new RangeError(`orderSize ${this.config.orderSize} is not a whole number of lots of ${lotSize}`);
    }
    this.checkedLotSize = lotSize;
  }
}

/** Equal, counting NaN as equal to NaN (a trade-only market has no bid or ask). */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
