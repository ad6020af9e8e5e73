/**
 * Conformance: our TPE numerics against the real Optuna (the pinned version in the test venv).
 *
 * The same inputs go to tpe_reference.py, which answers with Optuna's own numbers:
 *   - the truncated-normal functions (`_truncnorm`) and libm's erf/erfc at points covering every branch;
 *   - `_ParzenEstimator` for fixed observations: mixture weights, each kernel's μ and σ (or categorical
 *     row), and log_pdf at several points, for float/log/int/stepped/categorical parameters, both
 *     bandwidth rules, endpoints on and off, prior weights, magic clip on and off, 0/1/many observations;
 *   - whole studies: TPESampler's split into below/above (direction, ties, failed and running trials,
 *     constant liar, the trial being suggested) and the two estimators it builds.
 * Sampling itself is not compared draw by draw (Optuna draws from NumPy's Mersenne Twister, we from a
 * seeded sfc32); the inverse CDF that turns a uniform into a draw is compared instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/core/math/random.ts';
import {
  defaultWeights,
  erf,
  erfc,
  internalValue,
  logGaussMass,
  logNdtr,
  logPdf,
  ndtriExp,
  ParzenEstimator,
  ppf,
  snapToStep,
  toDomain,
  toDomains,
  TpeSampler,
} from '../../src/core/tune/index.ts';
import type {
  Direction,
  Domain,
  Kernels,
  ParamSpec,
  ParamValue,
  SearchSpace,
  TrialRecord,
} from '../../src/core/tune/index.ts';
import { ensurePythonTools, venvBin } from '../support/python-tools.ts';

const SCRIPT = fileURLToPath(new URL('./tpe_reference.py', import.meta.url));

// ---------------------------------------------------------------------------------------------- inputs

const ERF_POINTS = [
  -30, -6, -5.9, -3, -2.857142, -1.3, -1, -0.5, -1e-10, 0, 1e-10, 0.3, 0.84375, 0.9, 1.2, 1.25, 2, 2.857,
  2.86, 3.5, 5.99, 6, 10, 27, 28.5,
];
const LOG_NDTR_POINTS = [-40, -25, -20.0001, -19.99, -10, -5, -1, 0, 1, 5, 6.0001, 8, 12, 40];
const MASS_PAIRS: [number, number][] = [
  [-3, -1],
  [-40, -30],
  [1, 3],
  [30, 40],
  [-1, 2],
  [-0.5, 0.5],
  [-8, 8],
  [0, 1e-8],
  [-1e-8, 0],
  [5, 5.0001],
  [-2, 0],
  [0, 3],
  [-25, -24.9],
];
const NDTRI_EXP_POINTS = [-1000, -100, -20, -5, -1, -0.6931, -0.1, -0.01, -0.0099, -1e-5, -1e-12];
const PPF_BOUNDS: [number, number][] = [
  [-1, 1],
  [-5, -3],
  [3, 5],
  [-0.2, 30],
  [-30, 0.1],
  [0.5, 0.6],
  [-12, -11.5],
];
const PPF_QUANTILES = [0, 1e-6, 0.001, 0.3, 0.5, 0.9, 0.999999, 1];
const PPF_TRIPLES = PPF_BOUNDS.flatMap(([a, b]) => PPF_QUANTILES.map((q) => [q, a, b] as const));
const LOGPDF_ROWS: [number, number, number, number, number][] = [
  [0.3, -1, 1, 0, 1],
  [2.5, -2, 3, 1, 0.5],
  [-4, -3, 3, 0, 2],
  [9, -1, 1, 0, 1],
  [1e-3, -30, -25, 0.2, 0.01],
  [7, 0.5, 9, 5, 3],
];

interface EstimatorCase {
  label: string;
  space: Record<string, ParamSpec>;
  observations: Record<string, ParamValue[]>;
  parameters: {
    prior_weight: number;
    consider_magic_clip: boolean;
    consider_endpoints: boolean;
    multivariate: boolean;
  };
  points: Record<string, ParamValue[]>;
}

const UNIVARIATE = {
  prior_weight: 1,
  consider_magic_clip: true,
  consider_endpoints: false,
  multivariate: false,
};

/** n distinct values drawn from a spec (distinct so that no two kernels tie, see parzen-estimator.ts). */
function draws(random: Random, spec: ParamSpec, n: number, distinct = true): ParamValue[] {
  const out: ParamValue[] = [];
  const seen = new Set<ParamValue>();
  while (out.length < n) {
    let value: ParamValue;
    const domain = toDomain(spec);
    if (domain.kind === 'categorical') value = domain.choices[random.int(domain.choices.length)]!;
    else {
      const lo = domain.log ? Math.log(domain.low) : domain.low;
      const hi = domain.log ? Math.log(domain.high) : domain.high;
      const x = lo + random.float() * (hi - lo);
      value = snapToStep(domain, domain.log ? Math.exp(x) : x);
    }
    if (distinct && spec.type !== 'categorical' && seen.has(value)) continue;
    seen.add(value);
    out.push(value);
  }
  return out;
}

