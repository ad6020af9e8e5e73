/**
 * The Tree-structured Parzen Estimator with Optuna 4.x's `TPESampler` semantics (single objective).
 *
 *   1. Until `nStartupTrials` trials are complete, suggest at random (the random sampler, same seed).
 *   2. Rank the complete trials by value (best first; for 'maximize' values are negated, so lower is
 *      better throughout) and put the best γ(n) = min(⌈0.1·n⌉, 25) in "below", the rest in "above".
 *      With the constant liar, running trials join "above": they are treated as if they had turned out
 *      badly, which pushes parallel workers away from points someone is already evaluating.
 *   3. Fit a Parzen estimator l(x) to the below group and g(x) to the above group (parzen-estimator.ts;
 *      each group's trials oldest first, so the weight ramp favours recent trials).
 *   4. Draw `nEiCandidates` candidates from l and return the one maximising log l(x) − log g(x), which
 *      maximises expected improvement under TPE's model.
 *
 * Univariate (the default) runs 2–4 once per parameter, each on its own stream; multivariate runs them
 * once for all parameters jointly, with the multivariate bandwidth. Parameters with a single value are
 * returned as is and left out of the joint model (as Optuna leaves them out of its relative search space).
 *
 * Trials that do not carry a parameter, or whose value lies outside the current domain, are left out of
 * the model for that parameter but still count in the ranking (Optuna splits first, then drops trials
 * missing a parameter). Failed trials and complete trials whose value is missing or NaN are ignored
 * (Optuna turns a NaN objective into a failure); ±∞ values are kept and rank as numbers. The record of
 * the trial being suggested, if present, is ignored too, so a suggestion does not change once its own
 * trial is recorded.
 */
import type { Random } from '../math/random.ts';
import type { ParzenEstimatorParameters } from './parzen-estimator.ts';
import { defaultWeights, ParzenEstimator } from './parzen-estimator.ts';
import { RandomSampler } from './random-sampler.ts';
import type { Sampler } from './sampler.ts';
import type { Direction, Domain, Params, SearchSpace, TrialRecord } from './space.ts';
import { externalValue, internalValue, isSingle, singleValue, toDomains } from './space.ts';
import { checkTrialNumber, suggestionStream } from './streams.ts';

/** Optuna's `default_gamma`: how many of n complete trials form the "below" (good) group. */
export function defaultGamma(n: number): number {
  // The same expression as Optuna's (0.1·n, not n/10), so the binary rounding is the same by construction.
  return Math.min(Math.ceil(0.1 * n), 25);
}

export interface TpeOptions {
  nStartupTrials: number;
  nEiCandidates: number;
  multivariate: boolean;
  constantLiar: boolean;
  priorWeight: number;
  considerEndpoints: boolean;
  considerMagicClip: boolean;
  gamma: (n: number) => number;
  weights: (n: number) => ArrayLike<number>;
}

export const TPE_DEFAULTS: Readonly<TpeOptions> = Object.freeze({
  nStartupTrials: 10,
  nEiCandidates: 24,
  multivariate: false,
  constantLiar: false,
  priorWeight: 1.0,
  considerEndpoints: false,
  considerMagicClip: true,
  gamma: defaultGamma,
  weights: defaultWeights,
});

/** The trials a suggestion learns from, in trial-number order. */
export interface TpeHistory {
  /** Complete trials with a numeric value, as losses (lower is better). */
  readonly complete: readonly { record: TrialRecord; loss: number }[];
  /** Running trials (only when the constant liar is on). */
  readonly running: readonly TrialRecord[];
}

export interface TpeEstimators {
  below: ParzenEstimator;
  above: ParzenEstimator;
}

export class TpeSampler implements Sampler {
  readonly name: string;
  readonly options: Readonly<TpeOptions>;
  private readonly seed: string | number;
  private readonly direction: Direction;
  private readonly startup: RandomSampler;
  private readonly parzen: ParzenEstimatorParameters;

  constructor(seed: string | number, direction: Direction, options: Partial<TpeOptions> = {}) {
    const merged: TpeOptions = { ...TPE_DEFAULTS };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
    checkCount('nStartupTrials', merged.nStartupTrials, 0);
    checkCount('nEiCandidates', merged.nEiCandidates, 1);
    if (!(merged.priorWeight > 0) || !Number.isFinite(merged.priorWeight)) {
      throw new RangeError(`priorWeight must be a finite number > 0 (got ${merged.priorWeight})`);
    }
    this.options = Object.freeze(merged);
    this.seed = seed;
    this.direction = direction;
    this.name = merged.multivariate ? 'tpe-multivariate' : 'tpe';
    this.startup = new RandomSampler(seed);
    this.parzen = {
      priorWeight: merged.priorWeight,
      considerMagicClip: merged.considerMagicClip,
      considerEndpoints: merged.considerEndpoints,
      multivariate: merged.multivariate,
      weights: merged.weights,
    };
  }

