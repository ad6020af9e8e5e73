/**
 * One tuning trial: the trial's parameters (read from the study store, where the suggest step reserved
 * them) backtested on every walk-forward fold — a run over the fold's train and validation days, measured
 * on the validation days only — and the objective over the validation windows, told to the store.
 *
 * The Lambda `trial-run`, the Batch container and the local worker pool all run this function, and it
 * records its own result, so Lambda and Batch runs are alike to the workflow (a Batch job returns nothing
 * to Step Functions).
 */
import { sliceEvents } from '../../core/market/events.ts';
import { kstToUtcMs } from '../../core/market/kst.ts';
import { addDays } from '../../core/market/kst.ts';
import type { Platform } from '../../core/platform.ts';
import { measureWindow, objectiveValue } from '../../core/research/objective.ts';
import type { WindowResult } from '../../core/research/objective.ts';
import type { DayWindow } from '../../core/research/walk-forward.ts';
import { runBacktest } from '../../core/sim/index.ts';
import type { Params } from '../../core/tune/index.ts';
import { backtestConfig } from '../backtest-setup.ts';
import { studyEvents } from './study-data.ts';
import { trialSetup } from './trial-params.ts';
import type { StoredWindow, StudyMeta } from './study-store.ts';
import { StudyStore } from './study-store.ts';

export interface TrialTask {
  studyId: string;
  number: number;
  runner: 'lambda' | 'batch';
}

export interface TrialOutcome {
  studyId: string;
  number: number;
  state: 'complete' | 'failed';
  value?: number;
  error?: string;
}

export async function runTrial(
  platform: Platform,
  task: TrialTask,
  now = () => new Date().toISOString(),
): Promise<TrialOutcome> {
  const store = new StudyStore(platform.state);
  const meta = await store.meta(task.studyId);
  const trial = await store.trial(task.studyId, task.number);
  if (trial.state !== 'running') {
    // Already decided (a retried or duplicated delivery): report what is recorded, run nothing.
    return {
      studyId: task.studyId,
      number: task.number,
      state: trial.state === 'complete' ? 'complete' : 'failed',
      value: trial.value,
      error: trial.error,
    };
  }
  await store.start(task.studyId, task.number, now());
  const started = performance.now();
  try {
    const windows = await evaluateFolds(platform, meta, trial.params);
    const value = objectiveValue(
      meta.spec.objective.name,
      windows.map((w) => w.result),
      meta.spec.objective.riskAversion,
    );
    if (!Number.isFinite(value))
      throw new Error(`objective ${meta.spec.objective.name} is not finite (${value})`);
    const stored: StoredWindow[] = windows.map((w) => ({
      from: w.window.from,
      to: w.window.to,
      pnl: w.result.pnl,
      maxDrawdown: w.result.maxDrawdown,
      fills: w.fills,
    }));
    await store.tell(
      task.studyId,
      task.number,
      { state: 'complete', value, windows: stored, seconds: (performance.now() - started) / 1000 },
      now(),
    );
    return { studyId: task.studyId, number: task.number, state: 'complete', value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await store.tell(
      task.studyId,
      task.number,
      { state: 'failed', error: message, seconds: (performance.now() - started) / 1000 },
      now(),
    );
    return { studyId: task.studyId, number: task.number, state: 'failed', error: message };
  }
}

export interface MeasuredWindow {
  window: DayWindow;
  result: WindowResult;
  fills: number;
}

/** The parameters' result on each fold's validation window. */
export async function evaluateFolds(
  platform: Platform,
  meta: StudyMeta,
  params: Params,
): Promise<MeasuredWindow[]> {
  const folds = meta.plan.folds;
  const events = await studyEvents(
    platform,
    meta.spec,
    meta.dataVersion,
    folds[0]!.train.from,
    folds.at(-1)!.validate.to,
  );
  return folds.map((fold) => measureRun(events, meta, params, fold.train.from, fold.validate));
}

/** The parameters' result on `window`, after warming up from `warmupFrom` (used for the test window too). */
export function measureRun(
  events: Parameters<typeof sliceEvents>[0],
  meta: StudyMeta,
  params: Params,
  warmupFrom: string,
  window: DayWindow,
): MeasuredWindow {
  const fromMs = kstToUtcMs(window.from, '000000');
  const toMs = kstToUtcMs(addDays(window.to, 1), '000000');
  const slice = sliceEvents(events, kstToUtcMs(warmupFrom, '000000'), toMs);
  if (slice.length === 0) throw new Error(`no ticks from ${warmupFrom} to ${window.to}`);
  const { config } = backtestConfig('krx', {
    ...trialSetup(meta.spec.strategy, { ...meta.spec.fixedParams, ...params }),
    snapshots: 'none',
  });
  const result = runBacktest(slice, { ...config, endMs: toMs - 1 });
  const fills = result.tradeLog.filter((t) => t.ts >= fromMs && t.ts < toMs).length;
  return { window, result: measureWindow(result.portfolio, fromMs, toMs), fills };
}
