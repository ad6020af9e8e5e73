import { describe, expect, it } from 'vitest';
import { BTCUSDT_SPEC, krxOptionSpec } from '../../../src/core/market/instrument-specs.ts';
import { kstToUtcMs } from '../../../src/core/market/kst.ts';
import type { Decision } from '../../../src/core/trading/types.ts';
import { CRYPTO_AS_OPTIONS, KRX_OPTION_AS_OPTIONS } from '../../../src/core/strategy/as-config.ts';
import type { AvellanedaStoikovOptions } from '../../../src/core/strategy/as-config.ts';
import { AvellanedaStoikovStrategy } from '../../../src/core/strategy/avellaneda-stoikov.ts';
import { QuotedSide } from '../../../src/core/strategy/requote-policy.ts';
import { Random } from '../../../src/core/math/random.ts';
import { accountView, asViews, CENT_SPEC, marketView, trade } from './fixtures.ts';
import type { MutableAccount, MutableMarket } from './fixtures.ts';

const KRX = krxOptionSpec('B0161530');
/** 12:15 KST on an ordinary trading day of the January 2026 contract: half the session (210 of 420 minutes) left. */
const KRX_NOON = kstToUtcMs('2026-01-06', '121500');

function bidsAndAsks(decision: Decision): { bids: number[]; asks: number[] } {
  return {
    bids: decision.quotes.filter((q) => q.side === 1).map((q) => q.price),
    asks: decision.quotes.filter((q) => q.side === -1).map((q) => q.price),
  };
}

function decideOnce(
  options: AvellanedaStoikovOptions[],
  market: MutableMarket,
  account: MutableAccount = accountView(),
  nowMs = market.asOfMs,
): Decision {
  const strategy = new AvellanedaStoikovStrategy(...options);
  return strategy.decide(...asViews(market, account), nowMs);
}

/** No σ (prior 0, so no risk term) and no κ fit: spreads are the liquidity term alone. */
const STATIC: AvellanedaStoikovOptions = {
  volatility: { priorPerSqrtSecond: 0 },
  kappaEstimator: { enabled: false },
};

describe('the A&S quoter with default parameters', () => {
  it('quotes from the very first decision, on the priors (no warm-up stall)', () => {
    // Defaults: γ = 1, κ = 1000, rolling horizon of one day (τ = 1), σ prior 10⁻⁴/√s:
    //   σ per √day = 10⁻⁴ · √86400 → σ² = 10⁻⁸ · 86400 = 8.64·10⁻⁴
    //   δ = 8.64·10⁻⁴ + 2·ln(1.001) = 8.64·10⁻⁴ + 0.0019990007 = 0.0028630007 of the mid
    //   mid 100 → spread 0.28630007 (inside the 0.1–1.0 clamp), half 0.14315
    //   bid 100 − 0.14315 = 99.85685 → 99.85 (down); ask 100.14315 → 100.15 (up)
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100 });
    const decision = decideOnce([], market);
    expect(decision.marketOrder).toBe(0);
    expect(decision.quotes).toEqual([
      { side: 1, price: 99.85, quantity: 1 },
      { side: -1, price: 100.15, quantity: 1 },
    ]);
    const d = decision.diagnostics!;
    expect(d.reservation).toBe(100);
    expect(d.spread).toBeCloseTo(0.28630007, 8);
    expect(d.volatility).toBeCloseTo(1e-4, 15);
    expect(d.sigmaSource).toBe('prior');
    expect(d.gamma).toBe(1);
    expect(d.kappa).toBe(1000);
    expect(d.tau).toBe(1);
    expect(d.regime).toBe('none');
    expect(d.quotedSpread).toBeCloseTo(0.3, 12);
  });

  it('skews the reservation price against inventory and holds the skewed ask to the book', () => {
    // Long 2 lots: r = 100 · (1 − 2 · 8.64·10⁻⁴) = 99.8272. Bid 99.8272 − 0.14315 = 99.68405 → 99.68.
    // Ask 99.97035 → 99.98, but post-only against a 99.99 bid lifts it to 100.00.
    const market = marketView(CENT_SPEC, { asOfMs: 1000, bid: 99.99, ask: 100.01, mid: 100 });
    const decision = decideOnce([], market, accountView(2));
    expect(decision.diagnostics!.reservation).toBeCloseTo(99.8272, 10);
    expect(decision.diagnostics!.inventory).toBe(2);
    expect(bidsAndAsks(decision)).toEqual({ bids: [99.68], asks: [100] });
  });

  it('produces nothing before there is a mid, and quotes as soon as there is one', () => {
    const strategy = new AvellanedaStoikovStrategy();
    const market = marketView(CENT_SPEC);
    const account = accountView();
    expect(strategy.decide(...asViews(market, account), 0).quotes).toEqual([]);
    market.asOfMs = 500;
    market.mid = 100;
    expect(strategy.decide(...asViews(market, account), 500).quotes).toHaveLength(2);
  });
});

