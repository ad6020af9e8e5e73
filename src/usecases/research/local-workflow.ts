/**
 * `tuning.asl.json` run on this machine: the very file Step Functions runs, interpreted in-process by
 * aws-local-stepfunctions, with each Task state mapped to the function its Lambda (or Batch container)
 * runs. Trials go to a pool of worker threads, so a batch uses the cores; the other steps run here.
 *
 * Resumable: the study lives in the local store, so running the same spec again after an interruption
 * continues it — finished trials are kept, trials the interruption cut off are recorded as interrupted
 * and never run again (see suggestTrials).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { InterruptedError, throwIfInterrupted } from '../../core/concurrency/interrupt.ts';
import type { Platform } from '../../core/ports/platform.ts';
import { TRIAL_ENV, TUNING_TASKS } from '../../core/runtime-contract/index.ts';
import { finalizeStudy } from './finalize.ts';
import type { FinalizeOutput } from './finalize.ts';
import { initStudy, recordResults, suggestTrials } from './steps.ts';
import type { InitOutput, RecordOutput, SuggestOutput } from './steps.ts';
import { keptTrials } from './interrupted.ts';
import { TrialPool } from './trial-pool.ts';
import { FinalizeInput, InitInput, RecordInput, SuggestInput, TrialInput, stepInput } from './step-inputs.ts';

export const TUNING_ASL = fileURLToPath(new URL('../../../stepfunctions/tuning.asl.json', import.meta.url));

/** The substitution variables of tuning.asl.json and what they stand for locally. */
export const LOCAL_SUBSTITUTIONS: Readonly<Record<string, string>> = Object.freeze({
  TuneInitFunctionArn: 'arn:aws:lambda:local:000000000000:function:quotelab-tune-init',
  TuneSuggestFunctionArn: 'arn:aws:lambda:local:000000000000:function:quotelab-tune-suggest',
  TuneRecordFunctionArn: 'arn:aws:lambda:local:000000000000:function:quotelab-tune-record',
  TuneFinalizeFunctionArn: 'arn:aws:lambda:local:000000000000:function:quotelab-tune-finalize',
  TrialFunctionArn: 'arn:aws:lambda:local:000000000000:function:quotelab-trial-run',
  BatchJobQueueArn: 'arn:aws:batch:local:000000000000:job-queue/quotelab-trials',
  BatchJobDefinitionArn: 'arn:aws:batch:local:000000000000:job-definition/quotelab-trial',
});

/** The ASL text with `${Name}` replaced, as CDK's definitionSubstitutions do; an unknown name is an error. */
export function substituteDefinition(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`tuning.asl.json uses \${${name}}, which has no substitution`);
    return value;
  });
}

export interface LocalStudyOptions {
  /** The local platform's home folder (the worker threads open their own handles on it). */
  home: string;
  /** Worker threads for trials (default: the study's parallelism, at most the cores). */
  workers?: number;
  onInit?: (init: InitOutput) => void;
  onBatch?: (batch: SuggestOutput) => void;
  onProgress?: (progress: RecordOutput) => void;
  /**
   * Stops the study (Ctrl-C): the execution is aborted and the trial workers terminated at once; what
   * the store holds is kept (complete trials, and the cut-off ones are recorded as interrupted on resume),
   * no report is written, and `InterruptedError` says what was kept. Once the out-of-sample evaluation has
   * begun it finishes and the study completes.
   */
  signal?: AbortSignal;
}

