import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import {
  DATA_BUCKET_PREFIXES,
  PLATFORM_ENV,
  SERVICES,
  STUDY_REPORTS_PREFIX,
  TUNING_CLIENT_ENV,
  environmentFor,
} from '../../src/core/runtime-contract/index.ts';
import type { ServiceName } from '../../src/core/runtime-contract/index.ts';
import type { EnvironmentConfig } from '../config.ts';
import { NodeFunction } from '../constructs/node-function.ts';
import { TrialBatch } from '../constructs/trial-batch.ts';
import { dataBucketName, dataObjectsArn, dataObjectsFinding } from '../naming.ts';

export const TUNING_ASL_PATH = fileURLToPath(new URL('../../stepfunctions/tuning.asl.json', import.meta.url));

export interface ResearchStackProps extends StackProps {
  config: EnvironmentConfig;
  /** Studies and trials live in the platform state table (State stack). */
  stateTable: Table;
  ingestLedger: Table;
  glueDatabaseName: string;
  workGroupName: string;
}

/**
 * Research at scale: the tuning workflow (`stepfunctions/tuning.asl.json`, loaded as is with ARNs
 * substituted), its step Lambdas, the trial Lambda for short trials and AWS Batch on Fargate for long ones.
 * Every function and the Batch job read the pinned lake snapshot and write only the study items of the
 * state table (and the finalize step, the reports under `reports/studies/`).
 */
export class ResearchStack extends Stack {
  readonly stateMachine: StateMachine;
  readonly functions: Record<'init' | 'suggest' | 'record' | 'finalize' | 'trial', NodeFunction>;
  readonly batch: TrialBatch;

  constructor(scope: Construct, id: string, props: ResearchStackProps) {
    super(scope, id, props);
    const { config } = props;
    const environment = environmentFor(PLATFORM_ENV, {
      dataBucket: dataBucketName(config),
      stateTable: props.stateTable.tableName,
      ingestLedgerTable: props.ingestLedger.tableName,
      glueDatabase: props.glueDatabaseName,
      athenaWorkGroup: props.workGroupName,
    });
    // Each function's handler is lambdas/<service>/handler.ts.
    const fn = (name: string, serviceName: ServiceName, memorySize: number, timeout: Duration) =>
      new NodeFunction(this, name, {
        entry: `lambdas/${serviceName}/handler.ts`,
        serviceName,
        logRetention: config.logRetentionDays as RetentionDays,
        retainLogs: config.retainData,
        memorySize,
        timeout,
        environment,
      });
    this.functions = {
      init: fn('TuneInit', SERVICES.tuneInit, 1024, Duration.minutes(5)),
      suggest: fn('TuneSuggest', SERVICES.tuneSuggest, 1024, Duration.minutes(2)),
      record: fn('TuneRecord', SERVICES.tuneRecord, 512, Duration.minutes(2)),
      finalize: fn('TuneFinalize', SERVICES.tuneFinalize, 3008, Duration.minutes(15)),
      // CPU-bound backtests: Lambda's CPU share grows with memory (1,769 MB = one vCPU; 3,008 MB ≈ 1.7).
      trial: fn('TrialRun', SERVICES.trialRun, 3008, Duration.minutes(15)),
    };
    this.batch = new TrialBatch(this, 'TrialBatch', { config, environment });

    // Grants. Studies: every function reads and writes study items of the state table.
    const stateActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'];
    const lakeReaders: IRole[] = [
      this.functions.init.role,
      this.functions.finalize.role,
      this.functions.trial.role,
      this.batch.jobRole,
    ];
    for (const role of [...Object.values(this.functions).map((f) => f.role), this.batch.jobRole]) {
      props.stateTable.grant(role, ...stateActions);
    }
    const lakeObjects = dataObjectsArn(config, DATA_BUCKET_PREFIXES.lake);
    const glueResources = [
      this.formatArn({ service: 'glue', resource: 'catalog' }),
      this.formatArn({ service: 'glue', resource: 'database', resourceName: props.glueDatabaseName }),
      this.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.glueDatabaseName}/*` }),
    ];
    for (const role of lakeReaders) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: 'ReadLake', actions: ['s3:GetObject'], resources: [lakeObjects] }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'ReadCatalog',
          actions: ['glue:GetDatabase', 'glue:GetTable'],
          resources: glueResources,
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${dataObjectsFinding(config, DATA_BUCKET_PREFIXES.lake)}]`,
        reason: 'Iceberg data and metadata files of the lake, named at run time; read only.',
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${props.glueDatabaseName}/*]`,
        reason:
          'The tables of this environment’s Glue database (read only: the pinned silver_ticks snapshot).',
      });
    }
    const reports = dataObjectsArn(config, STUDY_REPORTS_PREFIX);
    this.functions.finalize.role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'WriteStudyReports', actions: ['s3:PutObject'], resources: [reports] }),
    );
    Validations.of(this.functions.finalize.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${dataObjectsFinding(config, STUDY_REPORTS_PREFIX)}]`,
      reason: 'One report folder per study, named by the study id at run time.',
    });

    // The state machine: the ASL file as it is, ARNs substituted.
    const logs = new LogGroup(this, 'TuningLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'Tuning', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(TUNING_ASL_PATH),
      definitionSubstitutions: {
        TuneInitFunctionArn: this.functions.init.function.functionArn,
        TuneSuggestFunctionArn: this.functions.suggest.function.functionArn,
        TuneRecordFunctionArn: this.functions.record.function.functionArn,
        TuneFinalizeFunctionArn: this.functions.finalize.function.functionArn,
        TrialFunctionArn: this.functions.trial.function.functionArn,
        BatchJobQueueArn: this.batch.jobQueue.jobQueueArn,
        BatchJobDefinitionArn: this.batch.jobDefinition.jobDefinitionArn,
      },
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      timeout: Duration.days(7),
    });
    const role = this.stateMachine.role;
    for (const f of Object.values(this.functions)) {
      f.function.grantInvoke(role);
      const id = this.getLogicalId(f.function.node.defaultChild as CfnFunction);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`,
        reason:
          'Invoking the step function’s versions and aliases (CDK’s grantInvoke adds ":*" to the one function ARN).',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray trace segments, CloudWatch Logs delivery, and following Batch jobs (DescribeJobs, TerminateJob on job ids created at run time) take no resource-level permissions; "*" is what AWS documents for each.',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SubmitBatchTrials',
        actions: ['batch:SubmitJob'],
        resources: [this.batch.jobQueue.jobQueueArn, this.batch.jobDefinition.jobDefinitionArn],
      }),
    );
    // Job ids exist only at run time and DescribeJobs has no resource-level permissions (AWS's own
    // policy for the .sync integration uses "*" for both).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'FollowBatchTrials',
        actions: ['batch:DescribeJobs', 'batch:TerminateJob'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WaitForBatchJobs',
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          this.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForBatchJobsRule',
          }),
        ],
      }),
    );

    new CfnOutput(this, TUNING_CLIENT_ENV.tuningStateMachineArn.output.name, {
      value: this.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'TrialJobQueueArn', { value: this.batch.jobQueue.jobQueueArn });
  }
}
