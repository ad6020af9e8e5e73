/**
 * The Batch container's entry: runs the trial named by QUOTELAB_TRIAL (JSON set by the tuning workflow's
 * "Run trial on Batch" state) with the same `runTrial` as the Lambda, then exits. Exit code 0 when the
 * trial was recorded (complete or failed: a failed trial is a result, not a job failure); 1 when it could
 * not even be recorded, so Batch and the workflow see the job fail.
 */
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { TrialInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { runTrial } from '../../src/usecases/research/trial.ts';

async function main(): Promise<number> {
  const raw = process.env.QUOTELAB_TRIAL;
  if (!raw) {
    console.error('QUOTELAB_TRIAL is not set: the workflow passes the trial as JSON');
    return 1;
  }
  const task = stepInput('Run trial on Batch', TrialInput, JSON.parse(raw));
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
