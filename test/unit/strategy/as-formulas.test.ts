import { describe, expect, it } from 'vitest';
import {
  clampSpread,
  optimalSpread,
  quotesAround,
  reservationPrice,
} from '../../../src/core/strategy/as-formulas.ts';
import { REGIME_PRESETS } from '../../../src/core/strategy/regime-presets.ts';

describe('Avellaneda–Stoikov formulas', () => {
  it('reservation price r = s − qγσ²τ', () => {
    // s = 100, q = 2, γ = 0.1, σ = 2, τ = 0.5: qγσ²τ = 2 · 0.1 · 4 · 0.5 = 0.4 → r = 99.6.
    expect(reservationPrice(100, 2, 0.1, 2, 0.5)).toBeCloseTo(99.6, 12);
    // Short inventory shifts r up by the same amount; flat inventory leaves the mid.
    expect(reservationPrice(100, -2, 0.1, 2, 0.5)).toBeCloseTo(100.4, 12);
    expect(reservationPrice(100, 0, 0.1, 2, 0.5)).toBe(100);
    // At the horizon (τ = 0) the skew vanishes.
    expect(reservationPrice(100, 5, 0.1, 2, 0)).toBe(100);
  });

  it('optimal spread δ = γσ²τ + (2/γ)·ln(1 + γ/κ)', () => {
    // The paper's γ = 0.1, σ = 2, κ = 1.5 at τ = 0.5: 0.1 · 4 · 0.5 = 0.2, plus
    // 20 · ln(1 + 0.1/1.5) = 20 · ln(16/15) = 20 · 0.0645385211375712 = 1.290770422751424 → 1.490770422751424.
    expect(optimalSpread(0.1, 2, 0.5, 1.5)).toBeCloseTo(1.490770422751424, 12);
    // At τ = 0 only the liquidity term remains.
    expect(optimalSpread(0.1, 2, 0, 1.5)).toBeCloseTo(1.290770422751424, 12);
  });

  it('tends to 2/κ as γ → 0 and returns that limit at γ = 0', () => {
    // 2/κ = 2/1.5 = 1.3333…; the risk term γσ²τ is 0 at γ = 0.
    expect(optimalSpread(0, 2, 1, 1.5)).toBeCloseTo(4 / 3, 12);
    expect(optimalSpread(1e-9, 2, 1, 1.5)).toBeCloseTo(4 / 3, 8);
  });

  it("gives Seed B's presets their spreads in fractions of the mid (κ per fraction of the mid)", () => {
    // σ = 0, so only (2/γ)·ln(1 + γ/κ):
    //   trending  γ 0.5, κ 500:  4 · ln(1.001)        = 4 · 0.00099950033 = 0.0039980013
    //   ranging   γ 1,   κ 1000: 2 · ln(1.001)        = 0.0019990007
    //   high_vol  γ 0.3, κ 200:  (20/3) · ln(1.0015)  = 6.6667 · 0.0014988761 = 0.0099925074
    //   low_vol   γ 1.5, κ 2000: (4/3) · ln(1.00075)  = 1.3333 · 0.00074971886 = 0.00099962515
    const spread = (name: keyof typeof REGIME_PRESETS) =>
      optimalSpread(REGIME_PRESETS[name].gamma, 0, 1, REGIME_PRESETS[name].kappa);
    expect(spread('trending')).toBeCloseTo(0.0039980013, 9);
    expect(spread('ranging')).toBeCloseTo(0.0019990007, 9);
    expect(spread('high_vol')).toBeCloseTo(0.0099925074, 9);
    expect(spread('low_vol')).toBeCloseTo(0.00099962515, 10);
  });

  it('clamps the spread into [min, max], the minimum winning if the bounds cross', () => {
    expect(clampSpread(0.0005, 0.001, 0.01)).toBe(0.001);
    expect(clampSpread(0.02, 0.001, 0.01)).toBe(0.01);
    expect(clampSpread(0.005, 0.001, 0.01)).toBe(0.005);
    expect(clampSpread(0.005, 0.02, 0.01)).toBe(0.02);
  });

  it('puts the quotes half a spread either side of the reservation price', () => {
    // r = 99.6, δ = 1.49: bid 99.6 − 0.745 = 98.855, ask 99.6 + 0.745 = 100.345.
    const out = { bid: NaN, ask: NaN };
    expect(quotesAround(99.6, 1.49, out)).toBe(out);
    expect(out.bid).toBeCloseTo(98.855, 12);
    expect(out.ask).toBeCloseTo(100.345, 12);
  });
});