describe('inventory limits, sizes and levels', () => {
  it('stops quoting the side that would take the position past the limit', () => {
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100 });
    const limit: AvellanedaStoikovOptions = { ...STATIC, maxPositionQuantity: 2 };
    const long = bidsAndAsks(decideOnce([limit], market, accountView(2)));
    expect(long.bids).toEqual([]);
    expect(long.asks).toHaveLength(1);
    const short = bidsAndAsks(decideOnce([limit], market, accountView(-2)));
    expect(short.asks).toEqual([]);
    expect(short.bids).toHaveLength(1);
  });

  it('lays levels a set number of ticks apart, as many as the limit allows', () => {
    // σ = 0: spread 0.19990007 (2·ln(1.001) of 100), half 0.09995 → level 0 at 99.90 / 100.10.
    // Levels 2 ticks apart: 99.90, 99.88, 99.86 and 100.10, 100.12, 100.14.
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100 });
    const ladder: AvellanedaStoikovOptions = { ...STATIC, levels: 3, levelSpacingTicks: 2, orderSize: 2 };
    const decision = decideOnce([ladder], market);
    expect(bidsAndAsks(decision)).toEqual({ bids: [99.9, 99.88, 99.86], asks: [100.1, 100.12, 100.14] });
    expect(decision.quotes.every((q) => q.quantity === 2)).toBe(true);
    // Limit 4 with orders of 2 at a position of +2: one more bid level fits (2 + 2 = 4), all three asks.
    const limited = decideOnce([ladder, { maxPositionQuantity: 4 }], market, accountView(2));
    const { bids, asks } = bidsAndAsks(limited);
    expect([bids.length, asks.length]).toEqual([1, 3]);
  });

  it("applies Seed B's $5,000 notional limit to bitcoin", () => {
    // 0.001 BTC a quote; at $100,000 the limit is 0.05 BTC: at +0.05 no bids, at +0.049 one more fits.
    const market = marketView(BTCUSDT_SPEC, { asOfMs: 1000, bid: 99_999.99, ask: 100_000.01, mid: 100_000 });
    const full = bidsAndAsks(decideOnce([CRYPTO_AS_OPTIONS], market, accountView(0.05)));
    expect(full.bids).toEqual([]);
    expect(full.asks).toHaveLength(1);
    const almost = decideOnce([CRYPTO_AS_OPTIONS], market, accountView(0.049));
    expect(bidsAndAsks(almost).bids).toHaveLength(1);
    expect(almost.quotes[0]!.quantity).toBe(0.001);
  });

  it('refuses an order size that is not a whole number of lots, and a config without a position limit', () => {
    const market = marketView(BTCUSDT_SPEC, { asOfMs: 1000, mid: 100_000 });
    expect(() => decideOnce([CRYPTO_AS_OPTIONS, { orderSize: 0.000015 }], market)).toThrow(RangeError);
    expect(() => new AvellanedaStoikovStrategy({ maxPositionQuantity: undefined })).toThrow(RangeError);
    expect(() => new AvellanedaStoikovStrategy({ gamma: -1 })).toThrow(RangeError);
  });
});