  suggest(space: SearchSpace, trials: readonly TrialRecord[], number: number): Params {
    checkTrialNumber(number);
    const domains = toDomains(space);
    const history = this.history(trials, number);
    if (history.complete.length < this.options.nStartupTrials)
      return this.startup.suggest(space, trials, number);

    const out: Params = {};
    const modelled: Record<string, Domain> = {};
    for (const [name, domain] of Object.entries(domains)) {
      if (isSingle(domain)) out[name] = singleValue(domain);
      else modelled[name] = domain;
    }
    if (this.options.multivariate) {
      // Sorted names: the joint draw consumes the stream parameter by parameter, and the order of a
      // space's keys (JSON, a spread) must not change the suggestion.
      const names = Object.keys(modelled).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const joint = Object.fromEntries(names.map((name) => [name, modelled[name]!]));
      Object.assign(out, this.sampleGroup(joint, history, suggestionStream(this.seed, number, 'tpe')));
    } else {
      for (const [name, domain] of Object.entries(modelled)) {
        const stream = suggestionStream(this.seed, number, 'tpe', name);
        Object.assign(out, this.sampleGroup({ [name]: domain }, history, stream));
      }
    }
    // In the space's key order, whatever order the groups were sampled in.
    return Object.fromEntries(Object.keys(domains).map((name) => [name, out[name]!]));
  }

  /** The trials that inform trial `number`'s suggestion (see the module comment for what is left out). */
  history(trials: readonly TrialRecord[], number: number): TpeHistory {
    const sign = this.direction === 'maximize' ? -1 : 1;
    const ordered = trials.filter((trial) => trial.number !== number).sort((a, b) => a.number - b.number);
    const complete: { record: TrialRecord; loss: number }[] = [];
    const running: TrialRecord[] = [];
    for (const record of ordered) {
      if (record.state === 'complete' && typeof record.value === 'number' && !Number.isNaN(record.value)) {
        complete.push({ record, loss: sign * record.value });
      } else if (record.state === 'running' && this.options.constantLiar) {
        running.push(record);
      }
    }
    return { complete, running };
  }

  /** l(x) and g(x) for a group of parameters: the split into below/above and the two Parzen estimators. */
  estimators(domains: Readonly<Record<string, Domain>>, history: TpeHistory): TpeEstimators {
    const n = history.complete.length;
    const nBelow = Math.min(Math.max(0, this.options.gamma(n)), n);
    // A stable sort: equal values keep trial order, as Python's `sorted` does.
    const ranked = [...history.complete].sort((a, b) => compareLoss(a.loss, b.loss));
    const byNumber = (a: TrialRecord, b: TrialRecord) => a.number - b.number;
    const below = ranked.slice(0, nBelow).map((entry) => entry.record);
    const above = [...ranked.slice(nBelow).map((entry) => entry.record), ...history.running];
    below.sort(byNumber);
    above.sort(byNumber);
    return {
      below: new ParzenEstimator(observations(below, domains), domains, this.parzen),
      above: new ParzenEstimator(observations(above, domains), domains, this.parzen),
    };
  }

  private sampleGroup(domains: Record<string, Domain>, history: TpeHistory, random: Random): Params {
    const names = Object.keys(domains);
    if (names.length === 0) return {};
    const { below, above } = this.estimators(domains, history);
    const candidates = below.sample(random, this.options.nEiCandidates);
    const logBelow = below.logPdf(candidates);
    const logAbove = above.logPdf(candidates);
    // argmax of log l − log g; the first of equal maxima wins (NumPy's argmax), NaN never wins.
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < logBelow.length; i++) {
      const score = logBelow[i]! - logAbove[i]!;
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    const out: Params = {};
    for (const name of names) out[name] = externalValue(domains[name]!, candidates[name]![best]!);
    return out;
  }
}

/** Ascending, with NaN never produced here (filtered) and ±∞ ordered as numbers. */
function compareLoss(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Internal values of the trials that carry every parameter of the group with a value in its domain. */
function observations(trials: readonly TrialRecord[], domains: Readonly<Record<string, Domain>>) {
  const names = Object.keys(domains);
  const columns: Record<string, number[]> = {};
  for (const name of names) columns[name] = [];
  for (const trial of trials) {
    const row = names.map((name) => internalValue(domains[name]!, trial.params[name]));
    if (row.some((value) => value === undefined)) continue;
    names.forEach((name, i) => columns[name]!.push(row[i]!));
  }
  const out: Record<string, Float64Array> = {};
  for (const name of names) out[name] = Float64Array.from(columns[name]!);
  return out;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min} (got ${value})`);
  }
}