function estimatorCases(): EstimatorCase[] {
  const random = Random.derive('tpe-conformance', 'estimators');
  const cases: EstimatorCase[] = [];
  const add = (
    label: string,
    space: Record<string, ParamSpec>,
    n: number,
    parameters = UNIVARIATE,
    options: { distinct?: boolean; points?: Record<string, ParamValue[]> } = {},
  ) => {
    const observations: Record<string, ParamValue[]> = {};
    const points: Record<string, ParamValue[]> = {};
    for (const [name, spec] of Object.entries(space)) {
      observations[name] = draws(random, spec, n, options.distinct ?? true);
      points[name] = options.points?.[name] ?? draws(random, spec, 9, false);
    }
    cases.push({ label, space, observations, parameters, points });
  };
  const x = { type: 'float', low: -5, high: 10 } as const;
  add('float, 8 observations', { x }, 8, UNIVARIATE, {
    points: { x: [-5, -4.999, -1, 0, 2.5, 3.3, 7, 9.99, 10] },
  });
  add('float, 40 observations (weight ramp)', { x }, 40);
  add('float, endpoints, prior weight 2.5, no magic clip', { x }, 40, {
    prior_weight: 2.5,
    consider_magic_clip: false,
    consider_endpoints: true,
    multivariate: false,
  });
  add('float, no magic clip, clustered', { x: { type: 'float', low: 0, high: 1 } }, 30, {
    ...UNIVARIATE,
    consider_magic_clip: false,
  });
  add('log float, 30 observations', { lr: { type: 'float', low: 1e-5, high: 1, log: true } }, 30);
  add('int with ties, 12 observations', { k: { type: 'int', low: 1, high: 10 } }, 12, UNIVARIATE, {
    distinct: false,
    points: { k: [1, 2, 3, 5, 8, 10] },
  });
  add('int, 40 distinct observations (weight ramp)', { k: { type: 'int', low: -500, high: 500 } }, 40);
  add('int step 5', { k: { type: 'int', low: 0, high: 200, step: 5 } }, 20);
  add('log int, 30 distinct observations', { units: { type: 'int', low: 1, high: 4096, log: true } }, 30);
  add('stepped float 0.25', { s: { type: 'float', low: 0, high: 10, step: 0.25 } }, 20);
  add(
    'stepped float, high off the grid',
    { s: { type: 'float', low: 0, high: 1.05, step: 0.1 } },
    8,
    UNIVARIATE,
    {
      points: { s: [0, 0.1, 0.5, 0.9, 1] },
    },
  );
  add('categorical, 30 observations', { c: { type: 'categorical', choices: ['a', 'b', 3, true] } }, 30);
  add('categorical, prior weight 0.5', { c: { type: 'categorical', choices: ['a', 'b', 'c'] } }, 6, {
    ...UNIVARIATE,
    prior_weight: 0.5,
  });
  const mixed = {
    x,
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    k: { type: 'int', low: -300, high: 300 },
    c: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
  } as const;
  add('multivariate, 4 parameters, 30 observations', mixed, 30, { ...UNIVARIATE, multivariate: true });
  add('multivariate, 1 observation', mixed, 1, { ...UNIVARIATE, multivariate: true });
  add('no observations (prior only)', mixed, 0);
  add('one observation', mixed, 1);
  add('two observations', mixed, 2);
  return cases;
}