describe('regime presets', () => {
  // σ = 0 and κ fixed, so each spread is m · clamp(mid · (2/γ)·ln(1 + γ/κ), 0.1, 1.0) at a mid of 100:
  //   base      γ 1,   κ 1000, m 1:   0.19990007           → half 0.09995  → 99.90 / 100.10
  //   ranging   γ 1,   κ 1000, m 0.8: 0.8 · 0.19990007     = 0.15992006 → half 0.07996 → 99.92 / 100.08
  //   trending  γ 0.5, κ 500,  m 1.5: 1.5 · 0.39980013     = 0.5997002  → half 0.29985 → 99.70 / 100.30
  //   high_vol  γ 0.3, κ 200,  m 2.5: 2.5 · 0.99925074     = 2.4981269  → half 1.24906 → 98.75 / 101.25
  //   low_vol   γ 1.5, κ 2000, m 0.6: 0.6 · clamp(0.09996) = 0.6 · 0.1 = 0.06 → half 0.03 → 99.97 / 100.03
  const cases: Array<[string | undefined, string, number, number, number, number]> = [
    [undefined, 'base', 1, 1000, 99.9, 100.1],
    ['foo', 'base', 1, 1000, 99.9, 100.1],
    ['range', 'ranging', 1, 1000, 99.92, 100.08],
    ['ranging', 'ranging', 1, 1000, 99.92, 100.08],
    ['trend_up', 'trending', 0.5, 500, 99.7, 100.3],
    ['trend_down', 'trending', 0.5, 500, 99.7, 100.3],
    ['trending', 'trending', 0.5, 500, 99.7, 100.3],
    ['volatile', 'high_vol', 0.3, 200, 98.75, 101.25],
    ['low_vol', 'low_vol', 1.5, 2000, 99.97, 100.03],
  ];
  it.each(cases)('regime %s → preset %s (γ %s, κ %s): %s / %s', (regime, preset, gamma, kappa, bid, ask) => {
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100, regime });
    const decision = decideOnce([STATIC], market);
    expect(bidsAndAsks(decision)).toEqual({ bids: [bid], asks: [ask] });
    expect(decision.diagnostics).toMatchObject({ preset, gamma, kappa, regime: regime ?? 'none' });
  });

  it('leaves the base parameters when presets are switched off', () => {
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100, regime: 'volatile' });
    const decision = decideOnce([STATIC, { regimes: { enabled: false } }], market);
    expect(bidsAndAsks(decision)).toEqual({ bids: [99.9], asks: [100.1] });
  });

  it("uses the preset's κ as the estimator's prior", () => {
    // No trades yet: the fitted κ is the prior, the high-vol preset's 200.
    const market = marketView(CENT_SPEC, { asOfMs: 1000, mid: 100, regime: 'volatile' });
    expect(decideOnce([], market).diagnostics!.kappa).toBe(200);
  });
});

