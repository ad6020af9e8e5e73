/**
 * Search spaces and trial records: what a study tunes and what it has seen so far.
 *
 * A `ParamSpec` is what a user writes (JSON-friendly, validated once by `validateSearchSpace`); a
 * `Domain` is the normalised form the samplers work on: ints always carry a step (1 by default), and a
 * stepped range whose width is not a multiple of the step has its `high` pulled down onto the grid, as
 * Optuna's distributions do, so every value a sampler returns lies on the grid *and* within the bounds.
 */

export type ParamSpec =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: readonly (string | number | boolean)[] };
export type SearchSpace = Readonly<Record<string, ParamSpec>>;
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;
export type TrialState = 'running' | 'complete' | 'failed';
export interface TrialRecord {
  number: number;
  params: Params;
  state: TrialState;
  value?: number;
}
export type Direction = 'minimize' | 'maximize';

/** A numerical parameter as the samplers see it. `step` is undefined only for continuous floats. */
export interface NumericDomain {
  readonly kind: 'numeric';
  readonly int: boolean;
  readonly low: number;
  /** On the step grid from `low` (pulled down when the spec's range is not a multiple of the step). */
  readonly high: number;
  readonly log: boolean;
  readonly step: number | undefined;
}

export interface CategoricalDomain {
  readonly kind: 'categorical';
  readonly choices: readonly ParamValue[];
}

export type Domain = NumericDomain | CategoricalDomain;

const SPEC_KEYS: Record<ParamSpec['type'], readonly string[]> = {
  float: ['type', 'low', 'high', 'log', 'step'],
  int: ['type', 'low', 'high', 'log', 'step'],
  categorical: ['type', 'choices'],
};

/**
 * Checks an untrusted search space (a study request, a JSON file) and returns it typed. Errors name the
 * parameter and say what is wrong. Combinations Optuna rejects are rejected here too: `log` with a float
 * `step`, `log` with an int step other than 1, non-positive bounds on a log scale.
 */
export function validateSearchSpace(space: unknown): SearchSpace {
  if (typeof space !== 'object' || space === null || Array.isArray(space)) {
    throw new TypeError('search space must be an object mapping parameter names to specs');
  }
  const out: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(space)) {
    out[name] = validateParamSpec(name, spec);
  }
  return Object.freeze(out);
}

function validateParamSpec(name: string, spec: unknown): ParamSpec {
  const fail = (why: string): never => {
    throw new TypeError(`parameter "${name}": ${why}`);
  };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail('spec must be an object');
  const record = spec as Record<string, unknown>;
  const type = record.type;
  if (type !== 'float' && type !== 'int' && type !== 'categorical') {
    return fail(`type must be "float", "int" or "categorical" (got ${JSON.stringify(type)})`);
  }
  for (const key of Object.keys(record)) {
    if (!SPEC_KEYS[type].includes(key)) fail(`unknown field "${key}" for a ${type} parameter`);
  }

  if (type === 'categorical') {
    const choices = record.choices;
    if (!Array.isArray(choices) || choices.length === 0) fail('choices must be a non-empty array');
    const list = choices as unknown[];
    for (const choice of list) {
      const ok =
        typeof choice === 'string' ||
        typeof choice === 'boolean' ||
        (typeof choice === 'number' && Number.isFinite(choice));
      if (!ok) fail(`choice ${JSON.stringify(choice)} is not a string, finite number or boolean`);
    }
    // Values are matched back to choices by identity, so two equal choices would be indistinguishable.
    if (new Set(list).size !== list.length) fail('choices contain duplicates');
    return { type, choices: Object.freeze([...(list as (string | number | boolean)[])]) };
  }

  const { low, high, log, step } = record;
  if (typeof low !== 'number' || !Number.isFinite(low)) fail('low must be a finite number');
  if (typeof high !== 'number' || !Number.isFinite(high)) fail('high must be a finite number');
  if ((low as number) > (high as number)) fail(`low (${low}) must be ≤ high (${high})`);
  if (log !== undefined && typeof log !== 'boolean') fail('log must be a boolean');
  if (step !== undefined && (typeof step !== 'number' || !Number.isFinite(step) || !(step > 0))) {
    fail('step must be a finite number > 0');
  }
  if (log === true && !((low as number) > 0)) fail(`log scale needs low > 0 (got ${low})`);
  if (type === 'int') {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) fail('int bounds must be integers');
    if (step !== undefined && !Number.isSafeInteger(step)) fail('int step must be an integer');
    if (log === true && step !== undefined && step !== 1) fail('log scale allows only step 1');
  } else if (log === true && step !== undefined) {
    fail('a float cannot have both log and step');
  }
  const out: { type: 'float' | 'int'; low: number; high: number; log?: boolean; step?: number } = {
    type,
    low: low as number,
    high: high as number,
  };
  if (log !== undefined) out.log = log as boolean;
  if (step !== undefined) out.step = step as number;
  return out;
}

