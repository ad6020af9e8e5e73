import { describe, expect, it } from 'vitest';
import { Random, cumulativeWeights, logGamma } from '../../../src/core/math/random.ts';

function moments(sample: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = sample();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('Random (sfc32)', () => {
  it('derives the same stream from the same parts, and another from other parts', () => {
    const draw = (rng: Random) => Array.from({ length: 8 }, () => rng.nextUint32());
    expect(draw(Random.derive('seed', 'trades', 1))).toEqual(draw(Random.derive('seed', 'trades', 1)));
    expect(draw(Random.derive('seed', 'trades', 1))).not.toEqual(draw(Random.derive('seed', 'trades', 2)));
    // Parts are joined unambiguously: ('ab', 'c') is not ('a', 'bc').
    expect(draw(Random.derive('ab', 'c'))).not.toEqual(draw(Random.derive('a', 'bc')));
  });

  it('draws uniforms strictly inside (0, 1) and integers in range', () => {
    const rng = Random.derive('uniform');
    let min = 1;
    let max = 0;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const u = rng.float();
      min = Math.min(min, u);
      max = Math.max(max, u);
      counts[rng.int(10)]!++;
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    // Each bucket expects 10,000 ± 95 (s.d.); 5 s.d. is a deterministic yet honest bound.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(475);
  });

  it('samples with the right mean and variance', () => {
    const rng = Random.derive('moments');
    const n = 200_000;
    const normal = moments(() => rng.normal(), n);
    expect(Math.abs(normal.mean)).toBeLessThan(0.01);
    expect(normal.variance).toBeCloseTo(1, 1);
    const exponential = moments(() => rng.exponential(3), n);
    expect(exponential.mean).toBeCloseTo(3, 1);
    const gamma = moments(() => rng.gamma(2, 30), n);
    expect(gamma.mean / 60).toBeCloseTo(1, 1);
    expect(gamma.variance / 1800).toBeCloseTo(1, 1);
    for (const mean of [0.3, 7, 45, 5000]) {
      const poisson = moments(() => rng.poisson(mean), n);
      expect(poisson.mean / mean, `Poisson(${mean}) mean`).toBeCloseTo(1, 1);
      expect(poisson.variance / mean, `Poisson(${mean}) variance`).toBeCloseTo(1, 1);
    }
    const t = moments(() => rng.studentT(6), n);
    expect(t.variance).toBeCloseTo(1, 1);
  });

  it('picks by cumulative weight', () => {
    const rng = Random.derive('pick');
    const cumulative = cumulativeWeights([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[rng.pickCumulative(cumulative)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeCloseTo(3, 0);
  });

  it('logGamma matches factorials', () => {
    let factorial = 1;
    for (let k = 1; k <= 20; k++) {
      factorial *= k;
      expect(logGamma(k + 1)).toBeCloseTo(Math.log(factorial), 9);
    }
  });
});
