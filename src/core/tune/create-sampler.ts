/**
 * Builds the sampler a study's spec names (TPE, random, grid), with the study's seed and direction.
 */
import { GridSampler } from './grid-sampler.ts';
import { RandomSampler } from './random-sampler.ts';
import type { Sampler, SamplerSpec } from './sampler.ts';
import type { Direction } from './space.ts';
import { TpeSampler } from './tpe.ts';

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
