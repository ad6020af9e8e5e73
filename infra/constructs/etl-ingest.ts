import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EventType } from 'aws-cdk-lib/aws-s3';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  DATA_BUCKET_PREFIXES,
  FUNCTION_ENV,
  INGEST_SOURCE_SUFFIXES,
  PLATFORM_ENV,
  SERVICES,
  environmentFor,
} from '../../src/core/runtime-contract/index.ts';
import type { EnvironmentConfig } from '../config.ts';
import { NodeFunction } from './node-function.ts';

export interface EtlIngestProps {
  config: EnvironmentConfig;
  dataBucket: Bucket;
  ingestLedger: Table;
  /** Holds the Glue commit locks. */
  stateTable: Table;
  glueDatabaseName: string;
  workGroupName: string;
  alarms: Topic;
}

/**
 * The ETL: S3 ObjectCreated on `incoming/*.xml` invokes `lambdas/etl-ingest` asynchronously (two retries,
 * then the dead-letter queue). It may read and move sources, write the lake, commit Glue tables of its one
 * database, and use the ledger and lock tables; nothing else. Alarms: anything in the DLQ, or more than 5 %
 * of invocations failing over 15 minutes.
 */
export class EtlIngest extends Construct {
  readonly fn: NodeFunction;

  constructor(scope: Construct, id: string, props: EtlIngestProps) {
    super(scope, id);
    const { config, dataBucket } = props;
    const stack = Stack.of(this);
    this.fn = new NodeFunction(this, 'Function', {
      entry: `lambdas/${SERVICES.etlIngest}/handler.ts`,
      serviceName: SERVICES.etlIngest,
      logRetention: config.logRetentionDays as RetentionDays,
      retainLogs: config.retainData,
      // Sized from measurement (npm run bench -- ingest, docs/runbooks/etl.md): the real PUT file peaks at
      // ~250 MB RSS; a generated 1 M-tick file runs in ~0.9 GB RSS with the V8 heap capped at 700 MB (1.8 GB
      // uncapped, as V8 collects lazily). 3,008 MB with a 2.5 GB heap cap leaves room for ~3 M-tick files;
      // Lambda's CPU share also grows with memory (this ETL is CPU-bound: ~11 s for 1 M ticks locally).
      memorySize: 3008,
      timeout: Duration.minutes(15),
      // Commits to one table serialise; more concurrent writers only add retries.
      reservedConcurrentExecutions: 10,
      async: { retryAttempts: 2 },
      environment: {
        [FUNCTION_ENV.nodeOptions.name]: '--enable-source-maps --max-old-space-size=2560',
        ...environmentFor(PLATFORM_ENV, {
          dataBucket: dataBucket.bucketName,
          stateTable: props.stateTable.tableName,
          ingestLedgerTable: props.ingestLedger.tableName,
          glueDatabase: props.glueDatabaseName,
          athenaWorkGroup: props.workGroupName,
        }),
      },
    });
    const role = this.fn.role;
    const object = (prefix: string) => dataBucket.arnForObjects(`${prefix}*`);
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadAndMoveSources',
        actions: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'],
        resources: [object(DATA_BUCKET_PREFIXES.incoming)],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'WriteArchiveAndLake',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [object(DATA_BUCKET_PREFIXES.processed), object(DATA_BUCKET_PREFIXES.lake)],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'CommitGlueTables',
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:CreateTable',
          'glue:UpdateTable',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.glueDatabaseName }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${props.glueDatabaseName}/*`,
          }),
        ],
      }),
    );
    props.ingestLedger.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    props.stateTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');

    // The wildcards are object keys under three prefixes and the tables of one Glue database: keys and
    // table names only exist at run time. Each finding is acknowledged by its exact id.
    const bucketId = stack.getLogicalId(dataBucket.node.defaultChild as CfnBucket);
    for (const prefix of [
      DATA_BUCKET_PREFIXES.incoming,
      DATA_BUCKET_PREFIXES.processed,
      DATA_BUCKET_PREFIXES.lake,
    ]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `Objects under ${prefix} of the data bucket, named at run time.`,
      });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${props.glueDatabaseName}/*]`,
      reason: 'The tables of this environment’s one Glue database, created by the ETL on first write.',
    });

    // KRX XML, and regime labels CSV (the handler takes labels_YYYYMMDD.csv and skips any other CSV).
    const etl = new LambdaDestination(this.fn.function);
    for (const suffix of INGEST_SOURCE_SUFFIXES)
      dataBucket.addEventNotification(EventType.OBJECT_CREATED, etl, {
        prefix: DATA_BUCKET_PREFIXES.incoming,
        suffix,
      });

    const alarmAction = new SnsAction(props.alarms);
    const dlqDepth = new Alarm(this, 'DeadLettersAlarm', {
      alarmDescription:
        'ETL events failed after retries and wait in the dead-letter queue (see docs/runbooks/etl.md)',
      metric: this.fn.deadLetterQueue!.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const errorRate = new Alarm(this, 'ErrorRateAlarm', {
      alarmDescription: 'More than 5 % of ETL invocations failed over 15 minutes',
      metric: new MathExpression({
        expression: '100 * errors / MAX([errors, invocations])',
        usingMetrics: {
          errors: this.fn.function.metricErrors({ period: Duration.minutes(15) }),
          invocations: this.fn.function.metricInvocations({ period: Duration.minutes(15) }),
        },
        period: Duration.minutes(15),
        label: 'ETL error rate (%)',
      }),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [dlqDepth, errorRate]) alarm.addAlarmAction(alarmAction);

    // CDK installs S3 notifications through its own singleton custom-resource function (deploy time only).
    const notifications = stack.node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    if (notifications) {
      Validations.of(notifications).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'aws-cdk-lib’s bucket-notifications custom resource uses the managed basic-execution policy; it runs only at deploy time and its role is not ours to shape.',
      });
    }
  }
}
