/**
 * ETL Lambda: S3 ObjectCreated on `incoming/*.xml` and `incoming/*.csv` → ingest into the Iceberg lake
 * (bronze, quarantine, silver, gold; regime labels). Thin: the event is parsed here into its object keys,
 * the platform comes from environment variables set by CDK, the work from the use case that
 * `quotelab ingest` runs too.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { emitMetric } from '../../src/adapters/aws/metrics.ts';
import type { Platform } from '../../src/core/platform.ts';
import { INGEST_ENV, readEnvironment } from '../../src/core/runtime-contract/index.ts';
import { ingestKeys } from '../../src/usecases/ingest-keys.ts';
import { objectKeysOf } from './s3-event.ts';

const logger = new Logger();
const metrics = new Metrics();
let platform: Platform | undefined;
/** How long an invocation waits for another live worker holding its key (env override for tests). */
const busyWaitMs = () => readEnvironment(INGEST_ENV, process.env, { needs: 'the ETL' }).busyWaitMs;

async function ingest(event: unknown) {
  platform ??= openAwsPlatform();
  return ingestKeys(platform, objectKeysOf(event), {
    // About one lease: long enough to take over from a worker that died, short enough to leave the
    // invocation time to ingest. A live holder past that fails the invocation ("busy"), so Lambda
    // retries it and, after two retries, parks the event in the DLQ (with its alarm).
    busyWaitMs: busyWaitMs(),
    onWaiting: (key, holder) => logger.info('waiting for another worker', { key, holder }),
    onResult: (handled) => {
      if (handled.error) {
        logger.error('ingest failed', {
          key: handled.key,
          error: handled.error,
          errorReport: handled.errorReport,
        });
        emitMetric(metrics, 'IngestFailures', 1);
        return;
      }
      const result = handled.result;
      logger.info(handled.skipped ? 'ingest skipped' : 'ingested', {
        key: handled.key,
        skipped: handled.skipped,
        outcome: result?.outcome,
        counts: result?.counts,
        snapshots: result?.snapshots,
        archivedTo: handled.archivedTo,
        seconds: result?.seconds,
      });
      if (result && !handled.skipped) {
        emitMetric(metrics, 'AcceptedRows', result.summary?.accepted ?? 0);
        emitMetric(metrics, 'QuarantinedRows', result.counts.quarantined);
        emitMetric(metrics, 'IngestSeconds', result.seconds);
      }
    },
  });
}

export const handler = middy(ingest).use(injectLambdaContext(logger)).use(logMetrics(metrics));
