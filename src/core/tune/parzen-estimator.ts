/**
 * Optuna's Parzen estimator (`_ParzenEstimator`, Optuna 4.x): a mixture of product kernels, one per
 * observed trial plus one prior kernel, fitted to the parameter values of one group of trials (TPE's
 * "below" l(x) or "above" g(x)).
 *
 *   mixture weights   weights(n) for the n observations (oldest first), then priorWeight; normalised.
 *                     With no observations the prior alone, weight 1.
 *   numerical         a truncated normal per kernel, on [low, high] (log-transformed for log params;
 *                     widened by half a step on each side for ints and stepped floats, whose density is
 *                     then the mass of the step-wide cell around a grid value).
 *                     μ = the observation; σ:
 *                       univariate    the larger gap to its sorted neighbours (the range ends count
 *                                     as neighbours), except that without consider_endpoints the
 *                                     outermost two take the gap to their inner neighbour;
 *                       multivariate  0.2 · n^(−1/(d+4)) · (high − low) for all (Scott-like, d params);
 *                     clipped to [(high − low)/min(100, n + 2), high − low] by the "magic clip" (or to
 *                     [1e-12, high − low] without it).
 *                     Prior kernel: μ = the middle of the range, σ = its width.
 *   categorical       per kernel, priorWeight/(n+1) on every choice plus 1 on the observed one,
 *                     normalised; the prior kernel is uniform.
 *
 * Deliberate difference: Optuna orders observations with NumPy's (unstable, SIMD) argsort before taking
 * gaps, so which of two *equal* observations gets the left gap and which the right one depends on the
 * CPU. Here ties keep trial order (a stable sort), the same on every machine. The mixture only differs
 * when the tied observations also carry different weights (more than 25 trials in the group).
 */
import type { Random } from '../math/random.ts';
import { cumulativeWeights } from '../math/random.ts';
import type { CategoricalDomain, Domain, NumericDomain } from './space.ts';
import { snapToStep } from './space.ts';
import { LOG_SQRT_2PI, logGaussMass, ppf } from './truncnorm.ts';

const EPS = 1e-12;
const SIGMA0_MAGNITUDE = 0.2;

export interface ParzenEstimatorParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  multivariate: boolean;
  /** Weights of n observations given oldest first (Optuna's `weights`, default `defaultWeights`). */
  weights: (n: number) => ArrayLike<number>;
}

/** Optuna's `default_weights`: equal weights, except that beyond 25 trials the older ones ramp up from 1/n. */
export function defaultWeights(n: number): Float64Array {
  const out = new Float64Array(n).fill(1);
  if (n < 25) return out;
  // np.linspace(1/n, 1, n − 25): evenly spaced, the last one exactly 1.
  const ramp = n - 25;
  const start = 1 / n;
  const step = ramp > 1 ? (1 - start) / (ramp - 1) : 0;
  for (let i = 0; i < ramp; i++) out[i] = i * step + start;
  if (ramp > 1) out[ramp - 1] = 1;
  return out;
}

export interface NumericKernels {
  readonly kind: 'numeric';
  readonly domain: NumericDomain;
  /** Centres and widths in the transformed space (log for log params), observations first, prior last. */
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** The kernels' support in the transformed space (widened by half a step for stepped domains). */
  readonly low: number;
  readonly high: number;
}

export interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly domain: CategoricalDomain;
  /** One row of choice probabilities per kernel, observations first, prior last. */
  readonly probabilities: readonly Float64Array[];
}

export type Kernels = NumericKernels | CategoricalKernels;

/** Candidate or observed parameter values in the internal representation (categorical = index). */
export type InternalSamples = Record<string, Float64Array>;

export class ParzenEstimator {
  /** The parameters, in the order of the domains given. */
  readonly names: readonly string[];
  /** Mixture weights, observations first, prior last; they sum to 1. */
  readonly weights: Float64Array;
  readonly kernels: readonly Kernels[];
  private readonly logWeights: Float64Array;
  private readonly cumulative: Float64Array;
  /** Per numerical parameter and kernel: the standardised support and log(mass · σ). */
  private readonly standardLow: Float64Array[] = [];
  private readonly standardHigh: Float64Array[] = [];
  private readonly logNormaliser: Float64Array[] = [];

