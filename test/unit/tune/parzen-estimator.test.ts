/**
 * The Parzen estimator and its truncated normals on worked examples and on identities any density must
 * satisfy (it integrates or sums to 1; draws follow it). Equality with Optuna's own numbers is the
 * conformance test's job (test/conformance/tpe-optuna.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/math/random.ts';
import {
  defaultWeights,
  erf,
  erfc,
  logGaussMass,
  ndtr,
  ParzenEstimator,
  ppf,
  toDomain,
} from '../../../src/core/tune/index.ts';
import type {
  CategoricalKernels,
  Domain,
  NumericKernels,
  ParamSpec,
  ParzenEstimatorParameters,
} from '../../../src/core/tune/index.ts';

const UNIVARIATE: ParzenEstimatorParameters = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  weights: defaultWeights,
};

function estimator(
  specs: Record<string, ParamSpec>,
  observations: Record<string, number[]>,
  parameters: ParzenEstimatorParameters = UNIVARIATE,
): ParzenEstimator {
  const domains: Record<string, Domain> = {};
  for (const [name, spec] of Object.entries(specs)) domains[name] = toDomain(spec);
  const columns = Object.fromEntries(Object.entries(observations).map(([k, v]) => [k, Float64Array.from(v)]));
  return new ParzenEstimator(columns, domains, parameters);
}

describe('normal distribution functions', () => {
  it('erf, erfc and Φ agree with tabulated values', () => {
    // Abramowitz & Stegun / high-precision references.
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 13);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 12);
    expect(ndtr(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it('the mass of [−1, 1] is 68.27 %, and ppf inverts the truncated CDF', () => {
    expect(Math.exp(logGaussMass(-1, 1))).toBeCloseTo(0.6826894921370859, 15);
    expect(Math.exp(logGaussMass(-40, -38))).toBeGreaterThan(0); // deep tail, still representable
    expect(ppf(0.5, -1, 1)).toBeCloseTo(0, 14);
    for (const [a, b] of [
      [-1, 1],
      [-6, -4],
      [2, 9],
      [-0.3, 12],
    ] as const) {
      for (const q of [0.01, 0.2, 0.5, 0.77, 0.99]) {
        const x = ppf(q, a, b);
        expect(x).toBeGreaterThanOrEqual(a);
        expect(x).toBeLessThanOrEqual(b);
        // CDF(x) = mass(a, x) / mass(a, b) must give q back.
        expect(Math.exp(logGaussMass(a, x) - logGaussMass(a, b))).toBeCloseTo(q, 9);
      }
    }
  });
});

describe('ParzenEstimator', () => {
  it('univariate bandwidths on a worked example', () => {
    // Observations 0.2, 0.9, 0.5 on [0, 1]; sorted with the ends: 0, .2, .5, .9, 1.
    // Larger gap to a neighbour: .2 → max(.2, .3) = .3, .5 → max(.3, .4) = .4, .9 → max(.4, .1) = .4.
    // Without endpoints the outermost take their inner gap: .2 → .3, .9 → .4 (unchanged here).
    // Magic clip: σ ≥ 1/min(100, n + 2) = 0.2. Prior: μ = .5, σ = 1. Weights 1,1,1 and prior 1 → ¼ each.
    const pe = estimator({ x: { type: 'float', low: 0, high: 1 } }, { x: [0.2, 0.9, 0.5] });
    const kernels = pe.kernels[0] as NumericKernels;
    expect(Array.from(kernels.mus)).toEqual([0.2, 0.9, 0.5, 0.5]);
    expect(Array.from(kernels.sigmas).map((s) => +s.toFixed(12))).toEqual([0.3, 0.4, 0.4, 1]);
    expect(Array.from(pe.weights)).toEqual([0.25, 0.25, 0.25, 0.25]);

    // Clustered near 0: 0.01, 0.02. With endpoints σ = max(gap left, gap right) for both: .01 and .98;
    // without the magic clip they stay so. The clip (range/min(100, n + 2) = .25) lifts them to .25.
    const clustered = estimator(
      { x: { type: 'float', low: 0, high: 1 } },
      { x: [0.01, 0.02] },
      {
        ...UNIVARIATE,
        considerMagicClip: false,
        considerEndpoints: true,
      },
    );
    expect(Array.from((clustered.kernels[0] as NumericKernels).sigmas).map((s) => +s.toFixed(12))).toEqual([
      0.01, 0.98, 1,
    ]);
    const clipped = estimator({ x: { type: 'float', low: 0, high: 1 } }, { x: [0.01, 0.02] });
    expect(Array.from((clipped.kernels[0] as NumericKernels).sigmas)).toEqual([0.25, 0.25, 1]);
  });

  it('multivariate bandwidth 0.2 · n^(−1/(d+4)) · range, log and step aware', () => {
    const n = 200;
    const pe = estimator(
      { x: { type: 'float', low: -5, high: 5 }, k: { type: 'int', low: 1, high: 100, log: true } },
      {
        x: Array.from({ length: n }, (_, i) => -5 + (10 * i) / n),
        k: Array.from({ length: n }, (_, i) => 1 + (i % 100)),
      },
      { ...UNIVARIATE, multivariate: true },
    );
    const factor = 0.2 * n ** (-1 / 6); // d = 2: ≈ 0.0827, above the clip floor range/100
    const x = pe.kernels[0] as NumericKernels;
    const k = pe.kernels[1] as NumericKernels;
    expect(x.sigmas[0]).toBeCloseTo(factor * 10, 14);
    expect(x.sigmas[n - 1]).toBeCloseTo(factor * 10, 14);
    // The int log range is widened by half a step before the log: [log 0.5, log 100.5].
    const logRange = Math.log(100.5) - Math.log(0.5);
    expect(k.low).toBeCloseTo(Math.log(0.5), 14);
    expect(k.sigmas[7]).toBeCloseTo(factor * logRange, 14);
    expect(k.mus[9]).toBeCloseTo(Math.log(10), 14);
    expect(k.sigmas[n]).toBeCloseTo(logRange, 14); // the prior

    // Few observations: the magic clip floor range/min(100, n + 2) wins over 0.2 · 4^(−1/6) ≈ 0.159.
    const few = estimator(
      { x: { type: 'float', low: -5, high: 5 } },
      { x: [0, 1, 2, 3] },
      { ...UNIVARIATE, multivariate: true },
    );
    expect((few.kernels[0] as NumericKernels).sigmas[0]).toBeCloseTo(10 / 6, 14);
  });

  it('categorical kernels: prior weight spread over the choices plus one on the observed choice', () => {
    // 3 observations → 4 kernels; each row gets 1/4 per choice and +1 on its choice, then sums to 1.
    const pe = estimator({ c: { type: 'categorical', choices: ['a', 'b', 'c'] } }, { c: [0, 2, 2] });
    const rows = (pe.kernels[0] as CategoricalKernels).probabilities.map((r) => Array.from(r));
    expect(rows[0]![0]).toBeCloseTo(1.25 / 1.75, 15);
    expect(rows[0]![1]).toBeCloseTo(0.25 / 1.75, 15);
    expect(rows[2]![2]).toBeCloseTo(1.25 / 1.75, 15);
    expect(rows[3]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('is a density: integrates to 1 over a float range, sums to 1 over an int grid and the choices', () => {
    const random = Random.derive('parzen-test');
    const obs = (n: number, lo: number, hi: number) =>
      Array.from({ length: n }, () => lo + random.float() * (hi - lo));
    const float = estimator({ x: { type: 'float', low: -2, high: 3 } }, { x: obs(40, -2, 3) });
    const steps = 20_000;
    const xs = Float64Array.from({ length: steps + 1 }, (_, i) => -2 + (5 * i) / steps);
    const pdf = float.logPdf({ x: xs }).map(Math.exp);
    let integral = 0;
    for (let i = 0; i < steps; i++) integral += ((pdf[i]! + pdf[i + 1]!) / 2) * (5 / steps);
    expect(integral).toBeCloseTo(1, 6);

    const logFloat = estimator(
      { x: { type: 'float', low: 1e-3, high: 10, log: true } },
      { x: [0.01, 0.5, 2] },
    );
    // A density in x (not in log x) would integrate to 1 over x; TPE's is in log space like Optuna's:
    // ∫ p(log x) d(log x) = 1.
    const logs = Float64Array.from(
      { length: steps + 1 },
      (_, i) => Math.log(1e-3) + (Math.log(1e4) * i) / steps,
    );
    // exp(log 10) is 10.000000000000002, outside the range: clamp the grid's last point back in.
    const logPdf = logFloat.logPdf({ x: logs.map((l) => Math.min(10, Math.exp(l))) }).map(Math.exp);
    let logIntegral = 0;
    for (let i = 0; i < steps; i++)
      logIntegral += ((logPdf[i]! + logPdf[i + 1]!) / 2) * (Math.log(1e4) / steps);
    expect(logIntegral).toBeCloseTo(1, 5);

    const int = estimator({ k: { type: 'int', low: 0, high: 30, step: 3 } }, { k: [0, 3, 3, 27, 12] });
    const grid = Float64Array.from({ length: 11 }, (_, i) => 3 * i);
    expect(int.logPdf({ k: grid }).reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(1, 12);

    const cat = estimator({ c: { type: 'categorical', choices: [1, 2, 3, 4] } }, { c: [3, 3, 0] });
    expect(cat.logPdf({ c: Float64Array.of(0, 1, 2, 3) }).reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(
      1,
      14,
    );
  });

  it('draws follow the density (histogram against the integrated density)', () => {
    const pe = estimator({ x: { type: 'float', low: 0, high: 10 } }, { x: [1, 1.5, 7, 9.5] });
    const random = Random.derive('parzen-draws');
    const draws = pe.sample(random, 40_000).x!;
    const bins = 10;
    const counts = new Array<number>(bins).fill(0);
    for (const x of draws) counts[Math.min(bins - 1, Math.floor(x))]!++;
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(10);
    for (let b = 0; b < bins; b++) {
      const xs = Float64Array.from({ length: 1001 }, (_, i) => b + i / 1000);
      const pdf = pe.logPdf({ x: xs }).map(Math.exp);
      let mass = 0;
      for (let i = 0; i < 1000; i++) mass += (pdf[i]! + pdf[i + 1]!) / 2000;
      // Binomial standard deviation √(n p (1−p)) ≤ 100 at n = 40 000: allow 4 of them.
      expect(Math.abs(counts[b]! - mass * 40_000), `bin ${b}`).toBeLessThan(
        4 * Math.sqrt(40_000 * mass * (1 - mass)) + 1,
      );
    }
  });

  it('weights ramp up from 1/n for the oldest trials beyond 25', () => {
    const w = defaultWeights(27);
    expect(Array.from(w.subarray(0, 2))).toEqual([1 / 27, 1]);
    expect(Array.from(w.subarray(2))).toEqual(new Array(25).fill(1));
    const pe = estimator(
      { x: { type: 'float', low: 0, high: 1 } },
      { x: Array.from({ length: 27 }, (_, i) => i / 27) },
    );
    // 1/27 + 26 + 1 (prior) = 27.037…: the oldest kernel gets (1/27)/27.037.
    expect(pe.weights[0]).toBeCloseTo(1 / 27 / (1 / 27 + 27), 15);
    expect(pe.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 15);
  });
});
