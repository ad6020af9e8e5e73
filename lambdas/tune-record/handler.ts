/** Tuning workflow, "Record results": trials the workflow caught as failed are recorded failed; progress out. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { emitMetric } from '../../src/adapters/aws/metrics.ts';
import type { Platform } from '../../src/core/platform.ts';
import { TUNING_TASKS } from '../../src/core/runtime-contract/index.ts';
import { RecordInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { recordResults } from '../../src/usecases/research/steps.ts';

const logger = new Logger();
const metrics = new Metrics();
let platform: Platform | undefined;

async function record(event: unknown) {
  platform ??= openAwsPlatform();
  const progress = await recordResults(platform, stepInput(TUNING_TASKS.record, RecordInput, event));
  logger.info('trials recorded', { ...progress });
  emitMetric(metrics, 'CompleteTrials', progress.complete);
  emitMetric(metrics, 'FailedTrials', progress.failed);
  return progress;
}

export const handler = middy(record).use(injectLambdaContext(logger)).use(logMetrics(metrics));
