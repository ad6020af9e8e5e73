/** Helpers for the sampler tests: run a sequential study, and spaces that cover every kind of parameter. */
import type { Direction, Params, Sampler, SearchSpace, TrialRecord } from '../../../src/core/tune/index.ts';

/** Every ParamSpec kind, plus the single-valued corner cases. */
export const EVERY_KIND = {
  f: { type: 'float', low: -2.5, high: 4 },
  flog: { type: 'float', low: 1e-5, high: 0.1, log: true },
  fstep: { type: 'float', low: 0, high: 1, step: 0.1 },
  foff: { type: 'float', low: 0.5, high: 2.05, step: 0.25 },
  i: { type: 'int', low: -3, high: 7 },
  istep: { type: 'int', low: 1, high: 20, step: 3 },
  ilog: { type: 'int', low: 1, high: 1024, log: true },
  c: { type: 'categorical', choices: ['relu', 7, false, 0.5] },
  single: { type: 'float', low: 3, high: 3 },
  one: { type: 'categorical', choices: ['only'] },
} as const satisfies SearchSpace;

/**
 * Runs `count` trials one after another: suggest with the history so far, evaluate, record as complete.
 * Returns the history (which holds every suggestion).
 */
export function runStudy(
  sampler: Sampler,
  space: SearchSpace,
  objective: (params: Params) => number,
  count: number,
  history: TrialRecord[] = [],
): TrialRecord[] {
  for (let number = history.length; number < count; number++) {
    const params = sampler.suggest(space, history, number);
    history.push({ number, params, state: 'complete', value: objective(params) });
  }
  return history;
}

export function bestValue(history: readonly TrialRecord[], direction: Direction = 'minimize'): number {
  const values = history.filter((t) => t.state === 'complete').map((t) => t.value!);
  return direction === 'minimize' ? Math.min(...values) : Math.max(...values);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A smooth objective over EVERY_KIND (so TPE has something to learn from every parameter). */
export function everyKindObjective(p: Params): number {
  const num = (name: string) => p[name] as number;
  return (
    (num('f') - 1) ** 2 +
    Math.log10(num('flog') / 1e-3) ** 2 +
    (num('fstep') - 0.3) ** 2 +
    num('foff') +
    Math.abs(num('i') - 2) +
    Math.abs(num('istep') - 10) / 3 +
    Math.abs(Math.log2(num('ilog')) - 5) +
    (p.c === 7 ? 0 : 1)
  );
}
