/**
 * The Batch container's entry: runs the trial named by QUOTELAB_TRIAL (JSON set by the tuning workflow's
 * "Run trial on Batch" state) with the same `runTrial` as the Lambda, then exits. Exit code 0 when the
 * trial was recorded (complete or failed: a failed trial is a result, not a job failure); 1 when it could
 * not even be recorded (or no trial was given), so Batch and the workflow see the job fail.
 */
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { TRIAL_ENV, TUNING_TASKS, readEnvironment } from '../../src/core/runtime-contract/index.ts';
import { TrialInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { runTrial } from '../../src/usecases/research/trial.ts';

async function main(): Promise<number> {
  const { trial } = readEnvironment(TRIAL_ENV, process.env, {
    needs: 'the Batch trial',
    hint: 'the workflow passes the trial as JSON',
  });
  const task = stepInput(TUNING_TASKS.runOnBatch, TrialInput, JSON.parse(trial));
  const outcome = await runTrial(openAwsPlatform(), task);
  console.log(JSON.stringify({ message: 'trial recorded', ...outcome }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      JSON.stringify({
        message: 'trial not recorded',
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    process.exit(1);
  },
);
