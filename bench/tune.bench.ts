/**
 * Optimiser quality of the tuning samplers against Optuna's, and the speed of a TPE suggestion.
 *
 * Problems (bench/optuna_reference.py defines the same ones; both are evaluated at check points and the
 * largest difference is printed):
 *   branin           x1 ∈ [−5, 10], x2 ∈ [0, 15]; global minimum 0.397887
 *   hartmann6        x ∈ [0, 1]⁶; global minimum −3.32237
 *   noisy quadratic  x ∈ [−5, 5]³, f(x) = Σ (xᵢ − 1)², minimum 0. The sampler sees f(x) + σ·ε with σ = 1
 *                    and ε a standard normal made by Box–Muller from two lowbias32 hashes of
 *                    (seed, trial number, k): the same noise for every sampler and in both languages.
 *                    The figure is the noise-free f of the trial with the best *observed* value.
 * Each sampler runs 100 trials for seeds 0…19 (ours: seed = the number; Optuna: TPESampler(seed=s) with
 * default settings, TPESampler(seed=s, multivariate=True), RandomSampler(seed=s)). Printed: the median
 * best value and the interquartile range over the 20 seeds. Then suggestions per second of our TPE (and
 * Optuna's, ask + suggest + tell) with 100 complete trials of hartmann6 in the history.
 *
 * Prints; asserts nothing. Needs the test venv (Optuna): `node test/support/python-tools.ts` builds it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSampler, erfc } from '../src/core/tune/index.ts';
import type { Params, SamplerSpec, SearchSpace, TrialRecord } from '../src/core/tune/index.ts';
import { ensurePythonTools, venvBin } from '../test/support/python-tools.ts';
import type { BenchResult } from './types.ts';

const TRIALS = 100;
const SEEDS = Array.from({ length: 20 }, (_, i) => i);
const NOISE_SIGMA = 1;
const SCRIPT = fileURLToPath(new URL('./optuna_reference.py', import.meta.url));

// ------------------------------------------------------------------------------------------ problems

function branin([x1, x2]: readonly number[]): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2! - b * x1! * x1! + c * x1! - 6) ** 2 + 10 * (1 - t) * Math.cos(x1!) + 10;
}

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

function hartmann6(x: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += HARTMANN_A[i]![j]! * (x[j]! - HARTMANN_P[i]![j]! * 1e-4) ** 2;
    total += HARTMANN_ALPHA[i]! * Math.exp(-inner);
  }
  return -total;
}

function quadratic(x: readonly number[]): number {
  return x.reduce((sum, v) => sum + (v - 1) ** 2, 0);
}

/** Chris Wellons' lowbias32 integer hash (32-bit multiply–xorshift). */
function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The evaluation noise of trial `trial` in the study with seed `seed`: N(0, 1), reproducible anywhere. */
function noise(seed: number, trial: number): number {
  const key = (seed * 1000003 + trial) * 2;
  const u1 = (lowbias32(key) + 0.5) / 4294967296;
  const u2 = (lowbias32(key + 1) + 0.5) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

interface Problem {
  bounds: readonly (readonly [number, number])[];
  f: (x: readonly number[]) => number;
  noisy: boolean;
}

const PROBLEMS: Record<string, Problem> = {
  branin: {
    bounds: [
      [-5, 10],
      [0, 15],
    ],
    f: branin,
    noisy: false,
  },
  hartmann6: { bounds: Array(6).fill([0, 1]), f: hartmann6, noisy: false },
  noisy_quadratic: { bounds: Array(3).fill([-5, 5]), f: quadratic, noisy: true },
};

function spaceOf(problem: Problem): SearchSpace {
  return Object.fromEntries(problem.bounds.map(([low, high], i) => [`x${i}`, { type: 'float', low, high }]));
}

function vector(params: Params, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => params[`x${i}`] as number);
}

/** One study: the noise-free value of the trial with the best observed value, and the history. */
function runOurs(
  problem: Problem,
  spec: SamplerSpec,
  seed: number,
): { best: number; history: TrialRecord[] } {
  const sampler = createSampler(spec, { seed, direction: 'minimize' });
  const space = spaceOf(problem);
  const history: TrialRecord[] = [];
  let bestObserved = Infinity;
  let best = Infinity;
  for (let number = 0; number < TRIALS; number++) {
    const params = sampler.suggest(space, history, number);
    const truth = problem.f(vector(params, problem.bounds.length));
    const observed = problem.noisy ? truth + NOISE_SIGMA * noise(seed, number) : truth;
    history.push({ number, params, state: 'complete', value: observed });
    if (observed < bestObserved) {
      bestObserved = observed;
      best = truth;
    }
  }
  return { best, history };
}

// ----------------------------------------------------------------------------------------- statistics

/** Quantile with linear interpolation between order statistics (NumPy's default). */
function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

function cell(values: readonly number[]): string {
  const f = (x: number) => x.toFixed(4);
  return `${f(quantile(values, 0.5))} [${f(quantile(values, 0.25))}, ${f(quantile(values, 0.75))}]`;
}

/**
 * Two-sided Mann–Whitney U test of "same distribution" (normal approximation with tie correction, fine
 * at 20 + 20 values): a large p means the two samplers' results cannot be told apart.
 */
function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort(
    (x, y) => x.v - y.v,
  );
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const rankSum = all.reduce((sum, item, k) => sum + (item.first ? ranks[k]! : 0), 0);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / sd;
  return Math.min(1, erfc(Math.max(0, z) / Math.SQRT2));
}

// ------------------------------------------------------------------------------------------------ run

interface OptunaAnswer {
  versions: Record<string, string>;
  results: Record<string, Record<string, number[]>>;
  speed: Record<string, number>;
  check: Record<string, number[]>;
}

