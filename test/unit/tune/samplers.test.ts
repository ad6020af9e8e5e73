/**
 * What every sampler promises the workflow: values of the right type on the right grid within bounds,
 * pure and deterministic suggestions (seed, space, direction, trials, number), and the TPE rules that do
 * not need Optuna to check (startup, direction, what is ignored).
 */
import { describe, expect, it } from 'vitest';
import { createSampler, RandomSampler, toDomains, TpeSampler } from '../../../src/core/tune/index.ts';
import type {
  ParamValue,
  Params,
  SamplerSpec,
  SearchSpace,
  TrialRecord,
} from '../../../src/core/tune/index.ts';
import { EVERY_KIND, everyKindObjective, runStudy } from './fixtures.ts';

const SPECS: Record<string, SamplerSpec> = {
  tpe: { kind: 'tpe' },
  'tpe multivariate': { kind: 'tpe', multivariate: true },
  'tpe constant liar, endpoints, prior 2': {
    kind: 'tpe',
    constantLiar: true,
    considerEndpoints: true,
    priorWeight: 2,
  },
  random: { kind: 'random' },
  grid: { kind: 'grid', grid: { f: [-2.5, 0, 4], flog: [1e-5, 1e-3] } },
};

/** A violation message for a value that breaks its spec, or undefined. */
function violation(space: SearchSpace, params: Params): string | undefined {
  const domains = toDomains(space);
  if (Object.keys(params).join() !== Object.keys(space).join()) return `keys ${Object.keys(params).join()}`;
  for (const [name, domain] of Object.entries(domains)) {
    const value: ParamValue = params[name]!;
    if (domain.kind === 'categorical') {
      if (!domain.choices.includes(value)) return `${name}=${String(value)} is not a choice`;
      continue;
    }
    if (typeof value !== 'number' || !(value >= domain.low && value <= domain.high)) {
      return `${name}=${String(value)} outside [${domain.low}, ${domain.high}]`;
    }
    if (domain.int && !Number.isInteger(value)) return `${name}=${value} is not an integer`;
    if (domain.step !== undefined) {
      const k = (value - domain.low) / domain.step;
      if (Math.abs(k - Math.round(k)) > 1e-9) return `${name}=${value} is off the step grid`;
    }
  }
  return undefined;
}

describe.each(Object.entries(SPECS))('%s sampler', (_label, spec) => {
  it('returns every kind of parameter within bounds, on its grid, of its type (30 seeds × 40 trials)', () => {
    for (let seed = 0; seed < 30; seed++) {
      const sampler = createSampler(spec, { seed, direction: 'minimize' });
      const history = runStudy(sampler, EVERY_KIND, everyKindObjective, 40);
      for (const trial of history) {
        expect(violation(EVERY_KIND, trial.params), `seed ${seed} trial ${trial.number}`).toBeUndefined();
        expect(trial.params.single).toBe(3);
        expect(trial.params.one).toBe('only');
      }
    }
  });

  it('is pure: same seed and history, same suggestion; another number or seed, another one', () => {
    const sampler = createSampler(spec, { seed: 'study-7', direction: 'minimize' });
    const history = runStudy(sampler, EVERY_KIND, everyKindObjective, 25);
    const again = createSampler(spec, { seed: 'study-7', direction: 'minimize' });
    const first = again.suggest(EVERY_KIND, history, 25);
    // Calls in between (other numbers, other histories) leave no trace.
    again.suggest(EVERY_KIND, history.slice(0, 12), 12);
    expect(again.suggest(EVERY_KIND, history, 25)).toEqual(first);
    expect(sampler.suggest(EVERY_KIND, history, 25)).toEqual(first);
    // The order in which trials are handed over does not matter.
    expect(again.suggest(EVERY_KIND, [...history].reverse(), 25)).toEqual(first);
    // Nor the order of the space's keys (values come back in the space's order).
    const reversed = Object.fromEntries(Object.entries(EVERY_KIND).reverse()) as SearchSpace;
    const permuted = again.suggest(reversed, history, 25);
    expect(Object.keys(permuted)).toEqual(Object.keys(reversed));
    expect({ ...permuted }).toEqual({ ...first });
    if (spec.kind === 'grid') return;
    expect(again.suggest(EVERY_KIND, history, 26).f).not.toBe(first.f);
    expect(
      createSampler(spec, { seed: 'study-8', direction: 'minimize' }).suggest(EVERY_KIND, history, 25).f,
    ).not.toBe(first.f);
  });
});

