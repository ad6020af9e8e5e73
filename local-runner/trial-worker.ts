/**
 * A worker thread of the local trial pool: opens the local platform of the home folder it is given (its
 * own SQLite connection and stores) and runs the trials it is sent, one at a time, exactly as the Lambda
 * would (`runTrial`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLocalPlatform } from '../src/adapters/local/local-platform.ts';
import { runTrial } from '../src/usecases/research/trial.ts';
import type { TrialTask } from '../src/usecases/research/trial.ts';

const platform = openLocalPlatform((workerData as { home: string }).home);

parentPort!.on('message', (message: { id: number; task: TrialTask }) => {
  runTrial(platform, message.task).then(
    (outcome) => parentPort!.postMessage({ id: message.id, outcome }),
    (error: unknown) =>
      parentPort!.postMessage({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