const OURS: Record<string, SamplerSpec> = {
  'quotelab TPE': { kind: 'tpe' },
  'quotelab TPE multivariate': { kind: 'tpe', multivariate: true },
  'quotelab random': { kind: 'random' },
};

const OPTUNA_NAMES: Record<string, string> = {
  optuna_tpe: 'Optuna TPESampler',
  optuna_tpe_multivariate: 'Optuna TPE multivariate',
  optuna_random: 'Optuna RandomSampler',
};

const CHECK = {
  branin: [
    [-Math.PI, 12.275],
    [Math.PI, 2.275],
    [0, 0],
    [7.3, 11.1],
  ],
  hartmann6: [
    [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.1, 0.9, 0.3, 0.7, 0.2, 0.8],
  ],
  noisy_quadratic: [
    [1, 1, 1],
    [-5, 5, 0.5],
  ],
  noise: [
    [0, 0],
    [3, 17],
    [19, 99],
  ],
};

function runOptuna(): OptunaAnswer {
  ensurePythonTools((line) => console.log(`  ${line}`));
  const request = { trials: TRIALS, seeds: SEEDS, noise_sigma: NOISE_SIGMA, speed_repeats: 50, check: CHECK };
  const run = spawnSync(venvBin('python'), [SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`optuna_reference.py failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as OptunaAnswer;
}

/** Largest |ours − Python's| over the check points (NaN if Python left one out). */
function checkDefinitions(answer: OptunaAnswer): number {
  const ours: Record<string, number[]> = {
    branin: CHECK.branin.map(branin),
    hartmann6: CHECK.hartmann6.map(hartmann6),
    noisy_quadratic: CHECK.noisy_quadratic.map(quadratic),
    noise: CHECK.noise.map(([seed, trial]) => noise(seed!, trial!)),
  };
  let worst = 0;
  for (const [name, values] of Object.entries(ours)) {
    values.forEach(
      (value, i) => (worst = Math.max(worst, Math.abs(value - (answer.check[name]?.[i] ?? NaN)))),
    );
  }
  return worst;
}

/** Our TPE's suggestions per second with 100 complete hartmann6 trials in the history. */
function suggestionSpeed(spec: SamplerSpec): number {
  const problem = PROBLEMS.hartmann6!;
  const { history } = runOurs(problem, spec, 0);
  const sampler = createSampler(spec, { seed: 0, direction: 'minimize' });
  const space = spaceOf(problem);
  for (let i = 0; i < 20; i++) sampler.suggest(space, history, TRIALS + i); // warm-up
  const repeats = 200;
  const started = performance.now();
  for (let i = 0; i < repeats; i++) sampler.suggest(space, history, TRIALS + i);
  return repeats / ((performance.now() - started) / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const table: Record<string, Record<string, number[]>> = {};
  const started = performance.now();
  for (const [label, spec] of Object.entries(OURS)) {
    for (const [name, problem] of Object.entries(PROBLEMS)) {
      (table[label] ??= {})[name] = SEEDS.map((seed) => runOurs(problem, spec, seed).best);
    }
  }
  const oursSeconds = (performance.now() - started) / 1000;

  const optunaStarted = performance.now();
  const answer = runOptuna();
  const optunaSeconds = (performance.now() - optunaStarted) / 1000;
  for (const [key, label] of Object.entries(OPTUNA_NAMES)) {
    for (const name of Object.keys(PROBLEMS)) (table[label] ??= {})[name] = answer.results[name]![key]!;
  }

  const problems = Object.keys(PROBLEMS);
  const width = 28;
  console.log(
    `  best value after ${TRIALS} trials, median [q25, q75] over seeds 0–${SEEDS.length - 1} (${JSON.stringify(answer.versions)})`,
  );
  console.log(`  ${'sampler'.padEnd(30)} ${problems.map((p) => p.padEnd(width)).join(' ')}`);
  for (const [label, row] of Object.entries(table)) {
    console.log(`  ${label.padEnd(30)} ${problems.map((p) => cell(row[p]!).padEnd(width)).join(' ')}`);
  }
  const pairs: [string, string][] = [
    ['quotelab TPE', 'Optuna TPESampler'],
    ['quotelab TPE multivariate', 'Optuna TPE multivariate'],
    ['quotelab random', 'Optuna RandomSampler'],
  ];
  for (const [ours, theirs] of pairs) {
    const p = problems.map((name) =>
      mannWhitneyP(table[ours]![name]!, table[theirs]![name]!).toFixed(2).padEnd(width),
    );
    console.log(`  ${`p ${ours.replace('quotelab ', '')} = Optuna's`.padEnd(30)} ${p.join(' ')}`);
  }
  console.log(
    `  (p: two-sided Mann–Whitney U over the 20 seeds; optimum: branin 0.397887, hartmann6 −3.32237, noisy quadratic 0; noise σ = ${NOISE_SIGMA}; ` +
      `problem definitions agree with Python to ${checkDefinitions(answer).toExponential(1)})`,
  );
  console.log(
    `  wall time: ours ${oursSeconds.toFixed(1)} s, Optuna ${optunaSeconds.toFixed(1)} s (incl. start-up)`,
  );

  results.push({
    name: 'quotelab TPE suggest, 6 params, 100 trials',
    value: suggestionSpeed({ kind: 'tpe' }),
    unit: '/s',
  });
  results.push({
    name: 'quotelab TPE multivariate suggest, 6 params, 100 trials',
    value: suggestionSpeed({ kind: 'tpe', multivariate: true }),
    unit: '/s',
  });
  for (const [key, value] of Object.entries(answer.speed)) {
    results.push({ name: `${OPTUNA_NAMES[key]} ask+suggest+tell, 6 params, 100 trials`, value, unit: '/s' });
  }
  return results;
}
