/** TPE must beat random search where it should: a smooth 2-D bowl, 60 trials, the median over 10 seeds. */
import { describe, expect, it } from 'vitest';
import { createSampler } from '../../../src/core/tune/index.ts';
import type { Params, SamplerSpec, SearchSpace } from '../../../src/core/tune/index.ts';
import { bestValue, median, runStudy } from './fixtures.ts';

const space: SearchSpace = { x: { type: 'float', low: -5, high: 5 }, y: { type: 'float', low: -5, high: 5 } };
const quadratic = (p: Params) => ((p.x as number) - 1.3) ** 2 + ((p.y as number) + 2.1) ** 2;

function medianBest(spec: SamplerSpec): number {
  const bests = Array.from({ length: 10 }, (_, seed) =>
    bestValue(runStudy(createSampler(spec, { seed, direction: 'minimize' }), space, quadratic, 60)),
  );
  return median(bests);
}

describe('TPE against random search', () => {
  it('finds a better minimum of a 2-D quadratic within 60 trials (median of 10 seeds)', () => {
    const random = medianBest({ kind: 'random' });
    const tpe = medianBest({ kind: 'tpe' });
    const multivariate = medianBest({ kind: 'tpe', multivariate: true });
    console.log(
      `median best after 60 trials: random ${random.toFixed(4)}, TPE ${tpe.toFixed(4)}, multivariate TPE ${multivariate.toFixed(4)}`,
    );
    expect(tpe).toBeLessThan(random / 3);
    expect(multivariate).toBeLessThan(random / 3);
  });
});
