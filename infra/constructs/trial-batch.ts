import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import {
  FargateComputeEnvironment,
  EcsFargateContainerDefinition,
  EcsJobDefinition,
  JobQueue,
} from 'aws-cdk-lib/aws-batch';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { CpuArchitecture, ContainerImage, LogDriver } from 'aws-cdk-lib/aws-ecs';
import { Platform as AssetPlatform } from 'aws-cdk-lib/aws-ecr-assets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentConfig } from '../config.ts';
import type { RuntimeEnvName } from '../../src/core/runtime-contract/index.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TrialBatchProps {
  config: EnvironmentConfig;
  /** The platform variables the trial code reads (same as the trial Lambda's); contract variables only. */
  environment: Partial<Record<RuntimeEnvName, string>>;
  /** Most vCPUs running at once (each trial takes 2). */
  maxvCpus?: number;
}

/**
 * AWS Batch on Fargate for long tuning trials: the `containers/batch` image (the same trial code as the
 * trial Lambda), a job queue and a job definition. Networking: a VPC with public subnets only and no NAT
 * gateway (Fargate tasks get a public address to pull the image and reach CloudWatch Logs; S3 and
 * DynamoDB go through free gateway endpoints), a security group with no inbound rules, and VPC flow logs.
 * The job role starts empty: the stack grants it what a trial needs.
 */
export class TrialBatch extends Construct {
  readonly jobQueue: JobQueue;
  readonly jobDefinition: EcsJobDefinition;
  readonly jobRole: IRole;

  constructor(scope: Construct, id: string, props: TrialBatchProps) {
    super(scope, id);
    const { config } = props;
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.REJECT,
    });
    const securityGroup = new SecurityGroup(this, 'Tasks', {
      vpc,
      description: 'quotelab Batch trials: no inbound traffic; outbound to AWS APIs',
      allowAllOutbound: true,
    });

    const computeEnvironment = new FargateComputeEnvironment(this, 'Compute', {
      vpc,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      maxvCpus: props.maxvCpus ?? 16,
      spot: false,
    });
    this.jobQueue = new JobQueue(this, 'Queue', {
      computeEnvironments: [{ computeEnvironment, order: 1 }],
      priority: 1,
    });

    const logs = new LogGroup(this, 'JobLogs', {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.jobRole = new Role(this, 'JobRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'quotelab Batch trial: grants are added by the stack',
    });
    const image = ContainerImage.fromAsset(PROJECT_ROOT, {
      file: 'containers/batch/Dockerfile',
      platform: AssetPlatform.LINUX_ARM64,
      exclude: ['node_modules', 'cdk.out', '.quotelab', '.git', 'data', 'test', 'docs', 'bench', '**/*.md'],
    });
    this.jobDefinition = new EcsJobDefinition(this, 'Trial', {
      timeout: Duration.hours(4),
      retryAttempts: 1,
      container: new EcsFargateContainerDefinition(this, 'Container', {
        image,
        cpu: 2,
        memory: Size.gibibytes(8),
        fargateCpuArchitecture: CpuArchitecture.ARM64,
        jobRole: this.jobRole,
        assignPublicIp: true,
        readonlyRootFilesystem: true,
        environment: props.environment,
        logging: LogDriver.awsLogs({ streamPrefix: 'trial', logGroup: logs }),
      }),
    });

    // The execution role CDK creates pulls this image from the asset repository and writes these logs.
    const stack = Stack.of(this);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions (CDK grants it on "*" to the job execution role for the image pull).',
    });
    void stack;
  }
}
