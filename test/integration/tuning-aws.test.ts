/**
 * Tuning on the AWS adapters over HTTP (moto): the step Lambdas' real handlers and the Batch container's
 * entry run a small study whose data is a generated market ingested into the S3 + Glue lake and whose state
 * is in DynamoDB; and the synthesized state machine definition is accepted by CreateStateMachine. (moto
 * cannot invoke Lambda code without Docker, so the workflow itself is run locally by the e2e tier.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateStateMachineCommand, DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';
import { StudyStore } from '../../src/usecases/research/study-store.ts';
import { TUNING_ASL } from '../../local-runner/tuning.ts';
import { substituteDefinition } from '../../src/adapters/local/asl-orchestrator.ts';
import { awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createBucket, createKeyValueTable } from '../support/aws-resources.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const context = {
  functionName: 'test',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

describe.skipIf(awsTierSkipped)('tuning on S3 + Glue + DynamoDB over HTTP', () => {
  let env: Record<string, string>;

  beforeAll(async () => {
    await resetEmulator();
    env = {
      QUOTELAB_DATA_BUCKET: uniqueName('quotelab-data'),
      QUOTELAB_STATE_TABLE: uniqueName('quotelab-state'),
      QUOTELAB_INGEST_LEDGER_TABLE: uniqueName('quotelab-ledger'),
      QUOTELAB_GLUE_DATABASE: uniqueName('quotelab_db').replace(/-/g, '_'),
      QUOTELAB_ATHENA_WORKGROUP: 'primary',
    };
    // The handlers read their platform from the environment, as on Lambda.
    Object.assign(process.env, env);
    await createBucket(env.QUOTELAB_DATA_BUCKET!);
    await createKeyValueTable(env.QUOTELAB_STATE_TABLE!);
    await createKeyValueTable(env.QUOTELAB_INGEST_LEDGER_TABLE!);
    await new GlueClient(awsClientSettings()).send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: env.QUOTELAB_GLUE_DATABASE } }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'quotelab-tune-aws-'));
    const generated = await generateMarket({
      out: dir,
      seed: 'tuning-aws',
      start: '2025-12-01',
      days: 3,
      ticksPerDay: 600,
    });
    const platform = openAwsPlatform({ ...process.env, ...env });
    for (const file of generated.files.filter((f) => f.kind === 'tick')) {
      await platform.data.put(`incoming/${file.name}`, readFileSync(join(dir, file.name)));
      const result = await ingestObject(
        {
          data: platform.data,
          lake: platform.lake,
          namespace: platform.namespace,
          ledger: platform.ingestLedger,
        },
        `incoming/${file.name}`,
      );
      expect(result.outcome).toBe('ingested');
    }
  }, 300_000);

  it('runs a study through the real handlers and the Batch entry: pinned snapshot, trials in DynamoDB, report in S3', async () => {
    const { handler: init } = await import('../../lambdas/tune-init/handler.ts');
    const { handler: suggest } = await import('../../lambdas/tune-suggest/handler.ts');
    const { handler: trial } = await import('../../lambdas/trial-run/handler.ts');
    const { handler: record } = await import('../../lambdas/tune-record/handler.ts');
    const { handler: finalize } = await import('../../lambdas/tune-finalize/handler.ts');
    const owner = 'arn:aws:states:us-east-1:123456789012:execution:quotelab-tuning:test';
    const spec = {
      studyId: 'aws-study',
      data: { kind: 'table' },
      budget: { trials: 4, parallelism: 2 },
      seed: 5,
      walkForward: { trainDays: 1, validateDays: 1, testDays: 1 },
      fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    };
    const started = await init({ spec, owner }, context);
    expect(started).toMatchObject({
      studyId: 'aws-study',
      resumed: false,
      trials: 4,
      folds: 1,
      testWindow: { from: '2025-12-03' },
    });
    expect(started.dataVersion).toMatch(/^\d+$/); // the silver_ticks snapshot id
    await expect(init({ spec: { ...spec, budget: { trials: 0 } }, owner }, context)).rejects.toThrow(
      'budget.trials',
    );

    const first = await suggest({ studyId: 'aws-study', owner }, context);
    expect(first.trials.map((t: { number: number }) => t.number)).toEqual([0, 1]);
    // Trial 0 on the Lambda handler; trial 1 in the Batch container (a child process, as Batch runs it).
    const outcome = await trial(first.trials[0], context);
    expect(outcome).toMatchObject({ number: 0, state: 'complete' });
    const batch = spawnSync(process.execPath, [join(ROOT, 'containers/batch/entry.ts')], {
      env: { ...process.env, ...env, QUOTELAB_TRIAL: JSON.stringify(first.trials[1]) },
      encoding: 'utf8',
    });
    expect(batch.status, batch.stderr).toBe(0);
    expect(JSON.parse(batch.stdout.trim())).toMatchObject({
      message: 'trial recorded',
      number: 1,
      state: 'complete',
    });
    expect(
      await record({ studyId: 'aws-study', results: [outcome, { ...first.trials[1] }] }, context),
    ).toMatchObject({ complete: 2, failed: 0 });

    const second = await suggest({ studyId: 'aws-study', owner }, context);
    expect(second.trials).toHaveLength(2);
    const outcomes = await Promise.all(second.trials.map((t: unknown) => trial(t, context)));
    // A trial whose runner crashed arrives through the workflow's Catch: recorded failed if nothing was told.
    await record({ studyId: 'aws-study', results: outcomes }, context);
    const done = await suggest({ studyId: 'aws-study', owner }, context);
    expect(done).toMatchObject({ done: true, reason: 'budget of 4 trials reached' });
    const summary = await finalize({ studyId: 'aws-study', stopReason: done.reason }, context);
    expect(summary.complete).toBe(4);
    expect(summary.outOfSample).toBeDefined();

    const platform = openAwsPlatform({ ...process.env, ...env });
    const html = new TextDecoder().decode(await platform.data.getBytes(summary.reportKeys.html));
    expect(html).toContain('Tuning study aws-study');
    const trials = await new StudyStore(platform.state).trials('aws-study');
    expect(trials.map((t) => [t.number, t.state, t.attempts])).toEqual([
      [0, 'complete', 1],
      [1, 'complete', 1],
      [2, 'complete', 1],
      [3, 'complete', 1],
    ]);
    expect((await new StudyStore(platform.state).meta('aws-study')).status).toBe('finished');
  }, 300_000);

  it('the tuning definition, with ARNs substituted as CDK does, is accepted by CreateStateMachine', async () => {
    const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:quotelab-dev-${name}`;
    const definition = substituteDefinition(readFileSync(TUNING_ASL, 'utf8'), {
      TuneInitFunctionArn: arn('tune-init'),
      TuneSuggestFunctionArn: arn('tune-suggest'),
      TuneRecordFunctionArn: arn('tune-record'),
      TuneFinalizeFunctionArn: arn('tune-finalize'),
      TrialFunctionArn: arn('trial-run'),
      BatchJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/quotelab-dev-trials',
      BatchJobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/quotelab-dev-trial:1',
    });
    const sfn = new SFNClient(awsClientSettings());
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: uniqueName('quotelab-tuning'),
        definition,
        roleArn: 'arn:aws:iam::123456789012:role/quotelab-dev-tuning',
        type: 'STANDARD',
      }),
    );
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(JSON.parse(described.definition!)).toEqual(JSON.parse(definition));
  });
});
