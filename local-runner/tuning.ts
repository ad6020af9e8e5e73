/**
 * The local runner of the tuning workflow: what each Task state of `stepfunctions/tuning.asl.json` runs on
 * this machine — the local twin of the step Lambdas (`lambdas/tune-*`) and the Batch container
 * (`containers/batch`). The step functions are the same use cases they call; trials go to a pool of worker
 * threads so a batch uses the cores. The CLI hands the result to use cases as their Orchestrator.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { AslOrchestrator } from '../src/adapters/local/asl-orchestrator.ts';
import type { LocalTasks, LocalWorkflow } from '../src/adapters/local/asl-orchestrator.ts';
import type { Platform } from '../src/core/platform.ts';
import { TRIAL_ENV, TUNING_TASKS } from '../src/core/runtime-contract/index.ts';
import { finalizeStudy } from '../src/usecases/research/finalize.ts';
import {
  FinalizeInput,
  InitInput,
  RecordInput,
  SuggestInput,
  TrialInput,
  stepInput,
} from '../src/usecases/research/step-inputs.ts';
import { initStudy, recordResults, suggestTrials } from '../src/usecases/research/steps.ts';
import { TrialPool } from './trial-pool.ts';

export const TUNING_ASL = fileURLToPath(new URL('../stepfunctions/tuning.asl.json', import.meta.url));

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

export interface LocalRunnerOptions {
  /** The local platform's home folder (the trial workers open their own handles on it). */
  home: string;
  /** Worker threads for trials (default: the study's parallelism, at most the cores). */
  workers?: number;
}

/** The tuning workflow on this machine: the ASL file, its substitutions, and a task per Task state. */
export function localTuningWorkflow(platform: Platform, options: LocalRunnerOptions): LocalWorkflow {
  return {
    file: TUNING_ASL,
    substitutions: LOCAL_SUBSTITUTIONS,
    tasks: () => tuningTasks(platform, options),
  };
}

/** The Orchestrator the CLI gives use cases locally. */
export function openLocalOrchestrator(platform: Platform, options: LocalRunnerOptions): AslOrchestrator {
  return new AslOrchestrator({ tuning: localTuningWorkflow(platform, options) });
}

function tuningTasks(platform: Platform, options: LocalRunnerOptions): LocalTasks {
  let pool: TrialPool | undefined;
  const trialPool = (size: number) => (pool ??= new TrialPool(options.home, options.workers ?? size));
  return {
    handlers: {
      [TUNING_TASKS.start]: async (input) => {
        const init = await initStudy(platform, stepInput(TUNING_TASKS.start, InitInput, input));
        trialPool(Math.min(init.parallelism, availableParallelism()));
        return init;
      },
      [TUNING_TASKS.suggest]: async (input) =>
        suggestTrials(platform, stepInput(TUNING_TASKS.suggest, SuggestInput, input)),
      // Locally both runners are the worker pool: the Batch container runs the same trial code.
      [TUNING_TASKS.runOnLambda]: async (input) =>
        trialPool(1).run(stepInput(TUNING_TASKS.runOnLambda, TrialInput, input)),
      // The interpreter hands a Task its Parameters, here the SubmitJob request: the trial is in the
      // container's trial variable (TRIAL_ENV), exactly what the Batch container reads.
      [TUNING_TASKS.runOnBatch]: async (input) =>
        trialPool(1).run(stepInput(TUNING_TASKS.runOnBatch, TrialInput, batchTrial(input))),
      [TUNING_TASKS.record]: async (input) =>
        recordResults(platform, stepInput(TUNING_TASKS.record, RecordInput, input)),
      [TUNING_TASKS.finalize]: async (input) =>
        finalizeStudy(platform, stepInput(TUNING_TASKS.finalize, FinalizeInput, input)),
    },
    // Once the out-of-sample evaluation has begun it finishes, and the study completes.
    finishOnceBegun: [TUNING_TASKS.finalize],
    close: async () => {
      await pool?.close();
    },
  };
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