interface StudyCase {
  label: string;
  space: Record<string, ParamSpec>;
  direction: Direction;
  trials: TrialRecord[];
  number: number;
  constant_liar: boolean;
  multivariate: boolean;
  points: Record<string, ParamValue[]>;
}

const STUDY_SPACE = {
  x: { type: 'float', low: -3, high: 3 },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  k: { type: 'int', low: 0, high: 100_000 },
  c: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
} as const satisfies Record<string, ParamSpec>;

function studyCase(
  label: string,
  options: {
    direction: Direction;
    complete: number;
    running: number;
    failed: number;
    constantLiar: boolean;
    multivariate: boolean;
    suggestRunning?: boolean;
  },
): StudyCase {
  const random = Random.derive('tpe-conformance', 'study', label);
  const total = options.complete + options.running + options.failed;
  const states: TrialRecord['state'][] = [
    ...Array<TrialRecord['state']>(options.complete).fill('complete'),
    ...Array<TrialRecord['state']>(options.running).fill('running'),
    ...Array<TrialRecord['state']>(options.failed).fill('failed'),
  ];
  // Shuffle the states over trial numbers (Fisher–Yates on the seeded stream).
  for (let i = states.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [states[i], states[j]] = [states[j]!, states[i]!];
  }
  const columns = Object.fromEntries(
    Object.entries(STUDY_SPACE).map(([name, spec]) => [name, draws(random, spec, total)]),
  );
  const trials: TrialRecord[] = states.map((state, number) => {
    const params = Object.fromEntries(
      Object.keys(STUDY_SPACE).map((name) => [name, columns[name]![number]!]),
    );
    const trial: TrialRecord = { number, params, state };
    if (state === 'complete') {
      const xv = params.x as number;
      // Rounded to one decimal so that some values tie: the split must break ties by trial number.
      trial.value =
        Math.round(10 * (xv * xv + Math.log10(params.lr as number) ** 2 / 4 + (params.c === 'b' ? 0 : 1))) /
        10;
    }
    return trial;
  });
  const running = trials.filter((trial) => trial.state === 'running');
  const number = options.suggestRunning && running.length > 0 ? running[0]!.number : total;
  const points = Object.fromEntries(
    Object.entries(STUDY_SPACE).map(([name, spec]) => [name, draws(random, spec, 7, false)]),
  );
  return {
    label,
    space: STUDY_SPACE,
    direction: options.direction,
    trials,
    number,
    constant_liar: options.constantLiar,
    multivariate: options.multivariate,
    points,
  };
}

function studyCases(): StudyCase[] {
  return [
    studyCase('minimize, univariate', {
      direction: 'minimize',
      complete: 40,
      running: 0,
      failed: 3,
      constantLiar: false,
      multivariate: false,
    }),
    studyCase('maximize, constant liar, suggesting a running trial', {
      direction: 'maximize',
      complete: 30,
      running: 4,
      failed: 2,
      constantLiar: true,
      multivariate: false,
      suggestRunning: true,
    }),
    studyCase('running trials without the liar', {
      direction: 'minimize',
      complete: 20,
      running: 5,
      failed: 0,
      constantLiar: false,
      multivariate: false,
    }),
    studyCase('multivariate, constant liar', {
      direction: 'minimize',
      complete: 35,
      running: 3,
      failed: 1,
      constantLiar: true,
      multivariate: true,
    }),
    studyCase('many trials (gamma capped at 25)', {
      direction: 'minimize',
      complete: 300,
      running: 0,
      failed: 0,
      constantLiar: false,
      multivariate: false,
    }),
  ];
}