describe('TPE rules', () => {
  const quadratic = (p: Params) => ((p.x as number) - 1) ** 2 + ((p.y as number) + 2) ** 2;
  const space: SearchSpace = {
    x: { type: 'float', low: -5, high: 5 },
    y: { type: 'float', low: -5, high: 5 },
  };

  it('suggests exactly what the random sampler (same seed) suggests during the startup trials', () => {
    const tpe = new TpeSampler(11, 'minimize', { nStartupTrials: 7 });
    const random = new RandomSampler(11);
    const history = runStudy(tpe, space, quadratic, 7);
    history.forEach((trial) => expect(trial.params).toEqual(random.suggest(space, [], trial.number)));
    // The 8th trial is modelled: no longer the random one.
    expect(tpe.suggest(space, history, 7)).not.toEqual(random.suggest(space, history, 7));
  });

  it("maximising a value is minimising its negation (Optuna's internal sign flip)", () => {
    const history = runStudy(new RandomSampler(3), space, quadratic, 30);
    const negated = history.map((trial) => ({ ...trial, value: -trial.value! }));
    for (const multivariate of [false, true]) {
      const max = new TpeSampler(5, 'maximize', { multivariate });
      const min = new TpeSampler(5, 'minimize', { multivariate });
      for (let number = 30; number < 35; number++) {
        expect(max.suggest(space, negated, number)).toEqual(min.suggest(space, history, number));
      }
      // And the direction matters: the same values read as "maximise" model the other end.
      expect(max.suggest(space, history, 30)).not.toEqual(min.suggest(space, history, 30));
    }
  });

  it('ignores failed trials, NaN values, running trials without the liar, and its own record', () => {
    const history = runStudy(new RandomSampler(4), space, quadratic, 20);
    const tpe = new TpeSampler(9, 'minimize');
    const expected = tpe.suggest(space, history, 25);
    const noise: TrialRecord[] = [
      { number: 20, params: { x: 1, y: -2 }, state: 'failed' },
      { number: 21, params: { x: 1, y: -2 }, state: 'complete', value: NaN },
      { number: 22, params: { x: 1, y: -2 }, state: 'running' },
      { number: 25, params: { x: 4, y: 4 }, state: 'complete', value: -100 },
    ];
    expect(tpe.suggest(space, [...history, ...noise], 25)).toEqual(expected);
    // A complete trial does count: the same record under another number changes the model.
    expect(tpe.suggest(space, [...history, { ...noise[3]!, number: 23 }], 25)).not.toEqual(expected);
  });

  it('keeps ranking trials that left the space but models only values inside it', () => {
    const history = runStudy(new RandomSampler(5), space, quadratic, 20);
    const tpe = new TpeSampler(2, 'minimize');
    const narrowed: SearchSpace = { x: { type: 'float', low: 0, high: 5 }, y: space.y! };
    const params = tpe.suggest(narrowed, history, 20);
    expect(params.x).toBeGreaterThanOrEqual(0);
    const { below, above } = tpe.estimators(toDomains({ x: narrowed.x! }), tpe.history(history, 20));
    const inside = history.filter((t) => (t.params.x as number) >= 0).length;
    expect(below.size - 1 + above.size - 1).toBe(inside);
  });
});

describe('createSampler', () => {
  it('names its samplers and rejects bad specs with the field at fault', () => {
    const options = { seed: 1, direction: 'minimize' } as const;
    expect(createSampler({ kind: 'tpe' }, options).name).toBe('tpe');
    expect(createSampler({ kind: 'tpe', multivariate: true }, options).name).toBe('tpe-multivariate');
    expect(createSampler({ kind: 'random' }, options).name).toBe('random');
    expect(createSampler({ kind: 'grid' }, options).name).toBe('grid');
    expect(() => createSampler({ kind: 'tpe', nStartupTrials: -1 }, options)).toThrow(/nStartupTrials/);
    expect(() => createSampler({ kind: 'tpe', nEiCandidates: 0 }, options)).toThrow(/nEiCandidates/);
    expect(() => createSampler({ kind: 'tpe', priorWeight: 0 }, options)).toThrow(/priorWeight/);
    expect(() => createSampler({ kind: 'cma' } as unknown as SamplerSpec, options)).toThrow(
      /unknown sampler kind "cma"/,
    );
    expect(() => createSampler({ kind: 'tpe' }, { seed: 1, direction: 'up' as 'minimize' })).toThrow(
      /direction/,
    );
    expect(() => createSampler({ kind: 'random' }, options).suggest(EVERY_KIND, [], -1)).toThrow(
      /trial number/,
    );
    expect(() =>
      createSampler({ kind: 'random' }, options).suggest({ x: { type: 'float', low: 2, high: 1 } }, [], 0),
    ).toThrow(/parameter "x"/);
  });
});

describe('random sampler', () => {
  it('is uniform over an int range (ends included) and log-uniform on a log scale', () => {
    const sampler = new RandomSampler('uniformity');
    const space: SearchSpace = {
      k: { type: 'int', low: 1, high: 10 },
      lr: { type: 'float', low: 1e-6, high: 1, log: true },
      c: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
    };
    const counts = new Map<ParamValue, number>();
    let belowGeometricMean = 0;
    const n = 20_000;
    for (let number = 0; number < n; number++) {
      const p = sampler.suggest(space, [], number);
      counts.set(p.k!, (counts.get(p.k!) ?? 0) + 1);
      counts.set(p.c!, (counts.get(p.c!) ?? 0) + 1);
      if ((p.lr as number) < 1e-3) belowGeometricMean++;
    }
    // Binomial sd: √(20000 · 0.1 · 0.9) ≈ 42 per int value, ≈ 61 per choice, ≈ 71 for the median test.
    for (let k = 1; k <= 10; k++) expect(Math.abs(counts.get(k)! - n / 10), `k=${k}`).toBeLessThan(4 * 42);
    for (const c of ['a', 'b', 'c', 'd']) expect(Math.abs(counts.get(c)! - n / 4), c).toBeLessThan(4 * 61);
    expect(Math.abs(belowGeometricMean - n / 2)).toBeLessThan(4 * 71);
  });
});
