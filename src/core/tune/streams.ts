/**
 * Where a suggestion's randomness comes from. Samplers are pure functions of (seed, space, direction,
 * trials, number): each call may run in a different Lambda, so no generator state survives between
 * calls. A call draws from streams derived by hashing the seed with the trial number and a purpose (the
 * sampler and, when parameters are drawn independently, the parameter's name). Same inputs, same
 * stream; a different trial number, an unrelated stream.
 */
import { Random } from '../math/random.ts';

export function suggestionStream(seed: string | number, number: number, ...purpose: string[]): Random {
  return Random.derive('quotelab.tune', seed, number, ...purpose);
}

export function checkTrialNumber(number: number): void {
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new RangeError(`trial number must be an integer ≥ 0 (got ${number})`);
  }
}
