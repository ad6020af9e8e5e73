/**
 * Random search: every parameter drawn independently, uniformly on its scale (Optuna's RandomSampler).
 *
 *   continuous float   uniform on [low, high], or log-uniform when `log`
 *   int, stepped float uniform on [low − step/2, high + step/2] (log: on the log of that range), then
 *                      snapped to the nearest grid value, so every grid value gets an equal share
 *                      (the end values too: their cells are as wide as the inner ones)
 *   categorical        one of the choices, each with probability 1/k
 *
 * The stream for a parameter is derived from (seed, trial number, parameter name), so a suggestion never
 * depends on the order of the space's keys, on other parameters, or on earlier calls.
 */
import type { Random } from '../math/random.ts';
import type { Sampler } from './sampler.ts';
import type { Domain, Params, SearchSpace, TrialRecord } from './space.ts';
import { isSingle, singleValue, snapToStep, toDomains } from './space.ts';
import { checkTrialNumber, suggestionStream } from './streams.ts';

export class RandomSampler implements Sampler {
  readonly name = 'random';
  private readonly seed: string | number;

  constructor(seed: string | number) {
    this.seed = seed;
  }

  suggest(space: SearchSpace, _trials: readonly TrialRecord[], number: number): Params {
    checkTrialNumber(number);
    const out: Params = {};
    for (const [name, domain] of Object.entries(toDomains(space))) {
      out[name] = sampleUniform(domain, suggestionStream(this.seed, number, 'random', name));
    }
    return out;
  }
}

/** One uniform draw from a domain (see the module comment for what uniform means per kind). */
export function sampleUniform(domain: Domain, random: Random): number | string | boolean {
  if (isSingle(domain)) return singleValue(domain);
  if (domain.kind === 'categorical') return domain.choices[random.int(domain.choices.length)]!;
  const half = domain.step === undefined ? 0 : domain.step / 2;
  let low = domain.low - half;
  let high = domain.high + half;
  if (domain.log) {
    low = Math.log(low);
    high = Math.log(high);
  }
  const t = low + random.float() * (high - low);
  return snapToStep(domain, domain.log ? Math.exp(t) : t);
}
