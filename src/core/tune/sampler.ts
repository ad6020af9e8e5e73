/**
 * The sampler contract the tuning workflow calls, and the spec a study stores to rebuild one
 * (create-sampler.ts).
 *
 * A study stores its `SamplerSpec` (plain JSON) and its seed; whichever Lambda computes trial n's
 * parameters rebuilds the sampler with `createSampler` and calls `suggest` with the trials recorded so
 * far. Nothing else is carried between calls.
 */
import type { ParamValue, Params, SearchSpace, TrialRecord } from './space.ts';

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
