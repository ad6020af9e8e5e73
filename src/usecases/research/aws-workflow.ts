/**
 * A study on the deployed workflow: start an execution of the tuning state machine
 * (QUOTELAB_TUNING_STATE_MACHINE_ARN, a stack output) with the spec, then follow the study in the store
 * until the execution ends. The CLI's `quotelab tune --target aws`.
 */
import { StepFunctionsExecutions } from '../../adapters/aws/step-functions.ts';
import type { Platform } from '../../core/ports/platform.ts';
import { parseStudySpec } from '../../core/research/study-spec.ts';
import { TUNING_CLIENT_ENV, outputHint, readEnvironment } from '../../core/runtime-contract/index.ts';
import type { FinalizeOutput } from './finalize.ts';
import type { RecordOutput } from './steps.ts';
import { bestTrial } from './steps.ts';
import { StudyStore, specHash } from './study-store.ts';
import { validateStudyParams } from './trial-params.ts';

export async function runStudyOnAws(
  platform: Platform,
  spec: unknown,
  options: {
    onInit?: (init: { studyId: string; trials: number; resumed: boolean; folds: number }) => void;
    onProgress?: (progress: RecordOutput) => void;
    pollMs?: number;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<FinalizeOutput> {
  const env = options.env ?? process.env;
  const { tuningStateMachineArn: arn } = readEnvironment(TUNING_CLIENT_ENV, env, {
    needs: 'target aws',
    hint: outputHint(TUNING_CLIENT_ENV.tuningStateMachineArn),
  });
  const parsed = parseStudySpec(spec);
  // The deployed init step checks this too; checking here fails fast, before an execution starts.
  validateStudyParams(parsed);
  const studyId = parsed.studyId ?? `study-${specHash(parsed).slice(0, 12)}`;
  const executions = new StepFunctionsExecutions(env);
  const store = new StudyStore(platform.state);
  const existed = await store.meta(studyId).then(
    () => true,
    () => false,
  );
  const executionArn = await executions.start(arn, spec);
  let announced = false;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5000));
    const state = await executions.describe(executionArn);
    if (!announced && options.onInit) {
      const meta = await store.meta(studyId).catch(() => undefined);
      if (meta) {
        announced = true;
        options.onInit({
          studyId,
          trials: meta.spec.budget.trials,
          resumed: existed,
          folds: meta.plan.folds.length,
        });
      }
    }
    if (options.onProgress) {
      const trials = await store.trials(studyId).catch(() => []);
      if (trials.length > 0) {
        const meta = await store.meta(studyId);
        const best = bestTrial(meta, trials);
        options.onProgress({
          complete: trials.filter((t) => t.state === 'complete').length,
          failed: trials.filter((t) => t.state === 'failed').length,
          best: best ? { number: best.number, value: best.value! } : undefined,
        });
      }
    }
    if (state.status === 'SUCCEEDED') return state.output as FinalizeOutput;
    if (state.status !== 'RUNNING')
      throw new Error(
        `execution ${executionArn} ${state.status}: ${state.error ?? ''} ${state.cause ?? ''}`.trim(),
      );
  }
}
