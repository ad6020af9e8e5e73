/**
 * Seed B's phase-3 criterion, measured: on generated KRX weeks (several seeds), a TPE study tunes A&S's γ, κ
 * and spread clamp on walk-forward validation days, and the best parameters and Seed B's manual ones
 * (γ = 1, κ = 1000, clamp 0.1 %–1 %) are then run on held-out test days never read while tuning.
 * Prints, per seed: out-of-sample PnL of both, the improvement relative to |manual PnL|, both max
 * drawdowns, and how the parameters converged (interquartile range of each parameter's log over the first
 * and the last quarter of the trials). Runs `tuning.asl.json` locally, trials on worker threads.
 * Asserts nothing: the criterion (≥ 10 % better, drawdown not worse) is judged in the issue notes.
 *
 * The default configuration: 16 days (10 rolling folds of 2 train + 1 validation day, then 4 test days),
 * objective `utility` (PnL − 1 × the largest drawdown in a window: the criterion's two parts), clamp min
 * in [0.05 %, 5 %] and max in [5 %, 30 %]. Earlier configurations, kept reproducible through the
 * environment (their results are in the issue notes):
 *   SEEDB_DAYS=12 SEEDB_TEST_DAYS=2 SEEDB_OBJECTIVE=pnl SEEDB_SPLIT=0.02 SEEDB_MAX=0.2
 *   SEEDB_DAYS=16 SEEDB_TEST_DAYS=4 SEEDB_OBJECTIVE=utility SEEDB_SPLIT=0.02 SEEDB_MAX=0.2
 * SEEDB_SEEDS takes a comma-separated list of seeds (default seed-b-1,seed-b-2,seed-b-3).
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalPlatform } from '../src/adapters/local/local-platform.ts';
import { generateMarket } from '../src/usecases/generate.ts';
import { openLocalOrchestrator } from '../local-runner/tuning.ts';
import { runStudy } from '../src/usecases/research/run-study.ts';
import { StudyStore } from '../src/usecases/research/study-store.ts';
import type { BenchResult } from './types.ts';

const env = process.env;
const SEEDS = (env.SEEDB_SEEDS ?? 'seed-b-1,seed-b-2,seed-b-3').split(',');
const DAYS = Number(env.SEEDB_DAYS ?? 16);
const TEST_DAYS = Number(env.SEEDB_TEST_DAYS ?? 4);
const OBJECTIVE = env.SEEDB_OBJECTIVE ?? 'utility';
/** Where the clamp's minimum range ends and its maximum range begins, and the maximum's top. */
const CLAMP_SPLIT = Number(env.SEEDB_SPLIT ?? 0.05);
const CLAMP_TOP = Number(env.SEEDB_MAX ?? 0.3);
const TICKS_PER_DAY = 6000;
const TRIALS = 100;

/**
 * Seed B's γ and κ ranges; the clamp's two ends in disjoint ranges so every trial has min ≤ max. (With
 * the clamp's split at 2 %, the best minimum sat against 2 % on two of three seeds: the range was widened.)
 */
export const SEED_B_STUDY_SPACE = {
  gamma: { type: 'float', low: 0.1, high: 2.0, log: true },
  kappa: { type: 'float', low: 100, high: 5000, log: true },
  minSpreadFraction: { type: 'float', low: 0.0005, high: CLAMP_SPLIT, log: true },
  maxSpreadFraction: { type: 'float', low: CLAMP_SPLIT, high: CLAMP_TOP, log: true },
} as const;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const seed of SEEDS) {
    const home = mkdtempSync(join(tmpdir(), `quotelab-seedb-${seed}-`));
    const generated = await generateMarket({
      out: join(home, 'market'),
      seed,
      start: '2025-12-01',
      days: DAYS,
      ticksPerDay: TICKS_PER_DAY,
    });
    const files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(home, 'market', f.name));
    const platform = openLocalPlatform(home);
    const started = performance.now();
    const spec = {
      studyId: seed,
      data: { kind: 'files', paths: files },
      space: SEED_B_STUDY_SPACE,
      budget: { trials: TRIALS, parallelism: availableParallelism() },
      seed: 1,
      walkForward: {
        mode: 'rolling',
        trainDays: 2,
        validateDays: 1,
        embargoDays: 0,
        testDays: TEST_DAYS,
      },
      objective: { name: OBJECTIVE, riskAversion: 1 },
      // Tuning measures the strategy, not the loss limits: with them, every trial stops trading on day one.
      fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    };
    const out = await runStudy(platform, openLocalOrchestrator(platform, { home }), spec);
    const seconds = (performance.now() - started) / 1000;
    const trials = (await new StudyStore(platform.state).trials(seed)).filter((t) => t.state === 'complete');
    await platform.close();
    const oos = out.outOfSample!;
    const label = `${seed} (${DAYS} days × ${TICKS_PER_DAY} ticks, ${TRIALS} trials, ${seconds.toFixed(0)} s)`;
    results.push({ name: `${label}: manual OOS PnL`, value: oos.manualPnl, unit: 'KRW' });
    results.push({ name: `${label}: tuned OOS PnL`, value: oos.tunedPnl, unit: 'KRW' });
    results.push({ name: `${label}: improvement over |manual|`, value: oos.pnlImprovement * 100, unit: '%' });
    results.push({ name: `${label}: manual max drawdown`, value: oos.manualMaxDrawdown, unit: 'KRW' });
    results.push({ name: `${label}: tuned max drawdown`, value: oos.tunedMaxDrawdown, unit: 'KRW' });
    const quarter = Math.max(4, Math.floor(trials.length / 4));
    for (const name of Object.keys(SEED_B_STUDY_SPACE)) {
      const logs = (slice: typeof trials) => slice.map((t) => Math.log10(t.params[name] as number));
      const early = iqr(logs(trials.slice(0, quarter)));
      const late = iqr(logs(trials.slice(-quarter)));
      results.push({
        name: `${label}: ${name} best ${Number((out.best!.params[name] as number).toPrecision(3))}, log10 IQR first→last quarter ${early.toFixed(2)}→`,
        value: late,
        unit: '',
      });
    }
  }
  return results;
}

function iqr(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  return at(0.75) - at(0.25);
}
