/**
 * A study without Step Functions: the same steps the workflow runs, called in a loop in this process.
 * It is the reference the local run of `tuning.asl.json` is checked against (same seed → same trial
 * sequence and best value), and a quick way to tune from code.
 */
import { InterruptedError, throwIfInterrupted, yieldEvery } from '../../core/concurrency/interrupt.ts';
import type { Platform } from '../../core/platform.ts';
import { finalizeStudy } from './finalize.ts';
import type { FinalizeOutput } from './finalize.ts';
import { keptTrials } from './interrupted.ts';
import { initStudy, recordResults, suggestTrials } from './steps.ts';
import type { InitOutput, RecordOutput } from './steps.ts';
import { runTrial } from './trial.ts';
import type { TrialOutcome, TrialTask } from './trial.ts';

export interface DirectStudyOptions {
  /** Names this run as the study's owner (a new owner takes over an interrupted study). */
  owner?: string;
  /** How a batch runs; default one trial after another in this process. */
  runTrials?: (tasks: TrialTask[]) => Promise<TrialOutcome[]>;
  onInit?: (init: InitOutput) => void;
  onProgress?: (progress: RecordOutput) => void;
  /**
   * Stops the study between trials (Ctrl-C) with `InterruptedError`; the store keeps what is recorded.
   * Trials run on this thread, so the one in progress finishes first.
   */
  signal?: AbortSignal;
}

export async function runStudyDirect(
  platform: Platform,
  spec: unknown,
  options: DirectStudyOptions = {},
): Promise<FinalizeOutput> {
  const owner = options.owner ?? `direct:${process.pid}:${Date.now()}`;
  const run =
    options.runTrials ??
    (async (tasks: TrialTask[]) => {
      const outcomes: TrialOutcome[] = [];
      for (const task of tasks) {
        // The local stores answer synchronously, so without a real yield the signal handler never runs.
        if (await pause()) break;
        outcomes.push(await runTrial(platform, task));
      }
      return outcomes;
    });
  const signal = options.signal;
  const pause = yieldEvery(1, signal);
  throwIfInterrupted(signal, 'tune', 'nothing was written');
  const init = await initStudy(platform, { spec, owner });
  options.onInit?.(init);
  const { studyId } = init;
  for (;;) {
    if (signal?.aborted) throw new InterruptedError('tune', await keptTrials(platform, studyId));
    const batch = await suggestTrials(platform, { studyId, owner });
    if (batch.done) return finalizeStudy(platform, { studyId, stopReason: batch.reason });
    const results = await run(batch.trials);
    if (signal?.aborted) throw new InterruptedError('tune', await keptTrials(platform, studyId));
    options.onProgress?.(await recordResults(platform, { studyId, results }));
  }
}
