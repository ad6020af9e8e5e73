/** Tuning workflow, "Suggest trials": the next batch of trials (TPE with the constant liar), reserved in the store. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import type { Platform } from '../../src/core/platform.ts';
import { TUNING_TASKS } from '../../src/core/runtime-contract/index.ts';
import { SuggestInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { suggestTrials } from '../../src/usecases/research/steps.ts';

const logger = new Logger();
let platform: Platform | undefined;

async function suggest(event: unknown) {
  platform ??= openAwsPlatform();
  const batch = await suggestTrials(platform, stepInput(TUNING_TASKS.suggest, SuggestInput, event));
  logger.info(batch.done ? 'study done' : 'trials suggested', {
    done: batch.done,
    reason: batch.reason,
    trials: batch.trials.map((t) => t.number),
  });
  return batch;
}

export const handler = middy(suggest).use(injectLambdaContext(logger));
