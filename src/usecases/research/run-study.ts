/**
 * `quotelab tune`: a study run by the tuning workflow (`stepfunctions/tuning.asl.json`) on whatever
 * Orchestrator the caller gives — the deployed state machine, or the same file interpreted on this
 * machine. Progress comes from the workflow's own steps (the study started, each batch suggested, each
 * batch recorded), on both targets.
 *
 * Resumable: the study lives in the store, so running the same spec again after an interruption
 * continues it — finished trials are kept, trials the interruption cut off are recorded as interrupted
 * and never run again (see suggestTrials).
 */
import { InterruptedError, throwIfInterrupted } from '../../core/concurrency/interrupt.ts';
import type { Orchestrator } from '../../core/ports/orchestrator.ts';
import type { Platform } from '../../core/platform.ts';
import { parseStudySpec } from '../../core/research/study-spec.ts';
import { TUNING_TASKS } from '../../core/runtime-contract/index.ts';
import type { FinalizeOutput } from './finalize.ts';
import { keptTrials } from './interrupted.ts';
import type { InitOutput, RecordOutput, SuggestOutput } from './steps.ts';
import { validateStudyParams } from './trial-params.ts';

export interface StudyRunOptions {
  onInit?: (init: InitOutput) => void;
  onBatch?: (batch: SuggestOutput) => void;
  onProgress?: (progress: RecordOutput) => void;
  /**
   * Stops the study (Ctrl-C): what the store holds is kept (complete trials; the cut-off ones are
   * recorded as interrupted on resume), no report is written, and `InterruptedError` says what was kept.
   * Once the out-of-sample evaluation has begun it finishes and the study completes.
   */
  signal?: AbortSignal;
}

export async function runStudy(
  platform: Platform,
  orchestrator: Orchestrator,
  spec: unknown,
  options: StudyRunOptions = {},
): Promise<FinalizeOutput> {
  // The workflow's first step checks the spec too; checking here fails before an execution starts.
  validateStudyParams(parseStudySpec(spec));
  throwIfInterrupted(options.signal, 'tune', 'nothing was written');
  let studyId: string | undefined;
  try {
    return (await orchestrator.run('tuning', spec, {
      signal: options.signal,
      onStep: (step, output) => {
        if (step === TUNING_TASKS.start) {
          studyId = (output as InitOutput).studyId;
          options.onInit?.(output as InitOutput);
        } else if (step === TUNING_TASKS.suggest) options.onBatch?.(output as SuggestOutput);
        else if (step === TUNING_TASKS.record) options.onProgress?.(output as RecordOutput);
      },
    })) as FinalizeOutput;
  } catch (error) {
    if (options.signal?.aborted && error instanceof InterruptedError)
      throw new InterruptedError('tune', await keptTrials(platform, studyId));
    throw error;
  }
}
