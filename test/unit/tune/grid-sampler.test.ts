import { describe, expect, it } from 'vitest';
import { buildGrid, GridSampler } from '../../../src/core/tune/index.ts';
import type { SearchSpace } from '../../../src/core/tune/index.ts';

const space: SearchSpace = {
  opt: { type: 'categorical', choices: ['sgd', 'adam'] },
  depth: { type: 'int', low: 2, high: 6, step: 2 },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
};

describe('grid sampler', () => {
  it('walks the product in sorted-name order, the last name fastest, and wraps round', () => {
    const sampler = new GridSampler({ lr: [0.1, 0.01] });
    expect(sampler.size(space)).toBe(3 * 2 * 2);
    const points = Array.from({ length: 13 }, (_, n) => sampler.suggest(space, [], n));
    // Names sorted: depth, lr, opt → opt varies fastest, then lr, then depth.
    expect(points.slice(0, 5)).toEqual([
      { depth: 2, lr: 0.1, opt: 'sgd' },
      { depth: 2, lr: 0.1, opt: 'adam' },
      { depth: 2, lr: 0.01, opt: 'sgd' },
      { depth: 2, lr: 0.01, opt: 'adam' },
      { depth: 4, lr: 0.1, opt: 'sgd' },
    ]);
    expect(new Set(points.slice(0, 12).map((p) => JSON.stringify(p))).size).toBe(12);
    expect(points[12]).toEqual(points[0]);
  });

  it('enumerates ints, stepped floats and single values; a continuous float needs a grid', () => {
    const grid = buildGrid(
      {
        s: { type: 'float', low: 0, high: 0.5, step: 0.1 },
        one: { type: 'float', low: 2, high: 2 },
        k: { type: 'int', low: -1, high: 1 },
      },
      undefined,
    );
    expect(grid.names).toEqual(['k', 'one', 's']);
    expect(grid.values).toEqual([[-1, 0, 1], [2], [0, 0.1, 0.2, 0.3, 0.4, 0.5]]);
    expect(() => new GridSampler().suggest(space, [], 0)).toThrow(
      /parameter "lr" is a continuous float: give its values in grid.lr/,
    );
  });

  it('checks grid values against the space', () => {
    const check = (grid: Record<string, (string | number | boolean)[]>) => () =>
      new GridSampler(grid).size(space);
    expect(check({ lr: [2] })).toThrow(/grid value 2 is outside parameter "lr"/);
    expect(check({ lr: [0.1], depth: [3] })).toThrow(/grid value 3 of "depth" is not on its step grid/);
    expect(check({ lr: [0.1], opt: ['rmsprop'] })).toThrow(/grid value "rmsprop" is outside parameter "opt"/);
    expect(check({ lr: [] })).toThrow(/grid for "lr" must be a non-empty array/);
    expect(check({ lr: [0.1, 0.1] })).toThrow(/grid for "lr" has duplicate values/);
    expect(check({ lr: [0.1], momentum: [0.9] })).toThrow(
      /grid parameter "momentum" is not in the search space/,
    );
  });
});
