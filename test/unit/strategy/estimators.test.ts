import { describe, expect, it } from 'vitest';
import { TradeDistanceKappa } from '../../../src/core/strategy/kappa-estimator.ts';
import type { KappaEstimatorConfig } from '../../../src/core/strategy/kappa-estimator.ts';
import { ClockSampledVolatility } from '../../../src/core/strategy/volatility-estimator.ts';
import type { VolatilityConfig } from '../../../src/core/strategy/volatility-estimator.ts';
import { Random } from '../../../src/core/math/random.ts';

const volatility = (overrides: Partial<VolatilityConfig> = {}) =>
  new ClockSampledVolatility({
    sampleIntervalMs: 1000,
    window: 4,
    method: 'window',
    ewmaHalfLifeSamples: 20,
    minReturns: 4,
    priorPerSample: 0.005,
    ...overrides,
  });

describe('σ from clock-sampled mids', () => {
  it('is the sample standard deviation of the last returns on a known series', () => {
    // Mids on the second: 100, 101, 99.99, 100.9899, 99.980001, i.e. returns +1 %, −1 %, +1 %, −1 %.
    // Mean 0, squared deviations 4 · 10⁻⁴, divisor n − 1 = 3: σ = √(1.3333·10⁻⁴) = 0.0115470054.
    const v = volatility();
    const mids = [100, 101, 99.99, 100.9899, 99.980001];
    mids.forEach((mid, i) => v.observe(i * 1000, mid));
    expect(v.ready).toBe(true);
    expect(v.sigmaPerSample()).toBeCloseTo(0.0115470054, 9);
  });

  it('uses the prior until the window has its returns, so quoting never waits for σ', () => {
    const v = volatility();
    expect(v.sigmaPerSample()).toBe(0.005);
    [100, 101, 102, 103].forEach((mid, i) => v.observe(i * 1000, mid)); // 3 returns of 4 needed
    expect(v.ready).toBe(false);
    expect(v.sigmaPerSample()).toBe(0.005);
  });

  it('samples the mid in force at each clock boundary, carrying it through quiet spells', () => {
    // Mid 100 from t = 0, 101 from t = 3500. Samples at 0, 1, 2, 3 s are 100 and at 4 s 101:
    // returns 0, 0, 0, +1 %. Mean 0.0025; squared deviations 3 · 0.0025² + 0.0075² = 7.5·10⁻⁵;
    // / 3 = 2.5·10⁻⁵ → σ = 0.005. (Sampled per event instead, the one return would be all there is.)
    const v = volatility({ priorPerSample: 1 });
    v.observe(0, 100);
    v.observe(3500, 101);
    expect(v.ready).toBe(false); // the 4 s boundary has not passed yet
    v.observe(4000, 101);
    expect(v.count).toBe(4);
    expect(v.sigmaPerSample()).toBeCloseTo(0.005, 12);
  });

  it('does not measure a return across a restart (KRX overnight gap)', () => {
    const v = volatility({ priorPerSample: 1 });
    [100, 100, 100, 100, 100].forEach((mid, i) => v.observe(i * 1000, mid));
    expect(v.sigmaPerSample()).toBe(0); // four zero returns
    v.restart();
    // Next session opens 20 % higher and stays: no return spans the gap, so σ stays 0 and the count stays 4.
    v.observe(86_400_000, 120);
    v.observe(86_401_000, 120);
    expect(v.sigmaPerSample()).toBe(0);
    expect(v.count).toBe(4);
  });

  it('bounds the work of a long gap to the window', () => {
    const v = volatility({ priorPerSample: 1 });
    v.observe(0, 100);
    v.observe(1000, 101); // return +1 %
    v.observe(1e12, 101); // ~10⁹ boundaries later: the window is zeros, computed in ≤ window + 1 steps
    expect(v.count).toBe(4);
    expect(v.sigmaPerSample()).toBe(0);
  });

  it('has an EWMA variant seeded with the prior', () => {
    // Half-life 1 sample → decay 0.5. Prior 0.01 (variance 10⁻⁴), then returns +2 % and −2 %:
    // v₁ = 0.5·10⁻⁴ + 0.5·4·10⁻⁴ = 2.5·10⁻⁴; v₂ = 0.5·2.5·10⁻⁴ + 0.5·4·10⁻⁴ = 3.25·10⁻⁴ → σ = 0.0180278.
    const v = volatility({ method: 'ewma', ewmaHalfLifeSamples: 1, minReturns: 2, priorPerSample: 0.01 });
    v.observe(0, 100);
    v.observe(1000, 102);
    expect(v.sigmaPerSample()).toBe(0.01); // one return: still the prior
    v.observe(2000, 99.96);
    expect(v.sigmaPerSample()).toBeCloseTo(Math.sqrt(3.25e-4), 12);
  });

  it('rejects configurations it cannot honour', () => {
    expect(() => volatility({ window: 1 })).toThrow(RangeError);
    expect(() => volatility({ minReturns: 5 })).toThrow(RangeError);
    expect(() => volatility({ sampleIntervalMs: 0 })).toThrow(RangeError);
  });
});