  /**
   * @param observations internal values per parameter, one entry per observed trial in trial order
   * @param domains      the parameters to model (all observed)
   */
  constructor(
    observations: Readonly<Record<string, ArrayLike<number>>>,
    domains: Readonly<Record<string, Domain>>,
    parameters: ParzenEstimatorParameters,
  ) {
    if (!(parameters.priorWeight >= 0)) {
      throw new RangeError(`priorWeight must be ≥ 0 (got ${parameters.priorWeight})`);
    }
    this.names = Object.keys(domains);
    const n = this.names.length === 0 ? 0 : observations[this.names[0]!]!.length;
    for (const name of this.names) {
      if (observations[name]?.length !== n)
        throw new RangeError(`observations of "${name}" must number ${n}`);
    }

    const raw = parameters.weights(n);
    const weights = new Float64Array(n + 1);
    if (n === 0) weights[0] = 1;
    else {
      for (let i = 0; i < n; i++) {
        const w = raw[i]!;
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${w} must be finite and ≥ 0`);
        weights[i] = w;
      }
      weights[n] = parameters.priorWeight;
    }
    const size = n === 0 ? 1 : n + 1;
    const mixture = weights.subarray(0, size);
    let total = 0;
    for (const w of mixture) total += w;
    if (!(total > 0)) throw new RangeError('mixture weights must not all be zero');
    for (let i = 0; i < size; i++) mixture[i]! /= total;
    this.weights = mixture;
    this.logWeights = mixture.map(Math.log);
    this.cumulative = cumulativeWeights(mixture);

    const dimensions = this.names.length;
    this.kernels = this.names.map((name) => {
      const domain = domains[name]!;
      const values = observations[name]!;
      return domain.kind === 'categorical'
        ? categoricalKernels(domain, values, parameters)
        : numericKernels(domain, values, parameters, dimensions);
    });
    for (const kernels of this.kernels) {
      if (kernels.kind !== 'numeric') continue;
      const a = new Float64Array(size);
      const b = new Float64Array(size);
      const normaliser = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        const mu = kernels.mus[k]!;
        const sigma = kernels.sigmas[k]!;
        a[k] = (kernels.low - mu) / sigma;
        b[k] = (kernels.high - mu) / sigma;
        normaliser[k] = logGaussMass(a[k]!, b[k]!);
      }
      this.standardLow.push(a);
      this.standardHigh.push(b);
      this.logNormaliser.push(normaliser);
    }
  }

  /** Number of kernels (observations + the prior). */
  get size(): number {
    return this.weights.length;
  }

  /**
   * `count` draws from the mixture: a kernel by weight, then every parameter from that kernel.
   * Numerical draws go through the truncated normal's inverse CDF (one uniform each), so a draw is a
   * deterministic function of the stream. Values come back in the internal representation, snapped to
   * the step grid and clipped to the bounds.
   */
  sample(random: Random, count: number): InternalSamples {
    const out: InternalSamples = {};
    const columns = this.names.map((name) => (out[name] = new Float64Array(count)));
    const choiceCumulative = this.kernels.map((kernels) =>
      kernels.kind === 'categorical' ? kernels.probabilities.map(cumulativeWeights) : [],
    );
    for (let i = 0; i < count; i++) {
      const k = random.pickCumulative(this.cumulative);
      let numeric = 0;
      for (let d = 0; d < this.kernels.length; d++) {
        const kernels = this.kernels[d]!;
        if (kernels.kind === 'categorical') {
          columns[d]![i] = random.pickCumulative(choiceCumulative[d]![k]!);
          continue;
        }
        const a = this.standardLow[numeric]![k]!;
        const b = this.standardHigh[numeric]![k]!;
        numeric++;
        const mu = kernels.mus[k]!;
        const sigma = kernels.sigmas[k]!;
        const transformed = ppf(random.float(), a, b) * sigma + mu;
        const x = kernels.domain.log ? Math.exp(transformed) : transformed;
        // The inverse CDF is solved to ~1e-8, so a draw can overshoot a bound by a hair: clip (Optuna
        // clips only stepped values; here every value honours its bounds).
        columns[d]![i] = snapToStep(kernels.domain, x);
      }
    }
    return out;
  }

  /** log of the mixture density (a probability mass for stepped and categorical parameters) at each sample. */
  logPdf(samples: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
    const count = this.names.length === 0 ? 0 : samples[this.names[0]!]!.length;
    const size = this.size;
    // One row of per-kernel log terms per sample, accumulated parameter by parameter.
    const terms = new Float64Array(count * size);
    for (let i = 0; i < count; i++) terms.set(this.logWeights, i * size);
    let numeric = 0;
    for (let d = 0; d < this.kernels.length; d++) {
      const kernels = this.kernels[d]!;
      const values = samples[this.names[d]!]!;
      if (kernels.kind === 'categorical') {
        for (let i = 0; i < count; i++) {
          const choice = values[i]!;
          for (let k = 0; k < size; k++) terms[i * size + k]! += Math.log(kernels.probabilities[k]![choice]!);
        }
        continue;
      }
      const a = this.standardLow[numeric]!;
      const b = this.standardHigh[numeric]!;
      const normaliser = this.logNormaliser[numeric]!;
      numeric++;
      const { mus, sigmas, domain } = kernels;
      if (domain.step === undefined) {
        // truncnorm.logPdf inlined with the kernel's log mass precomputed (same operations, same order).
        const logSigmas = sigmas.map(Math.log);
        for (let i = 0; i < count; i++) {
          const x = domain.log ? Math.log(values[i]!) : values[i]!;
          for (let k = 0; k < size; k++) {
            const z = (x - mus[k]!) / sigmas[k]!;
            terms[i * size + k]! +=
              z < a[k]! || z > b[k]!
                ? -Infinity
                : -(z * z) / 2 - LOG_SQRT_2PI - normaliser[k]! - logSigmas[k]!;
          }
        }
        continue;
      }
      // Stepped: the mass of the cell [x − step/2, x + step/2] over the mass of the widened range.
      // Candidates repeat on a grid, so each distinct value is evaluated once.
      const half = domain.step / 2;
      const cache = new Map<number, Float64Array>();
      for (let i = 0; i < count; i++) {
        const x = values[i]!;
        let row = cache.get(x);
        if (row === undefined) {
          row = new Float64Array(size);
          const lower = domain.log ? Math.log(x - half) : x - half;
          const upper = domain.log ? Math.log(x + half) : x + half;
          for (let k = 0; k < size; k++) {
            const mu = mus[k]!;
            const sigma = sigmas[k]!;
            row[k] = logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - normaliser[k]!;
          }
          cache.set(x, row);
        }
        for (let k = 0; k < size; k++) terms[i * size + k]! += row[k]!;
      }
    }
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = logSumExp(terms, i * size, size);
    return out;
  }
}

function logSumExp(values: Float64Array, offset: number, length: number): number {
  let max = -Infinity;
  for (let k = 0; k < length; k++) max = Math.max(max, values[offset + k]!);
  // All kernels at zero density: log 0 = −∞, without computing (−∞) − (−∞).
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(values[offset + k]! - max);
  return Math.log(sum) + max;
}

function categoricalKernels(
  domain: CategoricalDomain,
  observed: ArrayLike<number>,
  parameters: ParzenEstimatorParameters,
): CategoricalKernels {
  const choices = domain.choices.length;
  const n = observed.length;
  if (n === 0)
    return { kind: 'categorical', domain, probabilities: [new Float64Array(choices).fill(1 / choices)] };
  const kernels = n + 1;
  const rows: Float64Array[] = [];
  for (let k = 0; k < kernels; k++) {
    const row = new Float64Array(choices).fill(parameters.priorWeight / kernels);
    if (k < n) row[observed[k]!]! += 1;
    let sum = 0;
    for (const p of row) sum += p;
    if (sum !== 0) for (let c = 0; c < choices; c++) row[c]! /= sum;
    rows.push(row);
  }
  return { kind: 'categorical', domain, probabilities: rows };
}

function numericKernels(
  domain: NumericDomain,
  observed: ArrayLike<number>,
  parameters: ParzenEstimatorParameters,
  dimensions: number,
): NumericKernels {
  let low = domain.low;
  let high = domain.high;
  if (domain.step !== undefined) {
    low -= domain.step / 2;
    high += domain.step / 2;
  }
  const n = observed.length;
  const mus = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mus[i] = domain.log ? Math.log(observed[i]!) : observed[i]!;
  if (domain.log) {
    low = Math.log(low);
    high = Math.log(high);
  }

  const sigmas = new Float64Array(n + 1);
  if (parameters.multivariate) {
    const sigma = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (dimensions + 4)) * (high - low);
    sigmas.fill(sigma, 0, n);
  } else {
    univariateSigmas(mus.subarray(0, n), low, high, parameters.considerEndpoints, sigmas);
  }
  const maxSigma = high - low;
  const minSigma = parameters.considerMagicClip ? (high - low) / Math.min(100, 1 + (n + 1)) : EPS;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(Math.max(sigmas[i]!, minSigma), maxSigma);

  mus[n] = 0.5 * (low + high);
  sigmas[n] = high - low;
  return { kind: 'numeric', domain, mus, sigmas, low, high };
}

/** Each observation's σ: the larger gap to its neighbours in sorted order, with the range ends as neighbours. */
function univariateSigmas(
  mus: Float64Array,
  low: number,
  high: number,
  considerEndpoints: boolean,
  out: Float64Array,
): void {
  const n = mus.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => mus[i]! - mus[j]! || i - j);
  const ends = new Float64Array(n + 2);
  ends[0] = low;
  for (let i = 0; i < n; i++) ends[i + 1] = mus[order[i]!]!;
  ends[n + 1] = high;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = Math.max(ends[i + 1]! - ends[i]!, ends[i + 2]! - ends[i + 1]!);
  // Without endpoints the outermost observations ignore the range ends: the range says nothing about
  // where good values are, and a far end would otherwise make their kernels very wide.
  if (!considerEndpoints && n >= 2) {
    sorted[0] = ends[2]! - ends[1]!;
    sorted[n - 1] = ends[n]! - ends[n - 1]!;
  }
  for (let i = 0; i < n; i++) out[order[i]!] = sorted[i]!;
}
