/**
 * Grid search: the Cartesian product of a list of values per parameter, walked in a fixed order.
 *
 * Values per parameter: `grid[name]` when given (each checked against the parameter's spec, snapped to
 * its step); otherwise the choices of a categorical, every grid value of an int or stepped float
 * (low, low + step, …, high), and the single value of a range with low = high. A continuous float with
 * low < high has no natural grid: it must be listed in `grid`.
 *
 * Order: parameters sorted by name (so the JSON key order of a space does not matter), values in the
 * order given (choices and ranges ascending), the last parameter varying fastest, like
 * `itertools.product` over Optuna's sorted names. Trial `number` takes point `number % size`: trials
 * 0 … size−1 visit each point once, later trials go round again. Unlike Optuna's GridSampler, which picks
 * a random unvisited point, the point depends only on the number, so concurrent workers never collide
 * and no shared state is needed; a study that wants each point once stops after `size(space)` trials.
 */
import type { Sampler } from './sampler.ts';
import type { Domain, ParamValue, Params, SearchSpace, TrialRecord } from './space.ts';
import { internalValue, snapToStep, toDomains } from './space.ts';
import { checkTrialNumber } from './streams.ts';

/** Most values one parameter may contribute when enumerated from its range. */
const MAX_AXIS = 100_000;

export interface Grid {
  /** Parameter names in grid order (sorted), the last varying fastest. */
  readonly names: readonly string[];
  readonly values: readonly (readonly ParamValue[])[];
  /** Number of points (may exceed what anyone would run; points are never materialised). */
  readonly size: number;
}

export class GridSampler implements Sampler {
  readonly name = 'grid';
  private readonly grid: Readonly<Record<string, readonly ParamValue[]>> | undefined;

  constructor(grid?: Readonly<Record<string, readonly ParamValue[]>>) {
    this.grid = grid;
  }

  /** The grid for a space; throws naming the parameter when a value is invalid or a float has no grid. */
  gridFor(space: SearchSpace): Grid {
    return buildGrid(space, this.grid);
  }

  /** How many distinct points the grid has. */
  size(space: SearchSpace): number {
    return this.gridFor(space).size;
  }

  suggest(space: SearchSpace, _trials: readonly TrialRecord[], number: number): Params {
    checkTrialNumber(number);
    const point = gridPoint(this.gridFor(space), number);
    return Object.fromEntries(Object.keys(space).map((name) => [name, point[name]!]));
  }
}

/** Point `number % size` of a grid (mixed-radix digits, the last name the least significant). */
export function gridPoint(grid: Grid, number: number): Params {
  let index = number % grid.size;
  const out: Params = {};
  for (let d = grid.names.length - 1; d >= 0; d--) {
    const axis = grid.values[d]!;
    out[grid.names[d]!] = axis[index % axis.length]!;
    index = Math.floor(index / axis.length);
  }
  return out;
}

export function buildGrid(
  space: SearchSpace,
  grid: Readonly<Record<string, readonly ParamValue[]>> | undefined,
): Grid {
  const domains = toDomains(space);
  for (const name of Object.keys(grid ?? {})) {
    if (!(name in domains)) throw new TypeError(`grid parameter "${name}" is not in the search space`);
  }
  const names = Object.keys(domains).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const values = names.map((name) => {
    const given = grid?.[name];
    return given === undefined ? enumerate(name, domains[name]!) : checkAxis(name, domains[name]!, given);
  });
  const size = values.reduce((product, axis) => product * axis.length, 1);
  if (!Number.isSafeInteger(size)) throw new RangeError(`the grid has more than 2^53 points`);
  return { names, values, size };
}

function checkAxis(name: string, domain: Domain, given: readonly ParamValue[]): ParamValue[] {
  if (!Array.isArray(given) || given.length === 0) {
    throw new TypeError(`grid for "${name}" must be a non-empty array`);
  }
  const out = given.map((value) => {
    if (internalValue(domain, value) === undefined) {
      throw new TypeError(`grid value ${JSON.stringify(value)} is outside parameter "${name}"`);
    }
    if (domain.kind === 'categorical') return value;
    const snapped = snapToStep(domain, value as number);
    const tolerance = domain.step === undefined ? 0 : domain.step * 1e-9;
    if (Math.abs(snapped - (value as number)) > tolerance) {
      throw new TypeError(
        `grid value ${value} of "${name}" is not on its step grid (${domain.low} + k·${domain.step})`,
      );
    }
    return snapped;
  });
  if (new Set(out).size !== out.length) throw new TypeError(`grid for "${name}" has duplicate values`);
  return out;
}

function enumerate(name: string, domain: Domain): ParamValue[] {
  if (domain.kind === 'categorical') return [...domain.choices];
  if (domain.low === domain.high) return [domain.low];
  if (domain.step === undefined) {
    throw new TypeError(`parameter "${name}" is a continuous float: give its values in grid.${name}`);
  }
  const count = Math.round((domain.high - domain.low) / domain.step) + 1;
  if (count > MAX_AXIS) {
    throw new RangeError(
      `parameter "${name}" has ${count} grid values (more than ${MAX_AXIS}): give grid.${name}`,
    );
  }
  return Array.from({ length: count }, (_, k) => snapToStep(domain, domain.low + k * domain.step!));
}
