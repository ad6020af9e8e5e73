import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeFunction } from '../../infra/constructs/node-function.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

describe('NodeFunction construct', () => {
  let app: App;
  let template: Template;
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'quotelab-fn-'));
    app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'FunctionTest');
    new NodeFunction(stack, 'Echo', {
      entry: 'test/infra/fixtures/echo-handler.ts',
      serviceName: 'echo',
      logRetention: RetentionDays.TWO_WEEKS,
      retainLogs: false,
      async: { retryAttempts: 2 },
    });
    template = Template.fromStack(stack);
  });

  it('runs Node 22 on arm64 with Powertools settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'echo',
          POWERTOOLS_METRICS_NAMESPACE: 'quotelab',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('logs to its own log group with retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
  });

  it('has a role without managed policies that may only write to its log group', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
    );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage']);
  });

  it('sends failed async events to an encrypted, TLS-only dead-letter queue after retries', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  it('is bundled by the local esbuild as ESM with a require shim (no Docker)', () => {
    app.synth();
    const assetDirs = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assetDirs).toHaveLength(1);
    const code = readFileSync(join(outdir, assetDirs[0]!, 'index.mjs'), 'utf8');
    expect(code).toContain('__quotelabCreateRequire');
    expect(code).toMatch(/export\s*\{[^}]*handler/);
  });

  it('passes cdk-nag AwsSolutions, with only the reasoned Node 22 runtime acknowledgement', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