// ------------------------------------------------------------------------------------------- answers

interface Described {
  weights: number[];
  kernels: (
    { kind: 'numeric'; mu: number[]; sigma: number[] } | { kind: 'categorical'; weights: number[][] }
  )[];
  log_pdf: number[];
}

interface Answer {
  versions: Record<string, string>;
  truncnorm: Record<string, (number | string)[]>;
  estimators: Described[];
  studies: {
    below_numbers: number[];
    above_numbers: number[];
    groups: { names: string[]; below: Described; above: Described }[];
  }[];
}

/** JSON cannot carry ±∞ or NaN: the script sends them as strings. */
function num(value: number | string | null): number {
  if (typeof value === 'number') return value;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return NaN;
}

/** Largest relative difference seen per check, printed at the end (the figures the docs quote). */
const worst = new Map<string, number>();

function expectClose(ours: number, theirs: number, tolerance: number, what: string, group: string): void {
  if (!Number.isFinite(theirs) || !Number.isFinite(ours)) {
    expect(ours, what).toBe(theirs);
    return;
  }
  // Relative for values beyond 1 in size, absolute below (log densities and weights cross 0).
  const relative = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1);
  worst.set(group, Math.max(worst.get(group) ?? 0, relative));
  expect(relative, `${what}: ours ${ours}, Optuna ${theirs}`).toBeLessThanOrEqual(tolerance);
}

function hasTies(values: ArrayLike<number>): boolean {
  return new Set(Array.from(values)).size !== values.length;
}

function compareEstimator(
  ours: ParzenEstimator,
  theirs: Described,
  label: string,
  points: Record<string, number[]>,
): void {
  expect(ours.weights.length, `${label}: kernel count`).toBe(theirs.weights.length);
  ours.weights.forEach((w, k) =>
    expectClose(w, theirs.weights[k]!, 1e-14, `${label}: weight ${k}`, 'mixture weights'),
  );
  ours.kernels.forEach((kernels: Kernels, d) => {
    const their = theirs.kernels[d]!;
    const name = ours.names[d]!;
    expect(kernels.kind, `${label}/${name}: kind`).toBe(their.kind);
    if (kernels.kind === 'categorical' && their.kind === 'categorical') {
      kernels.probabilities.forEach((row, k) =>
        row.forEach((p, c) =>
          expectClose(
            p,
            their.weights[k]![c]!,
            1e-14,
            `${label}/${name}: row ${k} choice ${c}`,
            'categorical kernels',
          ),
        ),
      );
      return;
    }
    if (kernels.kind !== 'numeric' || their.kind !== 'numeric') return;
    if (!hasTies(kernels.mus.subarray(0, kernels.mus.length - 1))) {
      kernels.mus.forEach((mu, k) =>
        expectClose(mu, their.mu[k]!, 1e-14, `${label}/${name}: mu ${k}`, 'kernel mus'),
      );
      kernels.sigmas.forEach((s, k) =>
        expectClose(s, their.sigma[k]!, 1e-13, `${label}/${name}: sigma ${k}`, 'kernel sigmas'),
      );
      return;
    }
    // Equal observations: NumPy's unstable argsort decides which gets which gap; compare the kernels
    // as a set of (μ, σ, weight) (the mixture is the same set when the tied weights are equal).
    const triples = (mus: ArrayLike<number>, sigmas: ArrayLike<number>) =>
      Array.from(mus, (mu, k) => [mu, sigmas[k]!, theirs.weights[k]!] as const).sort(
        (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2],
      );
    const mine = triples(kernels.mus, kernels.sigmas);
    const ref = triples(their.mu, their.sigma);
    mine.forEach((t, k) => {
      expectClose(t[0], ref[k]![0], 1e-14, `${label}/${name}: sorted mu ${k}`, 'kernel mus');
      expectClose(t[1], ref[k]![1], 1e-13, `${label}/${name}: sorted sigma ${k}`, 'kernel sigmas');
    });
  });
  const logPdfs = ours.logPdf(
    Object.fromEntries(Object.entries(points).map(([k, v]) => [k, Float64Array.from(v)])),
  );
  logPdfs.forEach((value, i) =>
    expectClose(value, num(theirs.log_pdf[i]!), 1e-11, `${label}: log_pdf ${i}`, 'log pdf'),
  );
}

