/**
 * The steps of a tuning study, one function per Task state of `stepfunctions/tuning.asl.json`:
 *
 *   initStudy       validate the spec (and its parameters against the strategy), pin the data, plan the walk-forward folds, create (or resume) the study
 *   suggestTrials   the next batch: `parallelism` trials suggested one after another (each seeing the ones
 *                   before it as running, for the constant liar), reserved in the store — or done
 *   runTrial        (trial.ts) backtest one trial on every fold and record its value
 *   recordResults   fold the Map's outputs back in: a trial the workflow caught as failed is recorded failed
 *   finalizeStudy   (finalize.ts) the best and the manual parameters on the out-of-sample test window, report
 *
 * The Lambdas, the local ASL run and the direct loop (`runStudyDirect`) call these same functions, so a
 * study means the same wherever it runs. Step inputs and outputs are small JSON (ids and numbers):
 * everything else lives in the study store.
 */
import type { Platform } from '../../core/platform.ts';
import { parseStudySpec } from '../../core/research/study-spec.ts';
import { planWalkForward } from '../../core/research/walk-forward.ts';
import type { Params, TrialRecord } from '../../core/tune/index.ts';
import { createSampler, validateSearchSpace } from '../../core/tune/index.ts';
import { pinStudyData } from './study-data.ts';
import { validateStudyParams } from './trial-params.ts';
import { StudyConflictError, StudyStore, specHash } from './study-store.ts';
import type { StoredTrial, StudyMeta } from './study-store.ts';
import type { TrialOutcome, TrialTask } from './trial.ts';

export interface InitOutput {
  studyId: string;
  resumed: boolean;
  trials: number;
  parallelism: number;
  folds: number;
  testWindow: { from: string; to: string };
  dataVersion: string;
}

export interface SuggestOutput {
  done: boolean;
  /** Why the study stops (budget, patience), when done. */
  reason?: string;
  trials: TrialTask[];
}

export interface RecordOutput {
  complete: number;
  failed: number;
  best?: { number: number; value: number };
}

const now = () => new Date().toISOString();

export async function initStudy(
  platform: Platform,
  input: { spec: unknown; owner: string },
): Promise<InitOutput> {
  const spec = parseStudySpec(input.spec);
  if (platform.target === 'aws' && spec.data.kind === 'files')
    throw new Error(
      'data kind "files" reads local files: in AWS a study reads the lake ({ "kind": "table" })',
    );
  validateSearchSpace(spec.space);
  // Before the data is read and before any trial: a spec whose trials can only fail stops here.
  validateStudyParams(spec);
  const hash = specHash(spec);
  const studyId = spec.studyId ?? `study-${hash.slice(0, 12)}`;
  const store = new StudyStore(platform.state);
  const pinned = await pinStudyData(platform, spec);
  const plan = planWalkForward(pinned.tradingDays, spec.walkForward);
  const foldDays = plan.folds.flatMap((fold) => [
    ...daysIn(pinned.tradingDays, fold.train.from, fold.validate.to),
  ]);
  const eventsPerTrial = foldDays.reduce((sum, day) => sum + (pinned.ticksPerDay[day] ?? 0), 0);
  const created = await store.createOrResume(
    {
      studyId,
      spec,
      specHash: hash,
      dataVersion: pinned.version,
      tradingDays: pinned.tradingDays,
      plan,
      eventsPerTrial,
      owner: input.owner,
    },
    now(),
  );
  const { meta, resumed } = created;
  if (resumed && meta.dataVersion !== pinned.version && spec.data.kind === 'files') {
    throw new StudyConflictError(
      `study ${studyId} was started on files with digest ${meta.dataVersion}; they now hash to ${pinned.version}: ` +
        'restore the files or start a new study (another studyId)',
    );
  }
  return {
    studyId,
    resumed,
    trials: meta.spec.budget.trials,
    parallelism: meta.spec.budget.parallelism,
    folds: meta.plan.folds.length,
    testWindow: { from: meta.plan.test.from, to: meta.plan.test.to },
    dataVersion: meta.dataVersion,
  };
}

