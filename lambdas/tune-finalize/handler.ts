/** Tuning workflow, "Evaluate out of sample": best vs manual parameters on the test window; the report to S3. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import type { Platform } from '../../src/core/platform.ts';
import { TUNING_TASKS } from '../../src/core/runtime-contract/index.ts';
import { finalizeStudy } from '../../src/usecases/research/finalize.ts';
import { FinalizeInput, stepInput } from '../../src/usecases/research/step-inputs.ts';

const logger = new Logger();
let platform: Platform | undefined;

async function finalize(event: unknown) {
  platform ??= openAwsPlatform();
  const output = await finalizeStudy(platform, stepInput(TUNING_TASKS.finalize, FinalizeInput, event));
  logger.info('study finished', { ...output });
  return output;
}

export const handler = middy(finalize).use(injectLambdaContext(logger));
