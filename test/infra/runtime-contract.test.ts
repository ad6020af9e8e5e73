import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnJobDefinition } from 'aws-cdk-lib/aws-batch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { catalogueMetric } from '../../infra/metrics.ts';
import {
  FUNCTION_ENV,
  METRICS_NAMESPACE,
  PLATFORM_ENV,
  TRIAL_ENV,
  TUNING_TASKS,
} from '../../src/core/runtime-contract/index.ts';
import { ROOT } from '../support/contract-literals.ts';
import {
  BATCH_ENTRY,
  aslViolations,
  entryReads,
  readTuningAsl,
  runtimeContractViolations,
  workflowVariables,
} from './runtime-contract-check.ts';
import { buildTestApp } from './synth.ts';

describe('the synthesized app keeps the runtime contract', () => {
  it('Dev and Prod: every variable declared and given, services and metrics from the catalogue, the workflow’s states', () => {
    const { app } = buildTestApp();
    expect(runtimeContractViolations(app)).toEqual([]);
  });

  it('knows what each entry needs: the platform everywhere, the trial on Batch; and who emits what', () => {
    const platform = Object.values(PLATFORM_ENV).map((v) => v.name);
    const needs = (entry: string) => entryReads(entry).needs.map((v) => v.name);
    expect(needs('lambdas/etl-ingest/handler.ts')).toEqual(platform);
    expect(needs(BATCH_ENTRY).sort()).toEqual([...platform, TRIAL_ENV.trial.name].sort());
    expect(entryReads('lambdas/tune-record/handler.ts').emits).toEqual(['CompleteTrials', 'FailedTrials']);
    expect(workflowVariables(readTuningAsl())).toEqual([TRIAL_ENV.trial.name]);
    expect(readFileSync(join(ROOT, 'containers/batch/Dockerfile'), 'utf8')).toContain(BATCH_ENTRY);
  });

  it('fails a function or job that lacks, adds or misnames a variable, a wrong service, and alarms that miss the catalogue (negative control)', () => {
    const { app, stages } = buildTestApp();
    const [dev] = stages;
    const { lake, research } = dev!;
    const etl = lake.etl.fn.function;
    etl.addEnvironment('QUOTELAB_DATA_BUCKT', 'typo');
    (research.functions.trial.function.node.defaultChild as CfnFunction).addPropertyDeletionOverride(
      `Environment.Variables.${PLATFORM_ENV.stateTable.name}`,
    );
    (research.functions.record.function.node.defaultChild as CfnFunction).addPropertyOverride(
      `Environment.Variables.${FUNCTION_ENV.serviceName.name}`,
      'tune-recorder',
    );
    (research.batch.jobDefinition.node.defaultChild as CfnJobDefinition).addPropertyOverride(
      'ContainerProperties.Environment',
      [],
    );
    const alarm = (id: string, metric: Metric) =>
      new Alarm(lake, id, {
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    alarm('Good', catalogueMetric('IngestFailures', { period: Duration.minutes(5) }));
    alarm('GoodAcrossStacks', catalogueMetric('TrialSeconds', { statistic: 'p90' }));
    alarm(
      'Misspelt',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'IngestFailure',
        dimensionsMap: { service: 'etl-ingest' },
      }),
    );
    alarm('NoDimension', new Metric({ namespace: METRICS_NAMESPACE, metricName: 'IngestFailures' }));
    alarm('OtherNamespace', new Metric({ namespace: 'Quotelab', metricName: 'IngestFailures' }));

    const violations = runtimeContractViolations(app);
    const expected = [
      /^Dev\/Lake\/EtlIngestFunction\w+: QUOTELAB_DATA_BUCKT is not in the runtime contract$/,
      /^Dev\/Research\/TrialRunFunction\w+ \(lambdas\/trial-run\/handler\.ts\): needs QUOTELAB_STATE_TABLE \(set by cdk\)/,
      /^Dev\/Research\/TuneRecordFunction\w+: service "tune-recorder" is not in SERVICES$/,
      /^Dev\/Research\/TuneRecordFunction\w+ \(lambdas\/tune-record\/handler\.ts\): emits CompleteTrials as service "tune-recorder"; the catalogue says tune-record$/,
      /^Dev\/Research\/TuneRecordFunction\w+ \(lambdas\/tune-record\/handler\.ts\): emits FailedTrials as service "tune-recorder"/,
      ...Object.values(PLATFORM_ENV).map(
        (v) =>
          new RegExp(
            `^Dev/Research/TrialBatchTrial\\w+ \\(containers/batch/entry\\.ts\\): needs ${v.name} \\(set by cdk\\)`,
          ),
      ),
      /^Dev\/Lake\/Misspelt\w+: watches quotelab\/IngestFailure, not in the catalogue$/,
      /^Dev\/Lake\/NoDimension\w+: watches quotelab\/IngestFailures with dimensions \[\]; it is emitted with \[{"Name":"service","Value":"etl-ingest"}\]$/,
      /^Dev\/Lake\/OtherNamespace\w+: watches Quotelab\/IngestFailures, outside METRICS_NAMESPACE$/,
    ];
    for (const pattern of expected) expect(violations).toContainEqual(expect.stringMatching(pattern));
    // Nothing else: the two catalogue alarms and the untouched functions and stages pass.
    expect(violations).toHaveLength(expected.length);
  });

  it('fails a workflow whose Task states or Batch variables leave the contract (negative control)', () => {
    const asl = readTuningAsl();
    expect(aslViolations(asl)).toEqual([]);
    const renamed = JSON.parse(
      JSON.stringify(asl)
        .replaceAll(JSON.stringify(TUNING_TASKS.record), '"Record the results"')
        .replaceAll(JSON.stringify(TRIAL_ENV.trial.name), '"QUOTELAB_TRIAL_JSON"'),
    ) as Record<string, unknown>;
    expect(aslViolations(renamed)).toEqual([
      expect.stringMatching(/^tuning workflow: Task states .*"Record the results".* are not TUNING_TASKS/),
      'tuning workflow: sets QUOTELAB_TRIAL_JSON, which is not in the runtime contract',
    ]);
  });
});
