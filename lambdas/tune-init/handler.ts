/**
 * Tuning workflow, "Start study": validate the spec, pin the data, plan the folds, create or resume the
 * study. Thin: the step is `initStudy`, which the local run of the same workflow calls too.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import type { Platform } from '../../src/core/platform.ts';
import { TUNING_TASKS } from '../../src/core/runtime-contract/index.ts';
import { InitInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { initStudy } from '../../src/usecases/research/steps.ts';

const logger = new Logger();
let platform: Platform | undefined;

async function start(event: unknown) {
  platform ??= openAwsPlatform();
  const init = await initStudy(platform, stepInput(TUNING_TASKS.start, InitInput, event));
  logger.info('study started', { ...init });
  return init;
}

export const handler = middy(start).use(injectLambdaContext(logger));