/** The normalised domain of a (valid) spec. */
export function toDomain(spec: ParamSpec): Domain {
  if (spec.type === 'categorical') return { kind: 'categorical', choices: spec.choices };
  const int = spec.type === 'int';
  const step = int ? (spec.step ?? 1) : spec.step;
  const high = step === undefined ? spec.high : gridHigh(spec.low, spec.high, step);
  return { kind: 'numeric', int, low: spec.low, high, log: spec.log === true, step };
}

/**
 * The largest grid point low + k·step that is ≤ high. Counting steps in floating point can land a hair
 * below an integer (0.3 / 0.1 = 2.9999999999999996), so k is rounded when it is within 1e-9 of one.
 */
function gridHigh(low: number, high: number, step: number): number {
  const ratio = (high - low) / step;
  const nearest = Math.round(ratio);
  const k = Math.abs(ratio - nearest) < 1e-9 ? nearest : Math.floor(ratio);
  return k * step + low === high ? high : cleanDecimal(low + k * step);
}

/** Every parameter's domain, keyed like the space; throws on an invalid space. */
export function toDomains(space: SearchSpace): Record<string, Domain> {
  const valid = validateSearchSpace(space);
  const out: Record<string, Domain> = {};
  for (const [name, spec] of Object.entries(valid)) out[name] = toDomain(spec);
  return out;
}

/** A domain with exactly one value: nothing to sample. */
export function isSingle(domain: Domain): boolean {
  return domain.kind === 'categorical' ? domain.choices.length === 1 : domain.low === domain.high;
}

/** The value of a single-valued domain. */
export function singleValue(domain: Domain): ParamValue {
  return domain.kind === 'categorical' ? domain.choices[0]! : domain.low;
}

/**
 * The sampler-internal number for a parameter value (Optuna's `to_internal_repr`): the value itself for a
 * numerical parameter, the choice's index for a categorical one. Undefined when the value does not belong
 * to the domain (wrong type, out of bounds, not a choice): such trials are left out of the model, which
 * keeps a study usable after its space was narrowed.
 */
export function internalValue(domain: Domain, value: ParamValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (domain.kind === 'categorical') {
    const index = domain.choices.indexOf(value);
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !(value >= domain.low && value <= domain.high)) return undefined;
  if (domain.int && !Number.isInteger(value)) return undefined;
  return value;
}

/**
 * Snaps a sampled number onto a stepped domain: low + round((x − low)/step)·step, clipped to the bounds
 * (Optuna's rule, with NumPy's round-half-to-even). Floats are then cleaned of binary noise
 * (0.1 + 2·0.1 = 0.30000000000000004 → 0.3) so stored parameters read as the grid values they are.
 */
export function snapToStep(domain: NumericDomain, x: number): number {
  const step = domain.step;
  if (step === undefined) return Math.min(domain.high, Math.max(domain.low, x));
  const k = roundHalfEven((x - domain.low) / step);
  const value = domain.int ? domain.low + k * step : cleanDecimal(domain.low + k * step);
  return Math.min(domain.high, Math.max(domain.low, value));
}

/** NumPy's `round`: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Drops digits beyond 15 significant ones: undoes the last-bit noise of decimal steps. */
function cleanDecimal(x: number): number {
  return Number(x.toPrecision(15));
}

/** Wraps an external value from a sampler-internal number (categorical index → the choice). */
export function externalValue(domain: Domain, internal: number): ParamValue {
  if (domain.kind === 'categorical') return domain.choices[internal]!;
  return internal;
}
