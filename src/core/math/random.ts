/**
 * Seeded, reproducible randomness for the synthetic market: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, 128-bit state, passes PractRand) with the samplers the simulation needs.
 *
 * Everything is integer arithmetic on 32-bit words plus V8's software Math.log/exp/sqrt, so a seed gives
 * the same stream on every run and machine. Independent streams come from hashing a seed together with
 * a purpose (`Random.derive(seed, 'trades', date, code)`): a stream never depends on how much another
 * stream was consumed, which keeps files reproducible when generation order or volume changes.
 */

const TWO_POW_32 = 4294967296;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller makes normals in pairs; the second one waits here. */
  private spareNormal: number | undefined;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // The first outputs of a freshly seeded sfc32 are correlated with the seed words.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A stream for a purpose: same parts, same stream. Parts are joined unambiguously before hashing. */
  static derive(...parts: Array<string | number>): Random {
    const [a, b, c, d] = hash128(parts.map(String).join('\u0000'));
    return new Random(a, b, c, d);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on the open interval (0, 1): never 0, so log(u) is always finite. */
  float(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** +1 or -1 with equal probability. */
  sign(): 1 | -1 {
    return this.nextUint32() & 1 ? 1 : -1;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.float()));
    const angle = 2 * Math.PI * this.float();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  exponential(mean: number): number {
    return -Math.log(this.float()) * mean;
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang; shapes below 1 use the u^(1/shape) boost. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.float(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Student's t with `dof` degrees of freedom, scaled to unit variance (dof > 2). */
  studentT(dof: number): number {
    const chiSquare = 2 * this.gamma(dof / 2, 1);
    return (this.normal() / Math.sqrt(chiSquare / dof)) * Math.sqrt((dof - 2) / dof);
  }

  /** Poisson(mean): multiplication method for small means, Hörmann's PTRS rejection for large ones. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let product = this.float();
      while (product > limit) {
        k++;
        product *= this.float();
      }
      return k;
    }
    return this.poissonPtrs(mean);
  }

  /** Picks an index with probability proportional to `weights[i]` (cumulative weights, ascending). */
  pickCumulative(cumulative: ArrayLike<number>): number {
    const target = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private poissonPtrs(mean: number): number {
    const sqrtMean = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * sqrtMean;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        -mean + k * logMean - logGamma(k + 1)
      ) {
        return k;
      }
    }
  }
}

/** Cumulative sums of non-negative weights, for `Random.pickCumulative`. */
export function cumulativeWeights(weights: ArrayLike<number>): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    cumulative[i] = sum;
  }
  return cumulative;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** cyrb128: a fast 128-bit string hash, used only to spread seed text over sfc32's four state words. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