export async function suggestTrials(
  platform: Platform,
  input: { studyId: string; owner: string },
): Promise<SuggestOutput> {
  const store = new StudyStore(platform.state);
  const meta = await store.meta(input.studyId);
  if (meta.owner !== input.owner) {
    // Another execution resumed this study: this one stops rather than run trials beside it.
    throw new StudyConflictError(
      `study ${input.studyId} is now run by ${meta.owner}; this execution (${input.owner}) stops`,
    );
  }
  let trials = await store.trials(input.studyId);
  // A trial left running by an earlier execution was interrupted: it is failed, never run again.
  // A retried call (its first answer lost after it reserved the batch) gets that batch again.
  const pending = trials.filter((t) => t.state === 'running' && t.owner === input.owner);
  if (pending.length > 0) {
    const runner = runnerFor(meta);
    return {
      done: false,
      trials: pending.map((t) => ({ studyId: input.studyId, number: t.number, runner })),
    };
  }
  const stale = trials.filter((t) => t.state === 'running' && t.owner !== input.owner);
  for (const trial of stale) {
    try {
      await store.tell(input.studyId, trial.number, { state: 'failed', error: INTERRUPTED }, now());
    } catch (error) {
      // It finished after all (its runner outlived the old execution): keep what it recorded.
      if (!(error instanceof StudyConflictError)) throw error;
    }
  }
  if (stale.length > 0) trials = await store.trials(input.studyId);
  const stop = stopReason(meta, trials);
  if (stop) return { done: true, reason: stop, trials: [] };
  const counted = trials.filter(countsTowardBudget).length;
  const size = Math.min(meta.spec.budget.parallelism, meta.spec.budget.trials - counted);
  const sampler = createSampler(meta.spec.sampler, { seed: meta.spec.seed, direction: meta.spec.direction });
  const history: TrialRecord[] = trials.map(asRecord);
  let next = trials.reduce((max, t) => Math.max(max, t.number + 1), 0);
  const runner = runnerFor(meta);
  const batch: TrialTask[] = [];
  for (let k = 0; k < size; k++, next++) {
    const params = sampler.suggest(meta.spec.space, history, next);
    await store.reserve(input.studyId, next, params, input.owner, now());
    history.push({ number: next, params, state: 'running' });
    batch.push({ studyId: input.studyId, number: next, runner });
  }
  return { done: false, trials: batch };
}

export async function recordResults(
  platform: Platform,
  input: { studyId: string; results: unknown[] },
): Promise<RecordOutput> {
  const store = new StudyStore(platform.state);
  for (const result of input.results) {
    const outcome = result as Partial<TrialOutcome> & { error?: unknown };
    if (typeof outcome.number !== 'number') continue;
    const trial = await store.trial(input.studyId, outcome.number);
    if (trial.state === 'running') {
      // The runner did not record anything (it crashed or timed out): the workflow's Catch says why.
      const error =
        typeof outcome.error === 'string'
          ? outcome.error
          : JSON.stringify(outcome.error ?? 'no result recorded');
      await store.tell(
        input.studyId,
        outcome.number,
        { state: 'failed', error: `runner failed: ${error}` },
        now(),
      );
    }
  }
  const trials = await store.trials(input.studyId);
  const meta = await store.meta(input.studyId);
  const best = bestTrial(meta, trials);
  return {
    complete: trials.filter((t) => t.state === 'complete').length,
    failed: trials.filter((t) => t.state === 'failed').length,
    best: best ? { number: best.number, value: best.value! } : undefined,
  };
}

export const INTERRUPTED = 'interrupted: its execution stopped before the trial finished';

/** Complete trials, and failed ones except those an interruption ended (they are not the trial's fault). */
function countsTowardBudget(trial: StoredTrial): boolean {
  return trial.state === 'complete' || (trial.state === 'failed' && trial.error !== INTERRUPTED);
}

function stopReason(meta: StudyMeta, trials: StoredTrial[]): string | undefined {
  const { trials: budget, patience } = meta.spec.budget;
  if (trials.filter(countsTowardBudget).length >= budget) return `budget of ${budget} trials reached`;
  if (patience !== undefined) {
    const complete = trials.filter((t) => t.state === 'complete').sort((a, b) => a.number - b.number);
    const best = bestTrial(meta, complete);
    const since = best ? complete.filter((t) => t.number > best.number).length : 0;
    if (since >= patience)
      return `no better value in the last ${since} complete trials (patience ${patience})`;
  }
  return undefined;
}

export function bestTrial(meta: StudyMeta, trials: readonly StoredTrial[]): StoredTrial | undefined {
  const sign = meta.spec.direction === 'maximize' ? 1 : -1;
  let best: StoredTrial | undefined;
  for (const trial of trials) {
    if (trial.state !== 'complete' || trial.value === undefined) continue;
    if (
      !best ||
      sign * trial.value > sign * best.value! ||
      (trial.value === best.value && trial.number < best.number)
    )
      best = trial;
  }
  return best;
}

function runnerFor(meta: StudyMeta): 'lambda' | 'batch' {
  if (meta.spec.runner !== 'auto') return meta.spec.runner;
  return meta.eventsPerTrial > meta.spec.batchAboveEvents ? 'batch' : 'lambda';
}

function asRecord(trial: StoredTrial): TrialRecord {
  return { number: trial.number, params: trial.params as Params, state: trial.state, value: trial.value };
}

function* daysIn(days: readonly string[], from: string, to: string): Generator<string> {
  for (const day of days) if (day >= from && day <= to) yield day;
}