function internalPoints(
  domains: Record<string, Domain>,
  points: Record<string, ParamValue[]>,
  names: readonly string[],
) {
  return Object.fromEntries(
    names.map((name) => [name, points[name]!.map((v) => internalValue(domains[name]!, v)!)]),
  );
}

describe('TPE against Optuna', () => {
  const estimators = estimatorCases();
  const studies = studyCases();
  let answer: Answer;

  beforeAll(() => {
    ensurePythonTools((line) => console.log(`[conformance] ${line}`));
    const request = {
      truncnorm: {
        erf: ERF_POINTS,
        log_ndtr: LOG_NDTR_POINTS,
        log_gauss_mass: MASS_PAIRS,
        ndtri_exp: NDTRI_EXP_POINTS,
        ppf: PPF_TRIPLES,
        logpdf: LOGPDF_ROWS,
      },
      estimators,
      studies,
    };
    const run = spawnSync(venvBin('python'), [SCRIPT], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (run.status !== 0) throw new Error(`tpe_reference.py failed (exit ${run.status}):\n${run.stderr}`);
    answer = JSON.parse(run.stdout) as Answer;
    console.log(`[conformance] reference: ${JSON.stringify(answer.versions)}`);
  });

  it('erf and erfc equal libm (fdlibm) to an ulp', () => {
    const t = answer.truncnorm;
    ERF_POINTS.forEach((x, i) => {
      expectClose(erf(x), num(t.erf![i]!), 4e-16, `erf(${x})`, 'erf/erfc');
      const theirs = num(t.erfc![i]!);
      // Relative to the value itself: erfc's tail is tiny and must stay accurate there.
      expect(Math.abs(erfc(x) - theirs) / Math.max(theirs, 1e-300), `erfc(${x})`).toBeLessThan(1e-15);
    });
  });

  it('log Φ, the log mass of an interval and the inverse of log Φ match `_truncnorm`', () => {
    const t = answer.truncnorm;
    LOG_NDTR_POINTS.forEach((a, i) =>
      expectClose(logNdtr(a), num(t.log_ndtr![i]!), 1e-14, `logNdtr(${a})`, 'log ndtr'),
    );
    MASS_PAIRS.forEach(([a, b], i) =>
      expectClose(
        logGaussMass(a, b),
        num(t.log_gauss_mass![i]!),
        1e-13,
        `logGaussMass(${a}, ${b})`,
        'log gauss mass',
      ),
    );
    NDTRI_EXP_POINTS.forEach((y, i) =>
      expectClose(ndtriExp(y), num(t.ndtri_exp![i]!), 1e-12, `ndtriExp(${y})`, 'ndtri_exp'),
    );
  });

  it('the truncated normal inverse CDF and log density match `_truncnorm.ppf` and `.logpdf`', () => {
    const t = answer.truncnorm;
    // Near q = 1 the quantile is recovered from log Φ(x) ≈ −6e-7, whose last bit is then worth ~1e-10 of
    // x: NumPy's SIMD exp/log and V8's fdlibm ones differ by an ulp, so ppf agrees to ~1e-11 there and
    // to ~1e-16 elsewhere.
    PPF_TRIPLES.forEach(([q, a, b], i) =>
      expectClose(ppf(q, a, b), num(t.ppf![i]!), 1e-10, `ppf(${q}, ${a}, ${b})`, 'ppf'),
    );
    LOGPDF_ROWS.forEach((row, i) =>
      expectClose(logPdf(...row), num(t.logpdf![i]!), 1e-13, `logpdf(${row.join(', ')})`, 'logpdf'),
    );
  });

  it('default weights equal Optuna’s (ramp from 1/n beyond 25)', () => {
    // Optuna: np.linspace(1/30, 1, 5) then 25 ones.
    const w = defaultWeights(30);
    expect(Array.from(w.subarray(0, 5))).toEqual([
      1 / 30,
      1 / 30 + (1 - 1 / 30) / 4,
      1 / 30 + (2 * (1 - 1 / 30)) / 4,
      1 / 30 + (3 * (1 - 1 / 30)) / 4,
      1,
    ]);
    expect(Array.from(w.subarray(5))).toEqual(Array(25).fill(1));
    expect(Array.from(defaultWeights(24))).toEqual(Array(24).fill(1));
  });

  it('Parzen estimators: weights, μ, σ and log pdf equal `_ParzenEstimator` for the same observations', () => {
    estimators.forEach((c, i) => {
      const domains = toDomains(c.space as SearchSpace);
      const names = Object.keys(c.space);
      const observations = internalPoints(domains, c.observations, names);
      const ours = new ParzenEstimator(
        Object.fromEntries(Object.entries(observations).map(([k, v]) => [k, Float64Array.from(v)])),
        domains,
        {
          priorWeight: c.parameters.prior_weight,
          considerMagicClip: c.parameters.consider_magic_clip,
          considerEndpoints: c.parameters.consider_endpoints,
          multivariate: c.parameters.multivariate,
          weights: defaultWeights,
        },
      );
      compareEstimator(ours, answer.estimators[i]!, c.label, internalPoints(domains, c.points, names));
    });
  });

  it('TPESampler studies: same below/above split and the same l(x), g(x)', () => {
    studies.forEach((c, i) => {
      const theirs = answer.studies[i]!;
      const sampler = new TpeSampler(0, c.direction, {
        constantLiar: c.constant_liar,
        multivariate: c.multivariate,
      });
      const history = sampler.history(c.trials, c.number);
      const domains = toDomains(c.space as SearchSpace);
      const groups = c.multivariate ? [Object.keys(domains)] : Object.keys(domains).map((name) => [name]);
      groups.forEach((names, g) => {
        const group = Object.fromEntries(names.map((name) => [name, domains[name]!]));
        const { below, above } = sampler.estimators(group, history);
        const their = theirs.groups[g]!;
        expect(their.names).toEqual(names);
        const points = internalPoints(domains, c.points, names);
        compareEstimator(below, their.below, `${c.label} [${names.join(',')}] below`, points);
        compareEstimator(above, their.above, `${c.label} [${names.join(',')}] above`, points);
      });
      // The split itself: which trials went where (by the kernel count and, for the first group, the
      // observed values in trial order, which identify the trials since values are distinct).
      const byNumber = new Map(c.trials.map((trial) => [trial.number, trial]));
      const first = Object.keys(domains)[0]!;
      const { below, above } = sampler.estimators({ [first]: domains[first]! }, history);
      const expected = (numbers: number[]) =>
        numbers.map((n) => internalValue(domains[first]!, byNumber.get(n)!.params[first])!);
      const mus = (kernels: Kernels) =>
        kernels.kind === 'numeric' ? Array.from(kernels.mus.subarray(0, kernels.mus.length - 1)) : [];
      expect(mus(below.kernels[0]!), `${c.label}: below trials`).toEqual(expected(theirs.below_numbers));
      expect(mus(above.kernels[0]!), `${c.label}: above trials`).toEqual(expected(theirs.above_numbers));
    });
    console.log(
      `[conformance] largest relative difference to Optuna: ${[...worst].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`,
    );
  });
});