describe('KOSPI200 options', () => {
  it('quotes a 0.03 premium one tick each side, never at zero or below', () => {
    // Session mode at 12:15: τ = 210/420 = 0.5. σ prior 0.002/√s per √session: σ² = 4·10⁻⁶ · 25200 = 0.1008.
    // δ = 1 · 0.1008 · 0.5 + 2·ln(1.001) = 0.0524 of 0.03 = 0.00157, clamped to 1 % = 0.0003: below a tick,
    // so each side is one tick from the last trade: 0.02 / 0.04.
    const market = marketView(KRX, { asOfMs: KRX_NOON, mid: 0.03, lastTradePrice: 0.03 });
    const flat = decideOnce([KRX_OPTION_AS_OPTIONS], market);
    expect(flat.diagnostics!.tau).toBe(0.5);
    expect(bidsAndAsks(flat)).toEqual({ bids: [0.02], asks: [0.04] });
    // Long 3: r = 0.03 · (1 − 3 · 0.1008 · 0.5) = 0.025464 → bid 0.015464 → 0.01; ask stays 0.04.
    const long3 = decideOnce([KRX_OPTION_AS_OPTIONS], market, accountView(3));
    expect(bidsAndAsks(long3)).toEqual({ bids: [0.01], asks: [0.04] });
    // Long 9: r = 0.03 · (1 − 9 · 0.0504) = 0.016392 → a bid of 0.006392 rounds to 0.00: not quoted.
    const long9 = decideOnce([KRX_OPTION_AS_OPTIONS], market, accountView(9));
    expect(bidsAndAsks(long9)).toEqual({ bids: [], asks: [0.04] });
    // A 0.01 premium: no positive bid exists a tick below; the ask is 0.02.
    market.mid = 0.01;
    expect(bidsAndAsks(decideOnce([KRX_OPTION_AS_OPTIONS], market))).toEqual({ bids: [], asks: [0.02] });
    for (const d of [flat, long3, long9])
      expect(d.quotes.every((q) => q.price > 0 && q.quantity === 1)).toBe(true);
  });

  it('respects the 10-point tick change', () => {
    // A spread capped at 0.01 % of 10.00 (0.001) is below a tick: the bid is one 0.01 tick under 10.00,
    // the ask one 0.05 tick over.
    const market = marketView(KRX, { asOfMs: KRX_NOON, mid: 10 });
    const narrow: AvellanedaStoikovOptions = { minSpreadFraction: 0, maxSpreadFraction: 0.0001 };
    expect(bidsAndAsks(decideOnce([KRX_OPTION_AS_OPTIONS, narrow], market))).toEqual({
      bids: [9.99],
      asks: [10.05],
    });
  });

  it('measures τ to the session close, which is earlier on expiry day', () => {
    // 2026-01-08 is the January contract's expiry: close 15:20, so at 08:45 τ = 395/420 = 0.9404761905.
    const open = kstToUtcMs('2026-01-08', '084500');
    const market = marketView(KRX, { asOfMs: open, mid: 2.5 });
    expect(decideOnce([KRX_OPTION_AS_OPTIONS], market).diagnostics!.tau).toBeCloseTo(395 / 420, 12);
    // After the close the horizon is spent: τ = 0.
    const late = kstToUtcMs('2026-01-06', '160000');
    market.asOfMs = late;
    expect(decideOnce([KRX_OPTION_AS_OPTIONS], market, accountView(), late).diagnostics!.tau).toBe(0);
  });

  it('restarts σ sampling at a new session, so the overnight gap is not a return', () => {
    // Day 1: the premium sits at 5.00 for 22 minutes → 21 zero returns on the minute clock: σ = 0.
    // Day 2 opens at 6.00 (+20 %). Had the gap been sampled, σ would be about 0.2/√20 per minute.
    const strategy = new AvellanedaStoikovStrategy(KRX_OPTION_AS_OPTIONS);
    const market = marketView(KRX, { mid: 5 });
    const account = accountView();
    const at = (date: string, hhmm: string) => kstToUtcMs(date, `${hhmm}00`);
    let decision: Decision | undefined;
    for (let minute = 0; minute <= 22; minute++) {
      market.asOfMs = at('2026-01-06', '0900') + minute * 60_000;
      decision = strategy.decide(...asViews(market, account), market.asOfMs);
    }
    expect(decision!.diagnostics).toMatchObject({ sigmaSource: 'estimate', volatility: 0 });
    market.mid = 6;
    for (let minute = 0; minute <= 3; minute++) {
      market.asOfMs = at('2026-01-07', '0900') + minute * 60_000;
      decision = strategy.decide(...asViews(market, account), market.asOfMs);
    }
    expect(decision!.diagnostics).toMatchObject({ sigmaSource: 'estimate', volatility: 0 });
  });
});

describe('estimators inside the strategy', () => {
  it('moves κ from the prior towards the trades', () => {
    // 500 trades each 0.2 % from the mid: κ̂ = (50 + 500) / (50/1000 + 500 · 0.002) = 550 / 1.05 = 523.81.
    const market = marketView(CENT_SPEC, { asOfMs: 60_000, mid: 100 });
    market.recentTrades = Array.from({ length: 500 }, (_, i) => trade(i * 100, i % 2 ? 100.2 : 99.8, 100));
    const d = decideOnce([], market).diagnostics!;
    expect(d.kappa).toBeCloseTo(550 / 1.05, 9);
    expect(d.kappaTrades).toBe(500);
    expect(d.arrivalRate).toBeCloseTo(10, 9); // 499 intervals over 49.9 s
  });

  it('switches σ from the prior to the estimate once it has 20 returns', () => {
    // Mid alternating 100 / 100.1 each second: returns ±0.1 % (0.001 and −0.000999), σ ≈ 0.00102 per √s.
    const strategy = new AvellanedaStoikovStrategy();
    const market = marketView(CENT_SPEC);
    const account = accountView();
    let decision: Decision | undefined;
    for (let i = 0; i <= 20; i++) {
      market.asOfMs = i * 1000;
      market.mid = i % 2 ? 100.1 : 100;
      decision = strategy.decide(...asViews(market, account), market.asOfMs);
      if (i < 20) expect(decision.diagnostics!.sigmaSource).toBe('prior');
    }
    // 10 returns of +0.001 and 10 of 100/100.1 − 1 = −0.000999001: mean 0.00000049950, each deviation
    // ±0.00099950 → sample std = 0.00099950 · √(20/19) = 0.00102546.
    expect(decision!.diagnostics!.sigmaSource).toBe('estimate');
    expect(decision!.diagnostics!.volatility).toBeCloseTo(0.00102546, 7);
  });
});

