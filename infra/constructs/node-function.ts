import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays, CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_ENV, METRICS_NAMESPACE, environmentFor } from '../../src/core/runtime-contract/index.ts';
import type { RuntimeEnvName } from '../../src/core/runtime-contract/index.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface NodeFunctionProps {
  /** Handler file, relative to the repository root (e.g. "lambdas/etl-ingest/handler.ts"). */
  entry: string;
  /** Exported handler function name. */
  handler?: string;
  /**
   * Powertools service name: shows in every log line and, as the `service` dimension, on every metric
   * (quotelab's functions use `SERVICES` of the runtime contract).
   */
  serviceName: string;
  logRetention: RetentionDays;
  retainLogs: boolean;
  memorySize?: number;
  timeout?: Duration;
  reservedConcurrentExecutions?: number;
  /** Variables of the runtime contract (src/core/runtime-contract/env.ts) only. */
  environment?: Partial<Record<RuntimeEnvName, string>>;
  /** Invoked asynchronously (S3, SNS, EventBridge): failed events go to a dead-letter queue after retries. */
  async?: { retryAttempts: 0 | 1 | 2; dlqRetention?: Duration };
}

/**
 * A Node Lambda with quotelab's defaults: nodejs22.x on arm64, bundled by the local esbuild as ESM
 * (no Docker), its own log group with retention, a role that may write only to that log group (no
 * AWS managed policy), Powertools settings in the environment, and a dead-letter queue for async use.
 */
export class NodeFunction extends Construct {
  /** The handler file, relative to the repository root. */
  readonly entry: string;
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly deadLetterQueue?: Queue;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: writes its own logs; other grants are added by the stack`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
      }),
    );
    const logGroupId = Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnLogGroup);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
      reason: 'Log streams are created at run time inside this one log group; ":*" is how IAM names them.',
    });

    if (props.async) {
      this.deadLetterQueue = new Queue(this, 'DeadLetters', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: props.async.dlqRetention ?? Duration.days(14),
      });
      Validations.of(this.deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the function.',
      });
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}/${props.entry}`,
      handler: props.handler ?? 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.async?.retryAttempts,
      environment: {
        ...environmentFor(FUNCTION_ENV, {
          nodeOptions: '--enable-source-maps',
          serviceName: props.serviceName,
          metricsNamespace: METRICS_NAMESPACE,
          logLevel: 'INFO',
          stack: Stack.of(this).stackName,
        }),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: the code runs with the SDK version it was tested with, not the
        // runtime's. The banner gives ESM bundles a `require` for CommonJS dependencies.
        externalModules: [],
        banner:
          "import { createRequire as __quotelabCreateRequire } from 'node:module'; const require = __quotelabCreateRequire(import.meta.url);",
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'quotelab standardises on Node 22 (docs/decisions/0001-node-22.md); moving to a newer runtime is a deliberate, tested upgrade.',
    });
  }
}