export async function runStudyLocal(
  platform: Platform,
  spec: unknown,
  options: LocalStudyOptions,
): Promise<FinalizeOutput> {
  const definition = JSON.parse(
    substituteDefinition(readFileSync(TUNING_ASL, 'utf8'), LOCAL_SUBSTITUTIONS),
  ) as object;
  const machine = new StateMachine(definition as never);
  const executionId = `arn:aws:states:local:000000000000:execution:quotelab-tuning:${randomUUID()}`;
  let pool: TrialPool | undefined;
  const trialPool = (size: number) => (pool ??= new TrialPool(options.home, options.workers ?? size));
  const signal = options.signal;
  let studyId: string | undefined;
  let finalizing: Promise<FinalizeOutput> | undefined;
  let execution: ReturnType<StateMachine['run']> | undefined;
  const stop = () => {
    if (finalizing !== undefined) return; // the report is being written: let the study complete
    execution?.abort();
    void pool?.close();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    throwIfInterrupted(signal, 'tune', 'nothing was written');
    execution = machine.run(spec as never, {
      context: { Execution: { Id: executionId, Input: spec as never, StartTime: new Date().toISOString() } },
      overrides: {
        taskResourceLocalHandlers: {
          [TUNING_TASKS.start]: async (input) => {
            const init = await initStudy(platform, stepInput(TUNING_TASKS.start, InitInput, input));
            studyId = init.studyId;
            options.onInit?.(init);
            trialPool(Math.min(init.parallelism, availableParallelism()));
            return json(init);
          },
          [TUNING_TASKS.suggest]: async (input) => {
            const batch = await suggestTrials(platform, stepInput(TUNING_TASKS.suggest, SuggestInput, input));
            options.onBatch?.(batch);
            return json(batch);
          },
          // Locally both runners are the worker pool: the Batch container runs the same trial code.
          [TUNING_TASKS.runOnLambda]: async (input) =>
            json(await trialPool(1).run(stepInput('Run trial', TrialInput, input))),
          // The interpreter hands a Task its Parameters, here the SubmitJob request: the trial is in the
          // container's trial variable (TRIAL_ENV), exactly what the Batch container reads.
          [TUNING_TASKS.runOnBatch]: async (input) =>
            json(await trialPool(1).run(stepInput(TUNING_TASKS.runOnBatch, TrialInput, batchTrial(input)))),
          [TUNING_TASKS.record]: async (input) => {
            const progress = await recordResults(
              platform,
              stepInput(TUNING_TASKS.record, RecordInput, input),
            );
            options.onProgress?.(progress);
            return json(progress);
          },
          [TUNING_TASKS.finalize]: async (input) => {
            throwIfInterrupted(signal, 'tune', 'stopped before the out-of-sample evaluation');
            finalizing = finalizeStudy(platform, stepInput(TUNING_TASKS.finalize, FinalizeInput, input));
            return json(await finalizing);
          },
        },
        retryIntervalOverrides: {
          [TUNING_TASKS.runOnLambda]: 0,
          [TUNING_TASKS.runOnBatch]: 0,
          [TUNING_TASKS.start]: 0,
          [TUNING_TASKS.suggest]: 0,
          [TUNING_TASKS.record]: 0,
          [TUNING_TASKS.finalize]: 0,
        },
      },
    });
    try {
      return (await execution.result) as unknown as FinalizeOutput;
    } catch (error) {
      if (!signal?.aborted) throw error;
      if (finalizing !== undefined) return await finalizing;
      throw new InterruptedError('tune', await keptTrials(platform, studyId));
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await pool?.close();
  }
}

/** A step's output as the interpreter's JSON type (our outputs are plain JSON objects). */
function json(value: object): never {
  return value as never;
}

/** The trial inside a SubmitJob request (ContainerOverrides.Environment, the TRIAL_ENV variable, JSON). */
export function batchTrial(request: unknown): unknown {
  const environment = (
    request as { ContainerOverrides?: { Environment?: Array<{ Name: string; Value: string }> } }
  )?.ContainerOverrides?.Environment;
  const value = environment?.find((entry) => entry.Name === TRIAL_ENV.trial.name)?.Value;
  if (value === undefined)
    throw new TypeError(
      `${TUNING_TASKS.runOnBatch}: the job request has no ${TRIAL_ENV.trial.name} variable`,
    );
  return JSON.parse(value) as unknown;
}