describe('re-quoting', () => {
  it('keeps resting prices until the desired price moves N ticks or the quotes age out', () => {
    // σ = 0: spread = 0.0019990007 · mid. minTicks 3, max age 10 s.
    const strategy = new AvellanedaStoikovStrategy(STATIC, { requote: { minTicks: 3, maxAgeMs: 10_000 } });
    const market = marketView(CENT_SPEC);
    const account = accountView();
    const step = (ms: number, mid: number) => {
      market.asOfMs = ms;
      market.mid = mid;
      return bidsAndAsks(strategy.decide(...asViews(market, account), ms));
    };
    expect(step(0, 100)).toEqual({ bids: [99.9], asks: [100.1] });
    // Mid 100.01: desired 100.01 ∓ 0.09996 → 99.91 / 100.11, one tick away: keep 99.90 / 100.10.
    expect(step(1000, 100.01)).toEqual({ bids: [99.9], asks: [100.1] });
    // Mid 100.03: desired 99.93 / 100.13, three ticks: re-priced.
    expect(step(2000, 100.03)).toEqual({ bids: [99.93], asks: [100.13] });
    // Mid 100.04 at 12 s: one tick, but the quotes are 10 s old: re-priced.
    expect(step(11_000, 100.03)).toEqual({ bids: [99.93], asks: [100.13] });
    expect(step(12_000, 100.04)).toEqual({ bids: [99.94], asks: [100.14] });
  });

  it('re-prices a kept quote that the market has moved through (post-only bound)', () => {
    const side = new QuotedSide(1);
    const rule = { minTicks: 3, maxAgeMs: 60_000 };
    side.update(Float64Array.of(99.93), 1, 1, Infinity, 0, rule, CENT_SPEC);
    // One tick lower is wanted and the cap is 99.95: within the hysteresis, kept.
    expect(side.update(Float64Array.of(99.92), 1, 1, 99.95, 1000, rule, CENT_SPEC)).toBe(false);
    expect(side.prices[0]).toBe(99.93);
    // The best ask fell to 99.93, so the cap is 99.92: 99.93 would cross, re-priced.
    expect(side.update(Float64Array.of(99.92), 1, 1, 99.92, 2000, rule, CENT_SPEC)).toBe(true);
    expect(side.prices[0]).toBe(99.92);
    // Fewer levels (a limit) re-prices at once.
    expect(side.update(Float64Array.of(99.92), 0, 1, 99.92, 3000, rule, CENT_SPEC)).toBe(true);
    expect(side.count).toBe(0);
  });
});

describe('determinism', () => {
  it('gives the same decisions for the same inputs, and keeps nothing of the reused views', () => {
    const run = () => {
      const rng = Random.derive('strategy-test', 'determinism');
      const strategy = new AvellanedaStoikovStrategy({ levels: 2 });
      const market = marketView(CENT_SPEC);
      const account = accountView();
      const regimes = ['range', 'trend_up', 'volatile', undefined, 'low_vol'];
      let mid = 100;
      const decisions: Decision[] = [];
      for (let i = 0; i < 2000; i++) {
        const ms = i * 250;
        const trades = [];
        for (let k = rng.poisson(0.5); k > 0; k--)
          trades.push(trade(ms, mid + rng.intBetween(-5, 5) / 100, mid));
        mid = Math.round((mid + rng.intBetween(-1, 1) / 100) * 100) / 100;
        market.asOfMs = ms;
        market.mid = mid;
        market.bid = mid - 0.01;
        market.ask = mid + 0.01;
        market.recentTrades = trades;
        market.regime = regimes[Math.floor(i / 400)];
        account.position = rng.intBetween(-3, 3);
        const decision = strategy.decide(...asViews(market, account), ms);
        decisions.push(structuredClone(decision));
        // The engine reuses its views: scribbling on them must not change what was decided.
        market.mid = NaN;
        market.recentTrades = [];
        expect(decision).toEqual(decisions[decisions.length - 1]);
      }
      return decisions;
    };
    const first = run();
    expect(first.filter((d) => d.quotes.length > 0).length).toBeGreaterThan(1900);
    expect(run()).toEqual(first);
  });
});