const kappaConfig = (overrides: Partial<KappaEstimatorConfig> = {}): KappaEstimatorConfig => ({
  enabled: true,
  windowTrades: 500,
  priorTrades: 50,
  min: 100,
  max: 5000,
  ...overrides,
});

describe('κ from trade distances', () => {
  it('recovers κ from distances drawn from a known exponential', () => {
    // 20,000 distances ~ Exp(κ = 800) (mean 0.125 % of the mid), prior κ₀ = 2000 worth 50 trades.
    // Posterior mean ≈ (50 + 20000) / (50/2000 + 20000/800) = 20050 / 25.025 = 801.2; the MLE's standard
    // error is κ/√n = 800/141 = 5.7 (0.7 %), so 3 % is a safe bound.
    const rng = Random.derive('strategy-test', 'kappa-recovery');
    const fit = new TradeDistanceKappa(kappaConfig({ windowTrades: 20_000 }));
    for (let i = 0; i < 20_000; i++) {
      const distance = rng.exponential(1 / 800);
      fit.observe(i * 100, 100 * (1 + rng.sign() * distance), 100);
    }
    expect(fit.count).toBe(20_000);
    expect(Math.abs(fit.kappa(2000) / 800 - 1)).toBeLessThan(0.03);
  });

  it('is the configured κ before any trade, and moves from it by the Gamma-prior posterior', () => {
    const fit = new TradeDistanceKappa(kappaConfig({ priorTrades: 2 }));
    expect(fit.kappa(1000)).toBe(1000);
    // Three trades at 0.1 %, 0.2 %, 0.3 % from a mid of 100: Σd = 0.006.
    // κ̂ = (n₀ + n) / (n₀/κ₀ + Σd) = (2 + 3) / (2/1000 + 0.006) = 5 / 0.008 = 625.
    fit.observe(0, 100.1, 100);
    fit.observe(1, 99.8, 100);
    fit.observe(2, 100.3, 100);
    expect(fit.kappa(1000)).toBeCloseTo(625, 9);
  });

  it('clamps to its bounds', () => {
    const fit = new TradeDistanceKappa(kappaConfig());
    expect(fit.kappa(50)).toBe(100);
    expect(fit.kappa(1e6)).toBe(5000);
  });

  it('measures from the previous trade when the mid before a trade is unknown (KRX ticks)', () => {
    // Prints 1.00, 1.02, 0.99 with no mid: the first has no reference; then 0.02/1.00 and 0.03/1.02.
    // κ̂ = (1 + 2) / (1/1000 + 0.02 + 0.0294117647) = 3 / 0.0504117647 = 59.51 → clamped up to 100;
    // with a floor of 1, the unclamped value shows.
    const fit = new TradeDistanceKappa(kappaConfig({ priorTrades: 1, min: 1 }));
    fit.observe(0, 1.0, NaN);
    fit.observe(1000, 1.02, NaN);
    fit.observe(2000, 0.99, NaN);
    expect(fit.count).toBe(2);
    expect(fit.kappa(1000)).toBeCloseTo(3 / (0.001 + 0.02 + 0.03 / 1.02), 9);
  });

  it('keeps a rolling window of trades and reports their arrival rate A', () => {
    // Window 2: distances 0.01 then 0.001 and 0.002 → only the last two count: Σd = 0.003, n = 2.
    const fit = new TradeDistanceKappa(kappaConfig({ windowTrades: 2, priorTrades: 1, min: 1, max: 1e6 }));
    fit.observe(0, 101, 100);
    fit.observe(500, 100.1, 100);
    fit.observe(1000, 100.2, 100);
    expect(fit.count).toBe(2);
    // (1 + 2) / (1/1000 + 0.003) = 750.
    expect(fit.kappa(1000)).toBeCloseTo(750, 9);
    // Two trades 500 ms apart in the window: 1 interval / 0.5 s = 2 trades a second.
    expect(fit.arrivalRatePerSecond()).toBe(2);
  });
});
