/**
 * The sampler contract the tuning workflow calls, and the factory that builds one from a study's spec.
 *
 * A study stores its `SamplerSpec` (plain JSON) and its seed; whichever Lambda computes trial n's
 * parameters rebuilds the sampler with `createSampler` and calls `suggest` with the trials recorded so
 * far. Nothing else is carried between calls.
 */
import { GridSampler } from './grid-sampler.ts';
import { RandomSampler } from './random-sampler.ts';
import type { Direction, ParamValue, Params, SearchSpace, TrialRecord } from './space.ts';
import { TpeSampler } from './tpe.ts';

export type SamplerSpec =
  | {
      kind: 'tpe';
      nStartupTrials?: number;
      nEiCandidates?: number;
      multivariate?: boolean;
      constantLiar?: boolean;
      priorWeight?: number;
      considerEndpoints?: boolean;
      /** Optuna's consider_magic_clip (default true): a floor on kernel widths. */
      considerMagicClip?: boolean;
    }
  | { kind: 'random' }
  | { kind: 'grid'; grid?: Record<string, readonly ParamValue[]> };

export interface Sampler {
  readonly name: string;
  /**
   * Parameters for trial `number`, given every trial recorded so far (complete ones inform the model;
   * 'running' ones are handled by the constant liar when enabled; 'failed' ones are ignored).
   * PURE and DETERMINISTIC: the result depends only on (seed, space, direction, trials, number) — no RNG
   * state carried between calls — because each suggestion may be computed in a different Lambda invocation.
   * Derive the RNG for a call from (seed, number) (see src/core/math/random.ts: Random.derive).
   */
  suggest(space: SearchSpace, trials: readonly TrialRecord[], number: number): Params;
}

export function createSampler(
  spec: SamplerSpec,
  options: { seed: string | number; direction: Direction },
): Sampler {
  const { seed, direction } = options;
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw new TypeError(`direction must be "minimize" or "maximize" (got ${JSON.stringify(direction)})`);
  }
  if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string') {
    throw new TypeError(`seed must be a string or a finite number (got ${String(seed)})`);
  }
  switch (spec.kind) {
    case 'tpe':
      return new TpeSampler(seed, direction, {
        nStartupTrials: spec.nStartupTrials,
        nEiCandidates: spec.nEiCandidates,
        multivariate: spec.multivariate,
        constantLiar: spec.constantLiar,
        priorWeight: spec.priorWeight,
        considerEndpoints: spec.considerEndpoints,
        considerMagicClip: spec.considerMagicClip,
      });
    case 'random':
      return new RandomSampler(seed);
    case 'grid':
      return new GridSampler(spec.grid);
    default:
      throw new TypeError(`unknown sampler kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}
