import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_QUERIES } from '../../src/core/lake/standard-queries.ts';
import { buildTestApp } from './synth.ts';

describe('Dev/Lake: the ETL, its trigger, alarms and least privilege', () => {
  let template: Template;

  beforeAll(() => {
    const { stages } = buildTestApp();
    template = Template.fromStack(stages[0]!.lake);
  });

  it('runs lambdas/etl-ingest on Node 22 with the platform’s resources in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      MemorySize: 3008,
      Timeout: 900,
      ReservedConcurrentExecutions: 10,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'etl-ingest',
          QUOTELAB_GLUE_DATABASE: 'quotelab_dev',
          QUOTELAB_ATHENA_WORKGROUP: 'quotelab-dev',
          QUOTELAB_DATA_BUCKET: Match.anyValue(),
          QUOTELAB_STATE_TABLE: Match.anyValue(),
          QUOTELAB_INGEST_LEDGER_TABLE: Match.anyValue(),
        }),
      },
    });
  });

  it('is triggered by ObjectCreated on incoming/*.xml and incoming/*.csv (labels) only', () => {
    const rule = (suffix: string) =>
      Match.objectLike({
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: Match.arrayEquals([
              { Name: 'suffix', Value: suffix },
              { Name: 'prefix', Value: 'incoming/' },
            ]),
          },
        },
      });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [rule('.xml'), rule('.csv')] },
    });
  });

  it('retries asynchronous events twice, then parks them in an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it('alarms on dead letters and on the error rate, notifying the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    const dlq = alarms.find((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlq?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const rate = alarms.find((a) => a.Properties.Metrics);
    expect(rate?.Properties).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it('grants only the data-bucket prefixes, one Glue database and its two tables (no * resource)', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('EtlIngest'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/"Resource":"\*"/);
    for (const prefix of ['/incoming/*', '/processed/*', '/lake/*']) expect(text).toContain(prefix);
    expect(text).toContain('table/quotelab_dev/*');
    expect(text).not.toContain('s3:*');
    expect(text).not.toContain('glue:*');
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    expect([...actions].filter((a) => a.startsWith('glue:')).sort()).toEqual([
      'glue:CreateTable',
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetTables',
      'glue:UpdateTable',
    ]);
  });

  it('registers the standard queries as Athena named queries in the workgroup', () => {
    const named = Object.values(template.findResources('AWS::Athena::NamedQuery'));
    expect(named.map((q) => q.Properties.Name).sort()).toEqual(
      STANDARD_QUERIES.map((q) => `quotelab ${q.name}`).sort(),
    );
    for (const query of named)
      expect(query.Properties).toMatchObject({ Database: 'quotelab_dev', WorkGroup: 'quotelab-dev' });
  });
});
