/**
 * Tuning workflow, "Run trial on Lambda": one trial's walk-forward backtests; the trial records its own
 * result in the study store (the Batch container runs the same `runTrial`). The loaded events stay cached
 * in the container for the next trial of the study.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { emitMetric } from '../../src/adapters/aws/metrics.ts';
import type { Platform } from '../../src/core/platform.ts';
import { TrialInput, stepInput } from '../../src/usecases/research/step-inputs.ts';
import { runTrial } from '../../src/usecases/research/trial.ts';

const logger = new Logger();
const metrics = new Metrics();
let platform: Platform | undefined;

async function trial(event: unknown) {
  platform ??= openAwsPlatform();
  const started = performance.now();
  const outcome = await runTrial(platform, stepInput('Run trial', TrialInput, event));
  emitMetric(metrics, 'TrialSeconds', (performance.now() - started) / 1000);
  if (outcome.state === 'failed') logger.warn('trial failed', { ...outcome });
  else logger.info('trial complete', { ...outcome });
  return outcome;
}

export const handler = middy(trial).use(injectLambdaContext(logger)).use(logMetrics(metrics));
