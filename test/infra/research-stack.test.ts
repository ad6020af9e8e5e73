import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TUNING_ASL_PATH } from '../../infra/stacks/research-stack.ts';
import { buildTestApp } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('Dev/Research: the tuning workflow, its functions and Batch', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  let assemblyDir: string;

  beforeAll(() => {
    const { app, stages } = buildTestApp();
    const stack = stages[0]!.research;
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    assemblyDir = app.synth().getNestedAssembly(`assembly-${stages[0]!.stageName}`).directory;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functionId = (service: string) =>
    ofType('AWS::Lambda::Function').find(
      ([, r]) =>
        (r.Properties.Environment as { Variables: Record<string, string> }).Variables
          .POWERTOOLS_SERVICE_NAME === service,
    )![0];

  it('deploys stepfunctions/tuning.asl.json byte for byte, with every ${…} substituted by the right resource', () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const location = machine.Properties.DefinitionS3Location as { Key: string };
    const assetFile = join(assemblyDir, '..', `asset.${location.Key}`);
    expect(readFileSync(assetFile, 'utf8')).toBe(readFileSync(TUNING_ASL_PATH, 'utf8'));
    const placeholders = [
      ...new Set(
        [...readFileSync(TUNING_ASL_PATH, 'utf8').matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]),
      ),
    ];
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(placeholders.sort());
    expect(substitutions.TuneInitFunctionArn).toEqual({ 'Fn::GetAtt': [functionId('tune-init'), 'Arn'] });
    expect(substitutions.TuneSuggestFunctionArn).toEqual({
      'Fn::GetAtt': [functionId('tune-suggest'), 'Arn'],
    });
    expect(substitutions.TuneRecordFunctionArn).toEqual({ 'Fn::GetAtt': [functionId('tune-record'), 'Arn'] });
    expect(substitutions.TuneFinalizeFunctionArn).toEqual({
      'Fn::GetAtt': [functionId('tune-finalize'), 'Arn'],
    });
    expect(substitutions.TrialFunctionArn).toEqual({ 'Fn::GetAtt': [functionId('trial-run'), 'Arn'] });
    expect(substitutions.BatchJobQueueArn).toEqual({
      'Fn::GetAtt': [ofType('AWS::Batch::JobQueue')[0]![0], 'JobQueueArn'],
    });
    expect(substitutions.BatchJobDefinitionArn).toEqual({ Ref: ofType('AWS::Batch::JobDefinition')[0]![0] });
  });

  it('logs every execution event and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('runs the five step and trial functions on Node 22; trials get 3,008 MB and 15 minutes', () => {
    for (const service of ['tune-init', 'tune-suggest', 'tune-record', 'tune-finalize', 'trial-run'])
      expect(resources[functionId(service)]!.Properties.Runtime).toBe('nodejs22.x');
    expect(resources[functionId('trial-run')]!.Properties).toMatchObject({ MemorySize: 3008, Timeout: 900 });
  });

  it('runs long trials on Batch/Fargate: arm64, read-only root, no inbound traffic, flow logs', () => {
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({ Type: 'FARGATE' }),
    });
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      PlatformCapabilities: ['FARGATE'],
      ContainerProperties: Match.objectLike({
        ReadonlyRootFilesystem: true,
        RuntimePlatform: { CpuArchitecture: 'ARM64' },
        Environment: Match.arrayWith([{ Name: 'QUOTELAB_GLUE_DATABASE', Value: 'quotelab_dev' }]),
      }),
    });
    for (const [, group] of ofType('AWS::EC2::SecurityGroup'))
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(ofType('AWS::EC2::NatGateway')).toHaveLength(0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('grants least privilege: the workflow invokes its functions and runs Batch jobs; only finalize writes, under reports/studies/', () => {
    const policies = ofType('AWS::IAM::Policy');
    const statementsOf = (roleHint: string) =>
      policies
        .filter(([id]) => id.startsWith(roleHint))
        .flatMap(
          ([, p]) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
        );
    const machine = statementsOf('TuningRole');
    const invoked = machine
      .filter((s) => s.Action === 'lambda:InvokeFunction')
      .flatMap((s) => s.Resource as unknown[]);
    const functions = ['tune-init', 'tune-suggest', 'tune-record', 'tune-finalize', 'trial-run'].map(
      functionId,
    );
    // Each function and its versions (":*"), nothing else.
    expect(invoked).toHaveLength(10);
    for (const id of functions) expect(invoked).toContainEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    expect(machine.find((s) => s.Sid === 'SubmitBatchTrials')).toEqual({
      Sid: 'SubmitBatchTrials',
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        { 'Fn::GetAtt': [ofType('AWS::Batch::JobQueue')[0]![0], 'JobQueueArn'] },
        { Ref: ofType('AWS::Batch::JobDefinition')[0]![0] },
      ],
    });
    const writes = policies
      .flatMap(([id, p]) =>
        (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement.map(
          (s): Record<string, unknown> & { id: string } => ({ ...s, id }),
        ),
      )
      .filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.id).toMatch(/^TuneFinalize/);
    expect(JSON.stringify(writes[0]!.Resource)).toContain('/reports/studies/*');
    const trial = statementsOf('TrialRun');
    expect(trial.map((s) => s.Action).flat()).not.toContain('dynamodb:DeleteItem');
    expect(trial.find((s) => s.Sid === 'ReadLake')).toMatchObject({ Action: 's3:GetObject' });
    template.hasOutput('TuningStateMachineArn', {});
  });
});
